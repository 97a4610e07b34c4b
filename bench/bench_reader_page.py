"""Reader page speed: the cached and the uncached article page against a trivial view.

Seeds the demo (with the B12 article) into a database of its own
(``imprimatur_bench_reader``, dropped and recreated each run, on the PostgreSQL of
``DATABASE_URL``), counts the SQL queries of one uncached render, then starts gunicorn with
2 workers and production settings on 127.0.0.1 and runs ``wrk`` on loopback against

  * the article page, served from the cache (Redis at ``REDIS_URL``),
  * the article page uncached (a second gunicorn with ``READER_PAGE_CACHE=false``: every
    request reads the rows and renders the template from the revision's stored HTML), and
  * a constant 10 KB page from a trivial view behind the same middleware,

10 seconds each, and prints requests per second and the ratios to the trivial view
(targets: cached ≥ 0.85×, uncached ≥ 0.25×). Figures are printed, never asserted.

The pages are measured in alternating rounds (BENCH_ROUNDS, default 10, sharing the
BENCH_SECONDS of each page: 1 s each) so that load from other programs on the machine
falls on all alike; each round's ratios are printed, and the mark goes by their median. Environment:
BENCH_PORT (default 8121), BENCH_SECONDS (default 10), BENCH_ROUNDS (default 10),
BENCH_CONNECTIONS (default 8); with BENCH_QUICK=1, 5 rounds of 1 s.
"""

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import quick, report, signing_key_file  # noqa: E402 - bench/common.py, beside this script

