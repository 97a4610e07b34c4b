"""Run the benchmarks under bench/ one after another, then print issues 12 and 15's target table:
every row, the figure measured in this run beside its target, and ``pass`` or ``MISS``.

``python bench/run.py`` (``make bench``) runs every ``bench_*.py``: the full figures.
``python bench/run.py --quick`` (``make bench-quick``) runs only the benchmarks of the
table, with shorter rounds (BENCH_QUICK=1; see each script), reusing the data sets that
are kept between runs. ``python bench/run.py bench_audit.py …`` runs the ones named.

Benchmarks print figures and marks; none asserts a timing. Each is a standalone script
that sets up its own data in a database of its own (see its docstring) and reports the
rows of the table with ``common.report``."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Issue 12's table, in its order: (row, what it measures, target, benchmark that reports it).
TABLE = (
    ("uncached", "uncached article page (READER_PAGE_CACHE off) vs the trivial view, wrk",
     "≥ 0.25×", "bench_reader_page.py"),
    ("cached", "cached article page vs the trivial view", "≥ 0.85×", "bench_reader_page.py"),
    ("hit-ratio", "cache hit ratio for article B while article A is approved every second",
     "≥ 99 %", "bench_invalidation.py"),
    ("staff-lists", "each staff list and the board view at 50,000 articles, 150,000 "
     "assignments, 1,000,000 audit entries, 1,000,000 notifications",
     "p95 ≤ 200 ms, constant queries", "bench_staff_lists.py"),
    ("approvals", "approvals/s, 8 writers on 8 articles (PostgreSQL)",
     "≥ 200/s, chain intact", "bench_invalidation.py"),
    ("verify-audit", "verify_audit over 1,000,000 entries", "≤ 30 s, constant memory",
     "bench_audit.py"),
    ("cold-start", "first draft save / first article render in a fresh process",
     "≤ 500 ms / ≤ 50 ms", "bench_cold_start.py"),
    # Issue 15's speed targets, in the same table.
    ("insights", "chair's insights page at 50,000 articles, 150,000 assignments (30/90/365 days)",
     "p95 ≤ 300 ms, constant queries", "bench_insights.py"),
    ("dossier", "review dossier PDF of an article with 200 audit entries", "≤ 3 s",
     "bench_insights.py"),
)  # fmt: skip


def run(scripts, rows_file, *, quick):
    env = {**os.environ, "BENCH_ROWS_FILE": rows_file}
    if quick:
        env["BENCH_QUICK"] = "1"
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        started = time.monotonic()
        code = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, env=env).returncode
        print(f"({script.name}: {time.monotonic() - started:.0f} s)", flush=True)
        if code != 0:
            failed.append(script.name)
    return failed


def print_table(rows_file):
    with open(rows_file, encoding="utf-8") as lines:
        reported = [json.loads(line) for line in lines if line.strip()]
    print("\n=== Issue 12 and 15 targets (this run) ===")
    print("| measure | figure | target | mark |")
    print("|---|---|---|---|")
    misses = 0
    for row, measure, target, script in TABLE:
        found = [r for r in reported if r["row"] == row]
        if not found:
            print(f"| {measure} | not measured ({script} did not report) | {target} | MISS |")
            misses += 1
        for r in found:
            print(f"| {r['measure']} | {r['figure']} | {r['target']} | {r['mark']} |")
            misses += r["mark"] == "MISS"
    print(f"{misses} row(s) missed." if misses else "Every target held.")


def main(argv):
    quick = "--quick" in argv
    named = [arg for arg in argv if not arg.startswith("--")]
    if named:
        scripts = [HERE / name for name in named]
    elif quick:
        scripts = list(dict.fromkeys(HERE / script for *_, script in TABLE))
    else:
        scripts = sorted(HERE.glob("bench_*.py"))
    started = time.monotonic()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as rows:
        rows_file = rows.name
    try:
        failed = run(scripts, rows_file, quick=quick)
        print_table(rows_file)
    finally:
        os.unlink(rows_file)
    print(f"({'quick' if quick else 'full'} run: {(time.monotonic() - started) / 60:.1f} min)")
    if failed:
        print(f"Benchmarks that failed to run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
