"""Reader page speed: the cached article page against a trivial Django view.

Seeds the demo (with the B12 article) into a database of its own
(``imprimatur_bench_reader``, dropped and recreated each run, on the PostgreSQL of
``DATABASE_URL``), counts the SQL queries of one uncached render, then starts gunicorn with
2 workers and production settings on 127.0.0.1 and runs ``wrk`` on loopback against

  * the article page, served from the cache (Redis at ``REDIS_URL``), and
  * a constant 10 KB page from a trivial view behind the same middleware,

10 seconds each, and prints both requests per second and their ratio (the target is 80%
or more). Figures are printed, never asserted.

The two are measured in alternating rounds (BENCH_ROUNDS, default 5, sharing the
BENCH_SECONDS of each page) so that load from other programs on the machine falls on
both alike; the best round of each is reported, with every round printed. Environment:
BENCH_PORT (default 8121), BENCH_SECONDS (default 10), BENCH_ROUNDS (default 5),
BENCH_CONNECTIONS (default 8).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "imprimatur_bench_reader"
ARTICLE = "/articles/vitamin-b12-deficiency-restless-legs/"
CONSTANT = "/bench/constant/"
PORT = int(os.environ.get("BENCH_PORT", "8121"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "5")))
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
    """Queries of one uncached render of the article page (after a new cache generation),
    measured in this process with the same settings."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import page_cache

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/editorial-policy/")  # the policy row is cached like in production
    page_cache.invalidate_public_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ARTICLE)
    assert response.status_code == 200, response.status_code
    assert response["X-Reader-Cache"] == "miss"
    count = len(queries)  # now: the next request resets the query log
    timings = []
    for _ in range(20):
        page_cache.invalidate_public_pages()
        start = time.perf_counter()
        client.get(ARTICLE)
        timings.append(time.perf_counter() - start)
    connection.close()
    return count, sorted(timings)[len(timings) // 2] * 1000, len(response.content)


def start_gunicorn(env):
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--workers", "2",
        "--bind", f"127.0.0.1:{PORT}",
        "--chdir", str(ROOT),
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{CONSTANT}", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn did not answer on port {PORT} within 30 s")


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


def wrk(path, seconds):
    url = f"http://127.0.0.1:{PORT}{path}"
    result = subprocess.run(
        [*WRK, f"-d{seconds}s", url], capture_output=True, text=True, check=True
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if rate is None:
        raise RuntimeError(f"could not read wrk's output:\n{result.stdout}")
    return float(rate.group(1)), int(errors.group(1)) if errors else 0


def measure():
    """Alternating rounds; returns the requests/s of each round for both pages."""
    for path in (CONSTANT, ARTICLE):  # warm both (and each worker's copy of the page)
        subprocess.run([*WRK, "-d1s", f"http://127.0.0.1:{PORT}{path}"], capture_output=True)
    rounds, errors = [], 0
    for number in range(1, ROUNDS + 1):
        constant, constant_errors = wrk(CONSTANT, ROUND_SECONDS)
        article, article_errors = wrk(ARTICLE, ROUND_SECONDS)
        errors += constant_errors + article_errors
        rounds.append((constant, article))
        print(
            f"  round {number}: trivial {constant:8.1f}/s   article {article:8.1f}/s"
            f"   ({article / constant:.0%})",
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
    try:
        fetch(ARTICLE)  # fills the cache
        headers, body = fetch(ARTICLE)
        if headers["X-Reader-Cache"] != "hit":
            print("warning: the article page was not served from the cache")
        rounds, errors = measure()
    finally:
        stop(process)

    best_constant = max(constant for constant, _ in rounds)
    best_article = max(article for _, article in rounds)
    ratios = sorted(article / constant for constant, article in rounds)
    print(f"Trivial view, constant 10 KB page: {best_constant:10.1f} requests/s (best round)")
    size = f"{len(body) // 1024} KB"
    print(f"Article page from cache, {size}:   {best_article:10.1f} requests/s (best round)")
    print(
        f"Ratio article / trivial: {best_article / best_constant:.0%} "
        f"(median of the rounds: {ratios[len(ratios) // 2]:.0%}; target: 80% or more)"
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
