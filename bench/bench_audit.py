"""``verify_audit`` over a million audit entries (time and memory), and the audit log's
changelist over them.

Builds (once; later runs reuse it) ``imprimatur_bench_audit`` on the server of
``DATABASE_URL`` with ``BENCH_AUDIT_ENTRIES`` (default 1,000,000) chained entries, written
with COPY, then walks the chain with ``editorial.audit.verify_chain`` and prints the time
and how much the process's peak memory grew (target: ≤ 30 s, constant memory); then
renders the admin's audit-log changelist (first page, and filtered by action) 20 times
each through Django's test client and prints the median, p95 and queries (target: p95 ≤
200 ms, constant queries).
"""

import datetime
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import report, use_own_database  # noqa: E402 - bench/common.py, beside this script

DATABASE = "imprimatur_bench_audit"
ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "1000000"))
COLUMNS = (
    "sequence", "created_at", "actor_label", "action", "target_type", "target_id",
    "from_state", "to_state", "comment", "data", "prev_hash", "hash",
)  # fmt: skip


def build():
    from django.db import connection

    from editorial.models import GENESIS_HASH, AuditEntry

    existing = AuditEntry.objects.count()
    if existing == ENTRIES:
        print(f"Reusing {existing:,} audit entries.")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE editorial_auditentry")
        return
    if existing:
        sys.exit(f"{DATABASE} holds {existing:,} entries: drop it to build {ENTRIES:,}.")
    started = time.perf_counter()
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    entry = AuditEntry(actor_label="system", target_type="editorial.submission", data={})
    prev_hash = GENESIS_HASH
    with connection.cursor() as cursor:
        copy_sql = f"COPY editorial_auditentry ({', '.join(COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for sequence in range(1, ENTRIES + 1):
                entry.sequence = sequence
                entry.created_at = base + datetime.timedelta(seconds=sequence)
                entry.action = "submission.submit"
                entry.target_id = sequence
                entry.from_state, entry.to_state = "draft", "submitted"
                entry.comment = f"Entry {sequence}"
                entry.prev_hash = prev_hash
                entry.hash = prev_hash = entry.compute_hash()
                copy.write_row(
                    (
                        sequence, entry.created_at, entry.actor_label, entry.action,
                        entry.target_type, entry.target_id, entry.from_state, entry.to_state,
                        entry.comment, "{}", entry.prev_hash, entry.hash,
                    )
                )  # fmt: skip
        cursor.execute("ANALYZE editorial_auditentry")  # as autovacuum would, in time
    print(f"Built {ENTRIES:,} chained entries in {time.perf_counter() - started:.0f} s.")


def main():
    use_own_database(DATABASE)
    build()
    from editorial.audit import verify_chain

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    checked, broken = verify_chain()
    elapsed = time.perf_counter() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    report(
        "verify-audit",
        f"verify_audit over {checked:,} entries",
        f"{elapsed:.1f} s, peak memory +{grown:.0f} MB, {'intact' if broken is None else broken}",
        "≤ 30 s, constant memory",
        elapsed <= 30 and grown < 100 and broken is None,
    )
    changelist_timings()
    return 0


def changelist_timings(runs=20):
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-root").first()
    if user is None:
        user = user_model.objects.create_superuser("bench-root", "root@example.org", "x")
    client = Client()
    client.force_login(user)
    base = "/admin/editorial/auditentry/"
    for label, url in (
        ("audit log changelist, first page", base),
        ("audit log changelist, page 100", f"{base}?p=100"),
        ("audit log changelist, action filter", f"{base}?action__exact=submission.submit"),
    ):
        client.get(url)  # warm
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        report(
            "staff-lists",
            f"{label}, {ENTRIES:,} entries ({response.status_code})",
            f"median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, {len(queries)} queries",
            "p95 ≤ 200 ms, constant queries",
            p95 <= 200 and response.status_code == 200,
        )


if __name__ == "__main__":
    sys.exit(main())
