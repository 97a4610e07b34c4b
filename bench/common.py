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


# The review workflow of a large site, built with set-based SQL (``INSERT … SELECT
# generate_series``) by the staff-list and insights benchmarks; each appends its own
# statements. Format with prefix (of the articles' slugs), topics, articles, reviewers and
# per (assignments per submission); run with the params topic0, author, chair and member0,
# the first ids the ORM created. 60 % of the submissions are approved and published.
WORKFLOW_SQL = """
INSERT INTO articles_article (slug, topic_id, created_at, review_status, reviewed_by,
    published_revision_id, first_published_at, last_reviewed_at, next_review_due,
    approved_by_override, override_reason, re_check)
SELECT '{prefix}' || n, %(topic0)s + n %% {topics}, now(), 'not_submitted', '[]',
    NULL, NULL, NULL, NULL, false, '', ''
FROM generate_series(0, {articles} - 1) AS n;

INSERT INTO articles_article_authors (article_id, user_id)
SELECT id, %(author)s FROM articles_article WHERE slug LIKE '{prefix}%%';

INSERT INTO articles_revision (article_id, number, title, summary, body, patient_body,
    patient_summary, patient_safety_note, created_by_id, created_at, locked_at, content_hash)
SELECT id, 1, 'Benchmark question ' || id || '?', 'A summary.', 'A body.', '', '', '',
    %(author)s, now() - interval '400 days', now() - interval '400 days',
    lpad(id::text, 64, '0')
FROM articles_article WHERE slug LIKE '{prefix}%%';

INSERT INTO editorial_submission (article_id, revision_id, content_hash, kind, state,
    previous_id, author_note, submitted_by_id, submitted_at, decided_at, updated_at)
SELECT r.article_id, r.id, r.content_hash, 'new',
    CASE WHEN r.article_id %% 10 < 6 THEN 'approved' ELSE 'under_review' END,
    NULL, '', %(author)s,
    now() - ((r.article_id %% 400) || ' days')::interval,
    CASE WHEN r.article_id %% 10 < 6
        THEN now() - ((r.article_id %% 400) || ' days')::interval
             + ((3 + r.article_id %% 25) || ' days')::interval END,
    now()
FROM articles_revision r JOIN articles_article a ON a.id = r.article_id
WHERE a.slug LIKE '{prefix}%%';

UPDATE articles_article a SET published_revision_id = s.revision_id,
    review_status = 'approved', last_reviewed_at = s.decided_at,
    first_published_at = s.decided_at,
    next_review_due = (s.decided_at + interval '365 days')::date
FROM editorial_submission s WHERE s.article_id = a.id AND s.state = 'approved'
    AND a.slug LIKE '{prefix}%%';

INSERT INTO editorial_assignment (submission_id, reviewer_id, state, invited_by_id,
    invited_at, response_due, responded_at, review_due, completed_at, closed_at,
    close_reason, escalated_at, updated_at, invitation_message)
SELECT s.id, %(member0)s + (s.id * 3 + k) %% {reviewers},
    st.state, %(chair)s, s.submitted_at, (s.submitted_at + interval '4 days')::date,
    CASE WHEN st.state <> 'invited'
        THEN s.submitted_at + ((s.id + k) %% 6 || ' days')::interval + interval '3 hours' END,
    CASE WHEN st.state IN ('accepted', 'completed')
        THEN (s.submitted_at + interval '18 days')::date END,
    CASE WHEN st.state = 'completed'
        THEN s.submitted_at
             + ((s.id + k) %% 6 + 2 + (s.id * 7 + k) %% 20 || ' days')::interval END,
    NULL,
    CASE WHEN st.state = 'declined'
        THEN (ARRAY['Too busy', 'Outside my expertise', 'On leave', ''])[1 + s.id %% 4]
        ELSE '' END,
    CASE WHEN st.state IN ('invited', 'accepted') AND s.id %% 7 = 0
        THEN s.submitted_at + interval '20 days' END,
    now(), ''
FROM editorial_submission s
JOIN articles_article a ON a.id = s.article_id AND a.slug LIKE '{prefix}%%'
CROSS JOIN generate_series(0, {per} - 1) AS k
CROSS JOIN LATERAL (SELECT CASE
    WHEN s.state = 'approved'
        THEN CASE WHEN k = 2 AND s.id %% 5 = 0 THEN 'declined' ELSE 'completed' END
    WHEN k = 2 THEN 'invited' ELSE 'accepted' END AS state) AS st;
"""


def backend_cpu_seconds():
    """CPU time so far of this connection's PostgreSQL backend (a local server: /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
