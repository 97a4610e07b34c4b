"""How fast the chair's insights page renders with 50,000 articles and 150,000
assignments, and how long a 200-entry review dossier takes to print as PDF.

Builds (once, with set-based SQL: ``INSERT … SELECT generate_series``) a PostgreSQL
database of its own, ``imprimatur_bench_insights`` on the server of ``DATABASE_URL``:
50,000 articles over 20 topics, each with a locked revision and a submission (60%
approved), three assignments per submission (150,000) over 100 reviewers, spread over the
last 400 days, 20,000 reminders and 2,000 reader reports; plus one article with 200 audit
entries for the dossier. Times are realistic: to the second, log-normally spread (responses
hours to two weeks, reviews days to two months, approvals weeks, triage hours to days), so
(almost) no two durations are equal. Later runs reuse it (an older data set, with
durations in whole days, is refused). Each run rolls the insights up again from nothing
(``manage.py rollup_insights --rebuild``, timed, then ``VACUUM ANALYZE`` as autovacuum
would), as the sweep keeps them: closed days come from the daily roll-ups, today is live.

Prints the median and 95th percentile of the insights page (through Django's test
client, as the chair) for several periods and for one topic, its number of queries, the
same page with no roll-ups (every day counted live, as before the first sweep), and the
time to gather and print the 200-entry dossier. Targets: page p95 ≤ 300 ms with a number
of queries that does not grow with the data; the dossier PDF ≤ 3 s. Nothing here asserts a timing.

Run: ``.venv/bin/python bench/bench_insights.py`` (or ``make bench``).
"""

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import (  # noqa: E402 - bench/common.py, beside this script
    WORKFLOW_SQL,
    measure_get,
    report,
    use_own_database,
)

DATABASE = "imprimatur_bench_insights"
ARTICLES = 50_000
PER_SUBMISSION = 3
REVIEWERS = 100
TOPICS = 20
AUDIT_ENTRIES = 200
RUNS = 20


# A log-normal duration in seconds with the given median (days) and spread (sigma), at
# whole-second resolution, clamped to [low, high] days: Box-Muller over random(), so every
# row draws its own (seeded once, so a rebuild draws the same).
def _lognormal(median_days, sigma, low_days, high_days):
    draw = (
        f"exp(ln({median_days} * 86400.0) + {sigma} * sqrt(-2 * ln(1 - random()))"
        " * cos(2 * pi() * random()))"
    )
    return (
        f"make_interval(secs => round(least(greatest({draw}, {low_days} * 86400.0),"
        f" {high_days} * 86400.0)))"
    )


def _set_times(table, column, start, duration, where):
    """``column = start + duration`` on the rows ``where``; then, where that fell in the
    future, a random instant between ``start`` and now (two statements, so that each row
    draws once)."""
    return (
        f"UPDATE {table} SET {column} = {start} + {duration} WHERE {where};\n"
        f"UPDATE {table} SET {column} = {start} + (now() - {start}) * random()"
        f" WHERE {column} > now() AND {where};\n"
    )


