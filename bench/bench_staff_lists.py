"""Staff lists at scale: each staff list and the board view at 50,000 articles, 150,000
assignments, 1,000,000 audit entries and 1,000,000 notifications (issue 12).

Builds (once, with set-based SQL: ``INSERT … SELECT generate_series``; later runs reuse
it) ``imprimatur_bench_staff`` on the server of ``DATABASE_URL``: 50,000 articles over 20
topics, each with a locked revision and a submission (60% approved), three assignments per
submission over 100 reviewers (1,500 each), a decision for each completed assignment,
1,000,000 audit entries, 1,000,000 outbox notifications and ~10,000 reader reports; of the
20,000 submissions in review, one in four has lost two of its three reviewers (it needs a
reviewer, so its card ranks the board) and ~200 have a reviewer's rejection to confirm
(``BOARD_MIX_SQL``, applied once to a data set built before it). Then,
through Django's test client, renders each list ``BENCH_RUNS`` times (default 20; 8 with
BENCH_QUICK=1) as the user who sees it, and reports the median, p95 and number of queries
of each (target: p95 ≤ 200 ms, and a number of queries that does not grow with the data:
the lists' query-count tests compare 5 and 50 rows). Nothing here asserts a timing.

Run: ``.venv/bin/python bench/bench_staff_lists.py`` (or ``make bench``). The data set takes
a few minutes to build the first time. ``BENCH_ONLY=board`` times only the lists whose
label contains "board".
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import (  # noqa: E402 - bench/common.py
    WORKFLOW_SQL,
    measure_get,
    quick,
    report,
    use_own_database,
)

# BENCH_STAFF_DATABASE names another (say, a copy made with CREATE DATABASE … TEMPLATE, to
# compare two branches whose migrations differ on the same data).
DATABASE = os.environ.get("BENCH_STAFF_DATABASE", "imprimatur_bench_staff")
ARTICLES = 50_000
PER_SUBMISSION = 3
REVIEWERS = 100
TOPICS = 20
AUDIT = 1_000_000
NOTIFICATIONS = 1_000_000
RUNS = int(os.environ.get("BENCH_RUNS", quick("20", "8")))

# Set-based inserts, run in order; %(name)s are the ids the ORM created first.
SQL = (
    WORKFLOW_SQL
    + """
INSERT INTO editorial_decision (assignment_id, submission_id, revision_id, outcome, comment,
    confirmed_no_conflict, literature_current_through, created_at, confidential_comment,
    checked_references)
SELECT a.id, a.submission_id, s.revision_id, 'approve', '', true, NULL, a.completed_at, '',
    '[]'
FROM editorial_assignment a JOIN editorial_submission s ON s.id = a.submission_id
WHERE a.state = 'completed';

INSERT INTO editorial_auditentry (sequence, created_at, actor_id, actor_label, action,
    target_type, target_id, article_id, from_state, to_state, comment, data, prev_hash, hash)
SELECT n, now() - ((({audit} - n) / 20) || ' minutes')::interval, NULL, 'system',
    (ARRAY['submission.submit', 'submission.start_review', 'assignment.accept',
           'submission.approve'])[1 + n %% 4],
    'editorial.submission', 1 + n %% {articles},
    (SELECT min(id) FROM articles_article) + n %% {articles},
    'submitted', 'under_review', 'Benchmark entry', '{{}}',
    encode(sha256(('h' || (n - 1))::bytea), 'hex'), encode(sha256(('h' || n)::bytea), 'hex')
FROM generate_series(1, {audit}) AS n;

INSERT INTO editorial_notification (kind, dedupe_key, recipient_id, to_email, subject,
    body_text, body_html, link, article_id, submission_id, assignment_id, created_at,
    claimed_at, sent_at, attempts, last_error, superseded)
