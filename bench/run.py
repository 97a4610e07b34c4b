"""Run every benchmark under bench/ (files named bench_*.py) one after another.

Benchmarks print figures and ratios; none asserts a timing. Each is a standalone script
that sets up its own data in a database of its own (see its docstring)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("No benchmarks yet.")
        return 0
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nBenchmarks that failed to run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