# Set-based statements, run in order; %(name)s are the ids the ORM created first. After the
# shared workflow: realistic times. The shared workflow's durations are whole days; real
# ones are to the second and (almost) all different, which is what a roll-up keyed by exact
# duration cannot compress. Invitations go out at any second of the day; responses take
# hours to a week or two (median 1.2 days), reviews days to weeks (median 8 days),
# submission to approval a few weeks, a reader's report to triage hours to days.
SQL = (
    WORKFLOW_SQL
    + f"""
SELECT setseed(0.15);

UPDATE editorial_submission SET submitted_at = submitted_at
    - make_interval(secs => floor(random() * 86400))
WHERE article_id IN (SELECT id FROM articles_article WHERE slug LIKE '{{prefix}}%%');

{
        _set_times(
            "editorial_submission",
            "decided_at",
            "submitted_at",
            _lognormal(20, 0.5, 2, 120),
            "decided_at IS NOT NULL AND article_id IN "
            "(SELECT id FROM articles_article WHERE slug LIKE '{prefix}%%')",
        )
    }
UPDATE articles_article a SET last_reviewed_at = s.decided_at,
    first_published_at = s.decided_at,
    next_review_due = (s.decided_at + interval '365 days')::date
FROM editorial_submission s WHERE s.article_id = a.id AND s.state = 'approved'
    AND a.slug LIKE '{{prefix}}%%';

UPDATE editorial_assignment a SET invited_at = s.submitted_at,
    response_due = (s.submitted_at + interval '4 days')::date
FROM editorial_submission s WHERE s.id = a.submission_id
    AND s.article_id IN (SELECT id FROM articles_article WHERE slug LIKE '{{prefix}}%%');

{
        _set_times(
            "editorial_assignment",
            "responded_at",
            "invited_at",
            _lognormal(1.2, 1.0, 0.01, 21),
            "responded_at IS NOT NULL",
        )
    }
{
        _set_times(
            "editorial_assignment",
            "completed_at",
            "responded_at",
            _lognormal(8, 0.6, 0.1, 60),
            "completed_at IS NOT NULL",
        )
    }
UPDATE editorial_assignment SET review_due = (responded_at + interval '14 days')::date
WHERE state IN ('accepted', 'completed');

{
        _set_times(
            "editorial_assignment",
            "escalated_at",
            "invited_at",
            _lognormal(10, 0.3, 5, 30),
            "escalated_at IS NOT NULL",
        )
    }

INSERT INTO editorial_notification (kind, dedupe_key, recipient_id, to_email, subject,
    body_text, body_html, link, article_id, submission_id, assignment_id, created_at,
    claimed_at, sent_at, attempts, last_error, superseded)
SELECT 'reminder', 'bench-reminder-' || a.id, NULL, 'r@example.org', 'Reminder', 'Reminder',
    '<p>Reminder</p>', '', NULL, a.submission_id, a.id, a.completed_at - interval '1 day',
    NULL, a.completed_at - interval '1 day', 1, '', false
FROM editorial_assignment a WHERE a.state = 'completed' AND a.id %% 4 = 0
LIMIT 20000;

INSERT INTO articles_feedback (article_id, revision_id, kind, message, email, audience,
    status, chair_note, created_at, updated_at, triaged_at)
SELECT a.id, a.published_revision_id, 'error', 'A possible error.', '', '',
    CASE WHEN a.id %% 5 = 0 THEN 'new' ELSE 'invalid' END, '', reported, reported, NULL
FROM articles_article a
CROSS JOIN LATERAL (SELECT a.last_reviewed_at
    + (now() - a.last_reviewed_at) * random() AS reported) AS r
WHERE a.published_revision_id IS NOT NULL AND a.slug LIKE '{{prefix}}%%' AND a.id %% 15 = 0
LIMIT 2000;

{
        _set_times(
            "articles_feedback",
            "triaged_at",
            "created_at",
            _lognormal(2, 0.9, 0.02, 30),
            "status <> 'new' AND message = 'A possible error.'",
        )
    }
UPDATE articles_feedback SET updated_at = triaged_at WHERE triaged_at IS NOT NULL;
"""
)


# The share of distinct review durations: about 1 for this data set, not for an older one.
DISTINCT_DURATIONS = """
SELECT count(DISTINCT completed_at - responded_at)::float / greatest(count(*), 1)
FROM editorial_assignment WHERE state = 'completed'
"""


def _build():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from articles.models import Article, Topic
    from editorial.models import Assignment
    from reviewers.models import BoardMember

    if Assignment.objects.count() >= ARTICLES * PER_SUBMISSION:
        with connection.cursor() as cursor:
            cursor.execute(DISTINCT_DURATIONS)
            (distinct,) = cursor.fetchone()
        if distinct < 0.9:
            sys.exit(
                f"{DATABASE} holds the old data set (durations in whole days): drop the "
                "database and run again."
            )
        print("Reusing the existing data set.")
        return
    if Article.objects.exists():
        sys.exit(f"{DATABASE} holds a partial data set: drop the database and run again.")
    started = time.perf_counter()
    user_model = get_user_model()
    with transaction.atomic():
        topics = Topic.objects.bulk_create(
            Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(TOPICS)
        )
        author = user_model.objects.create_user("bench-author", "author@example.org")
        chair = user_model.objects.create_user("bench-chair", "chair@example.org", is_staff=True)
        chair.groups.add(Group.objects.get(name="Board chair"))
        users = user_model.objects.bulk_create(
            user_model(username=f"bench-reviewer-{n}", email=f"r{n}@example.org", is_staff=True)
            for n in range(REVIEWERS)
        )
        members = BoardMember.objects.bulk_create(
            BoardMember(
                user=user, display_name=f"Dr. Bench {n:03}", slug=f"dr-bench-{n}", credentials="MD"
            )
            for n, user in enumerate(users)
        )
        member_ids = sorted(m.pk for m in members)
        topic_ids = sorted(t.pk for t in topics)
        # The SQL picks reviewers and topics by offset from the first id.
        assert member_ids == list(range(member_ids[0], member_ids[0] + REVIEWERS))
        assert topic_ids == list(range(topic_ids[0], topic_ids[0] + TOPICS))
        script = SQL.format(
            prefix="bench-insights-",
            topics=TOPICS,
            articles=ARTICLES,
            reviewers=REVIEWERS,
            per=PER_SUBMISSION,
        )
        params = {
            "topic0": topic_ids[0],
            "author": author.pk,
            "chair": chair.pk,
            "member0": member_ids[0],
        }
        with connection.cursor() as cursor:
            for statement in script.split(";\n"):
                if statement.strip():
                    cursor.execute(statement, params)
        _dossier_article(chair)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Built {Article.objects.count():,} articles and {Assignment.objects.count():,} "
        f"assignments in {time.perf_counter() - started:.1f} s."
    )