SELECT (ARRAY['event', 'reminder', 'escalation', 'digest'])[1 + n %% 4], 'bench-' || n,
    %(reviewer_user0)s + n %% {reviewers}, 'r@example.org', 'Benchmark notification ' || n,
    'Body', '<p>Body</p>', '', (SELECT min(id) FROM articles_article) + n %% {articles}, NULL, NULL,
    now() - ((({notifications} - n) / 20) || ' minutes')::interval,
    CASE WHEN n %% 50 <> 0 THEN now() END, CASE WHEN n %% 50 <> 0 THEN now() END,
    CASE WHEN n %% 50 <> 0 THEN 1 ELSE 0 END, '', false
FROM generate_series(1, {notifications}) AS n;

INSERT INTO articles_feedback (article_id, revision_id, kind, message, email, audience,
    status, chair_note, created_at, updated_at, triaged_at)
SELECT a.id, a.published_revision_id, (ARRAY['error', 'question'])[1 + a.id %% 2],
    'A possible error.', '', '', CASE WHEN a.id %% 5 = 0 THEN 'new' ELSE 'invalid' END, '',
    a.last_reviewed_at + interval '30 days', a.last_reviewed_at + interval '31 days',
    CASE WHEN a.id %% 5 <> 0 THEN a.last_reviewed_at + interval '31 days' END
FROM articles_article a WHERE a.published_revision_id IS NOT NULL
    AND a.slug LIKE 'bench-staff-%%' AND a.id %% 3 = 0;
"""
)


# The board view's cards that need reviewers rank the whole board: make some. Submissions
# in review whose id ends in 1 or 6 (one in four) lose their invited reviewer and the
# accepted one of slot 0 (declined); those whose id is a multiple of 97 get a rejection
# from slot 1.
BOARD_MIX_MARK = "Declined (bench board mix)"
BOARD_MIX_SQL = """
UPDATE editorial_assignment a SET state = 'declined', close_reason = %(mark)s,
    responded_at = COALESCE(a.responded_at, a.invited_at + interval '1 day'), escalated_at = NULL
FROM editorial_submission s
WHERE s.id = a.submission_id AND s.state = 'under_review' AND s.id %% 5 = 1
    AND (a.state = 'invited' OR a.reviewer_id = %(member0)s + (s.id * 3) %% {reviewers});

UPDATE editorial_assignment a SET state = 'completed', completed_at = a.responded_at
    + interval '9 days', escalated_at = NULL
FROM editorial_submission s
WHERE s.id = a.submission_id AND s.state = 'under_review' AND s.id %% 97 = 0
    AND a.state = 'accepted' AND a.reviewer_id = %(member0)s + (s.id * 3 + 1) %% {reviewers};

INSERT INTO editorial_decision (assignment_id, submission_id, revision_id, outcome, comment,
    confirmed_no_conflict, literature_current_through, created_at, confidential_comment,
    checked_references)
SELECT a.id, a.submission_id, s.revision_id, 'reject', 'The evidence is too thin.', true,
    NULL, a.completed_at, '', '[]'
FROM editorial_assignment a JOIN editorial_submission s ON s.id = a.submission_id
WHERE s.state = 'under_review' AND a.state = 'completed'
    AND NOT EXISTS (SELECT 1 FROM editorial_decision d WHERE d.assignment_id = a.id)
