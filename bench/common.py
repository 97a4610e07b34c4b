"""What every benchmark needs first: a PostgreSQL database of its own, migrated, on the
server of ``DATABASE_URL``, with Django set up on the test settings."""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def database_urls(name):
    """(the benchmark's own database, the server's ``postgres`` database)."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imprimatur"))
    return (
        urlunsplit(base._replace(path=f"/{name}")),
        urlunsplit(base._replace(path="/postgres")),
    )


def use_own_database(name, **environment):
    """Create database ``name`` unless it exists, point Django at it (plus any other
    ``environment`` variables), set Django up and migrate."""
    import psycopg

    url, admin_url = database_urls(name)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")
    os.environ.update(
        DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.test", **environment
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def measure_get(client, url, *, runs=20):
    """GET ``url`` once to warm up (templates, permission cache, PostgreSQL's buffers), then
    ``runs`` times. Returns the median and 95th percentile in ms, the queries of the last
    run, and its response; exits if a response is not 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries), response


def signing_key_file():
    """A throwaway Ed25519 key for benchmarks on production settings, which refuse to start
    without SIGNING_KEY_FILE (made once, in the temporary directory)."""
    import tempfile

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(tempfile.gettempdir()) / "imprimatur-bench-signing-key.pem"
    if not path.exists():
        path.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return str(path)


QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0", "false")


def quick(full, short):
    """``short`` under ``make bench-quick`` (BENCH_QUICK=1), else ``full``."""
    return short if QUICK else full


def report(row, measure, figure, target, passed):
    """Print one row of the issue's target table in the one format every benchmark uses,
    ``| measure | figure | target | pass |`` (or ``MISS``), and hand it to ``bench/run.py``
    (through the file named by BENCH_ROWS_FILE) under ``row``, the table row it belongs
    to. ``passed`` is None when the figure has no pass mark of its own."""
    import json

    mark = "pass" if passed else ("—" if passed is None else "MISS")
    # Every figure here is a time on a shared machine: say how busy it was.
    figure = f"{figure} (load {os.getloadavg()[0]:.1f})"
    print(f"| {measure} | {figure} | {target} | {mark} |", flush=True)
    rows_file = os.environ.get("BENCH_ROWS_FILE")
    if rows_file:
        with open(rows_file, "a", encoding="utf-8") as out:
            out.write(
                json.dumps(
                    {
                        "row": row,
                        "measure": measure,
                        "figure": figure,
                        "target": target,
                        "mark": mark,
                    }  # fmt: skip
                )
                + "\n"
            )