def _dossier_article(chair):
    """One article with a 200-entry audit trail, chained as the services write it."""
    from articles.models import Article
    from editorial.actions import AuditAction
    from editorial.audit import audit_record

    article = Article.objects.get(slug="bench-insights-0")
    for n in range(AUDIT_ENTRIES):
        audit_record(
            actor=chair,
            action=AuditAction.ASSIGNMENT_SET_DUE_DATES,
            target=article,
            article=article,
            comment=f"Benchmark entry {n}: due dates moved after a reviewer asked for time.",
            data={"n": n},
        )


def main():
    use_own_database(DATABASE)
    _build()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article
    from editorial.dossiers import article_dossier, dossier_pdf
    from editorial.models import Assignment, AuditEntry, InsightsDay, InsightsRollup

    print(
        f"Data: {Article.objects.count():,} articles, {Assignment.objects.count():,} assignments."
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-chair"))
    url = reverse("admin:editorial_insights")
    rows = []

    def measure(label, query):
        median, p95, queries, _ = measure_get(client, url + query, runs=RUNS)
        print(f"insights, {label:32} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries} queries")
        rows.append({"case": label, "median_ms": median, "p95_ms": p95, "queries": queries})

    from editorial.insights import rollups

    rollups.clear()
    measure("last 365 days, no roll-ups yet", "?range=365")
    started = time.perf_counter()
    call_command("rollup_insights", "--rebuild", "--no-progress", stdout=io.StringIO())
    print(
        f"rollup_insights --rebuild: {time.perf_counter() - started:.1f} s for "
        f"{InsightsDay.objects.count()} days, {InsightsRollup.objects.count():,} roll-up rows."
    )
    # What autovacuum does soon after the sweep writes: without it, each run's rebuild
    # leaves the last run's rows dead in the table and the planner's figures stale.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {InsightsRollup._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {InsightsDay._meta.db_table}")
    cases = [
        ("last 30 days", "?range=30"),
        ("last 90 days (default)", ""),
        ("last 365 days", "?range=365"),
        ("last 365 days, one topic", "?range=365&topic=topic-3"),
        ("CSV of the per-reviewer table", "?range=365&csv=reviewers"),
    ]
    for label, query in cases:
        measure(label, query)
    print(
        "A topic adds its lookup and is read from the roll-ups too; a CSV skips the page's "
        "menu; no count grows with the data (tests/insights/test_rollups.py)."
    )
    periods = rows[1:5]
    report(
        "insights",
        "chair's insights page, p95 for 30 / 90 / 365 days / 365 days of one topic",
        " / ".join(f"{row['p95_ms']:.0f} ms" for row in periods)
        + f" ({', '.join(str(row['queries']) for row in periods)} queries)",
        "p95 ≤ 300 ms, constant queries",
        all(row["p95_ms"] <= 300 for row in periods),
    )

    article = Article.objects.get(slug="bench-insights-0")
    entries = AuditEntry.objects.filter(article=article).count()
    timings, size = [], 0
    for _ in range(5):
        started = time.perf_counter()
        pdf = dossier_pdf(article_dossier(article, for_chair=True))
        timings.append(time.perf_counter() - started)
        size = len(pdf)
    print("dossier PDF, each of 5 runs: " + ", ".join(f"{t:.2f} s" for t in timings))
    report(
        "dossier",
        f"dossier PDF, {entries} audit entries ({size / 1024:.0f} KiB)",
        f"median {statistics.median(timings):.2f} s, worst {max(timings):.2f} s",
        "≤ 3 s",
        max(timings) <= 3,
    )
    return rows


if __name__ == "__main__":
    main()