DATABASE = "imprimatur_bench_reader"
ARTICLE = "/articles/vitamin-b12-deficiency-restless-legs/"
CONSTANT = "/bench/constant/"
PORT = int(os.environ.get("BENCH_PORT", "8121"))
UNCACHED_PORT = PORT + 1
SECONDS = int(os.environ.get("BENCH_SECONDS", quick("10", "5")))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", quick("10", "5"))))
ROUND_SECONDS = max(1, SECONDS // ROUNDS)  # wrk takes whole seconds
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
# One wrk thread: on a small machine a second one takes a core from the two workers.
WRK = ["wrk", "-t1", f"-c{CONNECTIONS}"]


def bench_environment():
    server = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.reader_settings",
        "DATABASE_URL": urlunparse(server._replace(path=f"/{DATABASE}")),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
        "SIGNING_KEY_FILE": signing_key_file(),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def recreate_database(env):
    import psycopg

    url = urlparse(env["DATABASE_URL"])
    admin = urlunparse(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def setup_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed():
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("seed_demo", force=True, verbosity=0, stdout=StringIO())


def uncached_query_count():
    """Queries of one uncached render of the article page (the page cache off), measured
    in this process with the same settings."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/editorial-policy/")  # the policy row is cached like in production
    client.get(ARTICLE)  # this process's page-change poll, once a second
    with override_settings(READER_PAGE_CACHE=False), CaptureQueriesContext(connection) as queries:
        response = client.get(ARTICLE)
    assert response.status_code == 200, response.status_code
    assert response["X-Reader-Cache"] == "miss"
    count = len(queries)  # now: the next request resets the query log
    timings = []
    with override_settings(READER_PAGE_CACHE=False):
        for _ in range(20):
            start = time.perf_counter()
            client.get(ARTICLE)
            timings.append(time.perf_counter() - start)
    connection.close()
    return count, sorted(timings)[len(timings) // 2] * 1000, len(response.content)


def start_gunicorn(env, port=PORT):
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--workers", "2",
        "--bind", f"127.0.0.1:{port}",
        "--chdir", str(ROOT),
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 120  # warm_up, on a loaded machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{CONSTANT}", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn did not answer on port {port} within 120 s")


def stop(process):
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def fetch(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=5) as response:
        return response.headers, response.read()


def wrk(path, seconds, port=PORT):
    url = f"http://127.0.0.1:{port}{path}"
    result = subprocess.run(
        [*WRK, f"-d{seconds}s", url], capture_output=True, text=True, check=True
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if rate is None:
        raise RuntimeError(f"could not read wrk's output:\n{result.stdout}")
    return float(rate.group(1)), int(errors.group(1)) if errors else 0


def measure():
    """Alternating rounds; returns the requests/s of each round for the three pages."""
    for port, path in ((PORT, CONSTANT), (PORT, ARTICLE), (UNCACHED_PORT, ARTICLE)):  # warm
        subprocess.run([*WRK, "-d1s", f"http://127.0.0.1:{port}{path}"], capture_output=True)
    rounds, errors = [], 0
    for number in range(1, ROUNDS + 1):
        constant, constant_errors = wrk(CONSTANT, ROUND_SECONDS)
        article, article_errors = wrk(ARTICLE, ROUND_SECONDS)
        uncached, uncached_errors = wrk(ARTICLE, ROUND_SECONDS, port=UNCACHED_PORT)
        errors += constant_errors + article_errors + uncached_errors
        rounds.append((constant, article, uncached))
        print(
            f"  round {number}: trivial {constant:8.1f}/s   cached {article:8.1f}/s"
            f" ({article / constant:.2f}×)   uncached {uncached:8.1f}/s"
            f" ({uncached / constant:.2f}×)",
            flush=True,
        )
    return rounds, errors


def main():
    if shutil.which("wrk") is None:
        print("wrk is not installed. On Debian or Ubuntu: sudo apt-get install wrk")
        return 1
    env = bench_environment()
    print(f"Database {DATABASE} (recreated), cache {env['REDIS_URL']}, gunicorn on :{PORT}")
    recreate_database(env)
    setup_django(env)
    seed()
    queries, render_ms, size = uncached_query_count()
    print(f"Uncached article page: {queries} SQL queries, median render {render_ms:.1f} ms")

    process = start_gunicorn(env)
    uncached_process = start_gunicorn({**env, "READER_PAGE_CACHE": "false"}, UNCACHED_PORT)
    try:
        fetch(ARTICLE)  # fills the cache
        headers, body = fetch(ARTICLE)
        if headers["X-Reader-Cache"] != "hit":
            print("warning: the article page was not served from the cache")
        rounds, errors = measure()
    finally:
        stop(process)
        stop(uncached_process)

    best_constant = max(r[0] for r in rounds)
    best_article = max(r[1] for r in rounds)
    best_uncached = max(r[2] for r in rounds)
    print(f"Trivial view, constant 10 KB page: {best_constant:10.1f} requests/s (best round)")
    size = f"{len(body) // 1024} KB"
    print(f"Article page from cache, {size}:   {best_article:10.1f} requests/s (best round)")
    print(f"Article page uncached, {size}:     {best_uncached:10.1f} requests/s (best round)")
    for row, label, index, target in (
        ("uncached", "uncached article page (READER_PAGE_CACHE off) vs the trivial view", 2, 0.25),
        ("cached", "cached article page vs the trivial view", 1, 0.85),
    ):
        best = max(r[index] for r in rounds) / best_constant
        ratios = sorted(r[index] / r[0] for r in rounds)
        median = statistics.median(ratios)
        # Marked on the median of the rounds' own ratios: each round measures the pages
        # back to back, so a swing in the machine's load between rounds cancels out.
        report(
            row,
            f"{label}, wrk, same run",
            f"{median:.2f}× median of {len(rounds)} rounds' ratios "
            f"({ratios[0]:.2f}–{ratios[-1]:.2f}×; best round against best round {best:.2f}×)",
            f"≥ {target}×",
            median >= target,
        )
    if errors:
        print(f"Non-2xx responses: {errors}")
    print(
        f"(gunicorn 2 sync workers; wrk 1 thread, {CONNECTIONS} connections, "
        f"{ROUNDS} rounds of {ROUND_SECONDS} s per page)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
