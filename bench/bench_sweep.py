"""One reminder sweep over 1,000,000 assignments, 100,000 of them open, 10,000 owing a
reminder.

Builds (once) a PostgreSQL database of its own, ``imprimatur_bench_sweep`` on the server of
``DATABASE_URL``: 10,000 submissions under review, 200 reviewers, 900,000 completed
assignments, 90,000 open ones due next month and 10,000 whose review was due yesterday. Each
run first forgets the previous run's claims (deletes the outbox rows), then times one sweep
that claims every owed reminder and queues send tasks (a hundred rows each) on a Redis
broker (database 14 of ``REDIS_URL``'s server, purged afterwards, so no worker sends
anything). It prints the time, the number claimed and queued, the number of SQL queries
and the batches, and the EXPLAIN plan of the candidate query with the partial indexes it
uses. Nothing is asserted.

Run: ``.venv/bin/python bench/bench_sweep.py`` (or ``make bench``).
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import use_own_database  # noqa: E402 - bench/common.py, beside this script

DATABASE = "imprimatur_bench_sweep"
SUBMISSIONS = 10_000
REVIEWERS = 200
TOTAL = 1_000_000
OPEN = 100_000
DUE = 10_000


def _setup():
    redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    use_own_database(
        DATABASE,
        REDIS_URL=urlunsplit(redis._replace(path="/14")),
        CELERY_TASK_ALWAYS_EAGER="false",
    )


def _build():
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import Article, Revision, Topic
    from editorial.models import Assignment, Submission, SubmissionKind, SubmissionState
    from reviewers.models import BoardMember

    if Assignment.objects.count() >= TOTAL:
        print(f"Reusing {TOTAL:,} assignments in {DATABASE}.")
        return
    started = time.perf_counter()
    print(f"Building {TOTAL:,} assignments in {DATABASE} (once)…", flush=True)
    user_model = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        topic, _ = Topic.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
        author, _ = user_model.objects.get_or_create(username="bench-author")
        chair, _ = user_model.objects.get_or_create(
            username="bench-chair", defaults={"email": "chair@example.org"}
        )
        users = user_model.objects.bulk_create(
            user_model(username=f"bench-reviewer-{n}", email=f"r{n}@example.org")
            for n in range(REVIEWERS)
        )
        members = BoardMember.objects.bulk_create(
            BoardMember(user=user, display_name=f"Dr. Bench {n}", slug=f"dr-bench-{n}",
                        credentials="MD")
            for n, user in enumerate(users)
        )  # fmt: skip
        articles = Article.objects.bulk_create(
            Article(slug=f"bench-{n}", topic=topic) for n in range(SUBMISSIONS)
        )
        revisions = Revision.objects.bulk_create(
            Revision(article=article, number=1, title=f"Bench question {n}?", summary="S",
                     body="B", created_by=author, locked_at=now, content_hash="0" * 64)
            for n, article in enumerate(articles)
        )  # fmt: skip
        Submission.objects.bulk_create(
            Submission(article=revision.article, revision=revision, content_hash="0" * 64,
                       kind=SubmissionKind.NEW, state=SubmissionState.UNDER_REVIEW,
                       submitted_by=author)
            for revision in revisions
        )  # fmt: skip
        first_member = members[0].pk
        first_submission = Submission.objects.order_by("pk").values_list("pk", flat=True)[0]
        with connection.cursor() as cursor:
            # Row i: submission i mod 10,000, reviewer i div 10,000 mod 200: the first
            # 100,000 rows are the open ones, each (submission, reviewer) pair once.
            cursor.execute(
                """
                INSERT INTO editorial_assignment
                    (state, invited_at, response_due, responded_at, review_due, completed_at,
                     closed_at, close_reason, escalated_at, updated_at, invited_by_id,
                     reviewer_id, submission_id)
                SELECT CASE WHEN i < %(open)s THEN 'accepted' ELSE 'completed' END,
                       now() - interval '20 days', current_date - 16, now() - interval '19 days',
                       CASE WHEN i < %(due)s THEN current_date - 1
                            WHEN i < %(open)s THEN current_date + 30
                            ELSE current_date - 100 END,
                       CASE WHEN i < %(open)s THEN NULL ELSE now() - interval '90 days' END,
                       NULL, '', NULL, now(), %(chair)s,
                       %(first_member)s + (i / %(subs)s) %% %(reviewers)s,
                       %(first_submission)s + i %% %(subs)s
                FROM generate_series(0, %(total)s - 1) AS i
                """,
                {
                    "open": OPEN, "due": DUE, "chair": chair.pk, "subs": SUBMISSIONS,
                    "reviewers": REVIEWERS, "first_member": first_member,
                    "first_submission": first_submission, "total": TOTAL,
                },
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Built in {time.perf_counter() - started:.1f} s.")


def _explain():
    from django.db import connection
    from django.utils import timezone

    from editorial.models import EditorialPolicy
    from editorial.reminders.claims import candidates

    query = (
        candidates(today=timezone.localdate(), policy=EditorialPolicy.load())
        .order_by()
        .values("pk")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print("EXPLAIN of the candidate query:")
    for line in plan:
        print("   ", line)
    used = sorted({name for name in ("assignment_accepted_due_idx", "assignment_invited_due_idx")
                   if any(name in line for line in plan)})  # fmt: skip
    print(f"Partial indexes used: {', '.join(used) or 'none'}")


def _run():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config.celery import app
    from editorial.models import Notification
    from editorial.reminders.claims import BATCH_SIZE
    from editorial.sweep import run_sweep
    from editorial.tasks import SEND_CHUNK, send_notifications

    Notification.objects.all().delete()
    app.control.purge()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = run_sweep()
    claimed_at = time.perf_counter()
    queued = result.queued
    for start in range(0, len(queued), SEND_CHUNK):
        send_notifications.delay(queued[start : start + SEND_CHUNK])
    finished = time.perf_counter()
    app.control.purge()
    batches = -(-OPEN // BATCH_SIZE)
    print(result.summary())
    print(f"Claimed {result.reminders_claimed:,} reminders in {claimed_at - started:.2f} s with "
          f"{len(queries):,} SQL queries (batches of {BATCH_SIZE}: about {DUE // BATCH_SIZE} "
          f"batches hold owed work; {OPEN:,} open of {TOTAL:,} in all, {batches} batches if all "
          "were due)")  # fmt: skip
    print(f"Queued {len(queued):,} notifications in {-(-len(queued) // SEND_CHUNK)} send tasks "
          f"on Redis in {finished - claimed_at:.2f} s")  # fmt: skip
    print(f"Sweep total: {finished - started:.2f} s (target: under 10 s)")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        again = run_sweep()
    print(f"Next sweep (all owed work already claimed): {time.perf_counter() - started:.2f} s, "
          f"{len(queries):,} SQL queries, {len(again.queued)} queued")  # fmt: skip


def main():
    _setup()
    _build()
    _explain()
    _run()


if __name__ == "__main__":
    main()