"""


def _board_mix():
    from django.db import connection, transaction

    from editorial.models import Assignment
    from reviewers.models import BoardMember

    if Assignment.objects.filter(close_reason=BOARD_MIX_MARK).exists():
        return
    member0 = BoardMember.objects.filter(slug="dr-bench-0").values_list("pk", flat=True).get()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in BOARD_MIX_SQL.format(reviewers=REVIEWERS).split(";\n"):
            cursor.execute(statement, {"mark": BOARD_MIX_MARK, "member0": member0})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE editorial_assignment")
        cursor.execute("VACUUM ANALYZE editorial_decision")
    print("Applied the board view's mix (submissions that need reviewers, rejections).")


def _build():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from articles.models import Article, Topic
    from editorial.models import AuditEntry, Notification
    from reviewers.models import BoardMember

    if Notification.objects.filter(dedupe_key=f"bench-{NOTIFICATIONS}").exists():
        print("Reusing the existing data set.")
        return
    if Article.objects.exists() or AuditEntry.objects.exists():
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
        Group.objects.get(name="Reviewers").user_set.add(*users)
        members = BoardMember.objects.bulk_create(
            BoardMember(
                user=user,
                display_name=f"Dr. Bench {n:03}",
                slug=f"dr-bench-{n}",
                credentials="MD",
                max_open_assignments=2000,
            )
            for n, user in enumerate(users)
        )
        BoardMember.specialties.through.objects.bulk_create(
            BoardMember.specialties.through(boardmember=m, topic=topics[n % TOPICS])
            for n, m in enumerate(members)
        )
        member_ids = sorted(m.pk for m in members)
        topic_ids = sorted(t.pk for t in topics)
        user_ids = sorted(u.pk for u in users)
        # The SQL picks reviewers, topics and users by offset from the first id.
        assert member_ids == list(range(member_ids[0], member_ids[0] + REVIEWERS))
        assert topic_ids == list(range(topic_ids[0], topic_ids[0] + TOPICS))
        assert user_ids == list(range(user_ids[0], user_ids[0] + REVIEWERS))
        script = SQL.format(
            prefix="bench-staff-",
            topics=TOPICS,
            articles=ARTICLES,
            reviewers=REVIEWERS,
            per=PER_SUBMISSION,
            audit=AUDIT,
            notifications=NOTIFICATIONS,
        )
        params = {
            "topic0": topic_ids[0],
            "author": author.pk,
            "chair": chair.pk,
            "member0": member_ids[0],
            "reviewer_user0": user_ids[0],
        }
        with connection.cursor() as cursor:
            for statement in script.split(";\n"):
                if statement.strip():
                    cursor.execute(statement, params)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would, in time
    print(f"Built the data set in {time.perf_counter() - started:.0f} s.")


def pages():
    from django.urls import reverse

    queue = reverse("admin:editorial_assignment_changelist")
    board = reverse("admin:editorial_board")
    reviewer, chair = "bench-reviewer-0", "bench-chair"
    return [
        ("reviewer's queue (open, by due date)", reviewer, queue),
        ("reviewer's queue, overdue filter", reviewer, queue + "?overdue=yes"),
        ("chair: all open assignments", chair, queue),
        ("chair: every assignment (state=all)", chair, queue + "?state=all"),
        ("chair: every assignment, page 500", chair, queue + "?state=all&p=500"),
        ("chair: board view, first page (20 cards)", chair, board),
        ("chair: board view, needs reviewers", chair, board + "?show=needs-reviewers"),
        ("chair: board view, overdue reviews", chair, board + "?show=overdue"),
        ("chair: board view, rejections to confirm", chair, board + "?show=awaiting-chair"),
        ("chair: board view, page 500", chair, board + "?page=500"),
        ("article changelist", chair, reverse("admin:articles_article_changelist")),
        ("submission changelist", chair, reverse("admin:editorial_submission_changelist")),
        ("decision changelist", chair, reverse("admin:editorial_decision_changelist")),
        ("audit log changelist", chair, reverse("admin:editorial_auditentry_changelist")),
        ("audit log, action filter", chair,
         reverse("admin:editorial_auditentry_changelist") + "?action__exact=submission.approve"),
        ("outbox changelist", chair, reverse("admin:editorial_notification_changelist")),
        ("outbox, unsent", chair,
         reverse("admin:editorial_notification_changelist") + "?sent=no"),
        ("feedback changelist", chair, reverse("admin:articles_feedback_changelist")),
        ("public board list /board/", None, reverse("reviewers:board")),
    ]  # fmt: skip


def main():
    use_own_database(DATABASE)
    _build()
    _board_mix()
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    only = os.environ.get("BENCH_ONLY", "")
    for label, username, url in pages():
        if only not in label:
            continue
        client = Client()
        if username:
            client.force_login(users.get(username=username))
        try:
            median, p95, queries, response = measure_get(client, url, runs=RUNS)
        except SystemExit as failure:
            report("staff-lists", label, f"failed: {failure}", "p95 ≤ 200 ms", False)
            continue
        report(
            "staff-lists",
            f"{label} ({url})",
            f"median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries",
            "p95 ≤ 200 ms, constant queries",
            p95 <= 200,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
