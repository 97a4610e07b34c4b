"""How fast the reviewer's queue renders with 10,000 articles and 30,000 assignments.

Builds (once, with bulk_create) a PostgreSQL database of its own, ``imprimatur_bench_queue``
on the server of ``DATABASE_URL``: 10,000 articles, each with a submitted revision, and three
assignments per submission spread over 100 reviewers (300 each, the open ones on the 40% of
submissions still in review). Later runs reuse the data. Then it renders, through Django's
test client, the queue of one reviewer and the chair's list of all assignments, and prints
the median and 95th-percentile render times and the number of queries of each. The issue's
target for the reviewer's queue is under 300 ms; nothing here asserts a timing.

Run: ``.venv/bin/python bench/bench_reviewer_queue.py`` (or ``make bench``).
"""

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import measure_get, use_own_database  # noqa: E402 - bench/common.py, beside this script

DATABASE = "imprimatur_bench_queue"
ARTICLES = 10_000
REVIEWERS = 100
PER_SUBMISSION = 3
OPEN_SHARE = 0.4  # submissions still under review; the rest were approved
RUNS = 20


def _build():
    """Bulk-create the data set unless it is already there."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, Revision, Topic
    from editorial.models import Assignment, AssignmentState, Submission, SubmissionState
    from reviewers.models import BoardMember

    if (
        Article.objects.count() >= ARTICLES
        and Assignment.objects.count() >= ARTICLES * PER_SUBMISSION
    ):
        print("Reusing the existing data set.")
        return
    if Article.objects.exists():
        sys.exit(f"{DATABASE} holds a partial data set: drop the database and run again.")

    started = time.perf_counter()
    user_model = get_user_model()
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        topics = Topic.objects.bulk_create(
            Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(20)
        )
        author = user_model.objects.create_user("bench-author", "author@example.org")
        chair = user_model.objects.create_user("bench-chair", "chair@example.org", is_staff=True)
        chair.groups.add(Group.objects.get(name="Board chair"))
        users = user_model.objects.bulk_create(
            user_model(username=f"bench-reviewer-{n}", email=f"r{n}@example.org", is_staff=True)
            for n in range(REVIEWERS)
        )
        reviewers_group = Group.objects.get(name="Reviewers")
        reviewers_group.user_set.add(*users)
        members = BoardMember.objects.bulk_create(
            BoardMember(
                user=user,
                display_name=f"Dr. Bench {n}",
                slug=f"dr-bench-{n}",
                credentials="MD",
                max_open_assignments=100,
            )
            for n, user in enumerate(users)
        )
        BoardMember.specialties.through.objects.bulk_create(
            BoardMember.specialties.through(boardmember=m, topic=topics[n % 20])
            for n, m in enumerate(members)
        )
        articles = Article.objects.bulk_create(
            Article(slug=f"bench-article-{n}", topic=topics[n % 20]) for n in range(ARTICLES)
        )
        Article.authors.through.objects.bulk_create(
            Article.authors.through(article=article, user=author) for article in articles
        )
        revisions = Revision.objects.bulk_create(
            Revision(
                article=article,
                number=1,
                title=f"Benchmark question number {n}?",
                summary="A summary.",
                body="A body.",
                created_by=author,
                locked_at=now,
                content_hash=f"{n:064d}",
            )
            for n, article in enumerate(articles)
        )
        open_count = int(ARTICLES * OPEN_SHARE)
        submissions = Submission.objects.bulk_create(
            Submission(
                article=revision.article,
                revision=revision,
                content_hash=revision.content_hash,
                kind="new",
                state=SubmissionState.UNDER_REVIEW if n < open_count else SubmissionState.APPROVED,
                submitted_by=author,
                submitted_at=now - datetime.timedelta(days=n % 60),
            )
            for n, revision in enumerate(revisions)
        )
        assignments = []
        for n, submission in enumerate(submissions):
            is_open = submission.state == SubmissionState.UNDER_REVIEW
            for k in range(PER_SUBMISSION):
                accepted = k < 2
                if is_open:
                    state = AssignmentState.ACCEPTED if accepted else AssignmentState.INVITED
                else:
                    state = AssignmentState.COMPLETED
                due = today + datetime.timedelta(days=(n % 30) - 10)  # a third overdue
                assignments.append(
                    Assignment(
                        submission=submission,
                        reviewer=members[(n * PER_SUBMISSION + k) % REVIEWERS],
                        state=state,
                        invited_by=chair,
                        invited_at=now,
                        response_due=due,
                        responded_at=now if state != AssignmentState.INVITED else None,
                        review_due=due if state != AssignmentState.INVITED else None,
                        completed_at=now if state == AssignmentState.COMPLETED else None,
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    print(
        f"Built {ARTICLES:,} articles, {len(assignments):,} assignments and {REVIEWERS} "
        f"reviewers in {time.perf_counter() - started:.1f} s."
    )


def _changelist_rows(response):
    shown = response.content.count(b'class="field-topic"')
    total = re.search(rb"(\d+) assignments?\b", response.content)
    return f"{shown} rows shown of {int(total[1]):,}" if total else f"{shown} rows"


def main():
    use_own_database(DATABASE)
    _build()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from editorial.models import Assignment

    queue = reverse("admin:editorial_assignment_changelist")
    user_model = get_user_model()
    reviewer = user_model.objects.get(username="bench-reviewer-0")
    print(
        f"Data: {Assignment.objects.count():,} assignments; bench-reviewer-0 has "
        f"{Assignment.objects.filter(reviewer__user=reviewer).count()} "
        f"({Assignment.objects.open().filter(reviewer__user=reviewer).count()} open)."
    )
    pages = [
        ("reviewer's queue (open, by due date)", "bench-reviewer-0", queue, _changelist_rows),
        ("reviewer's queue, overdue filter", "bench-reviewer-0", queue + "?overdue=yes",
         _changelist_rows),
        ("chair: all open assignments", "bench-chair", queue, _changelist_rows),
        ("chair: every assignment (state=all)", "bench-chair", queue + "?state=all",
         _changelist_rows),
        ("chair: board view (100 oldest in review)", "bench-chair",
         reverse("admin:editorial_board"), lambda response: "100 submissions, 100 members"),
    ]  # fmt: skip
    for label, username, url, describe in pages:
        client = Client()
        client.force_login(user_model.objects.get(username=username))
        median, p95, queries, response = measure_get(client, url, runs=RUNS)
        print(
            f"{label:42} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries:2} queries  "
            f"({describe(response)})"
        )
    print("Target for the reviewer's queue: under 300 ms (not asserted).")


if __name__ == "__main__":
    main()
