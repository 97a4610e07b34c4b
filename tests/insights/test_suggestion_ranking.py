"""Suggestions to the chair (issue 15): each candidate's load and turnaround, ranked by
specialty, then spare capacity, then turnaround, with the reason in words; the chair and
the article's authors are left out, with the reason (issue 10)."""

import datetime

import pytest

from editorial import selectors
from editorial.models import Assignment, AssignmentState
from tests.factories import AssignmentFactory, BoardMemberFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def completed_review(member, days):
    assignment = AssignmentFactory(submission=SubmissionFactory(), reviewer=member)
    accepted = assignment.invited_at
    Assignment.objects.filter(pk=assignment.pk).update(
        state=AssignmentState.COMPLETED,
        responded_at=accepted,
        review_due=accepted.date(),
        completed_at=accepted + datetime.timedelta(days=days),
    )


def test_spare_capacity_beats_load_and_turnaround_breaks_ties(submitted, chair):
    topic = submitted.article.topic
    roomy = BoardMemberFactory(
        display_name="Dr. Roomy", specialties=[topic], max_open_assignments=10
    )
    slow = BoardMemberFactory(display_name="Dr. Slow", specialties=[topic])
    quick = BoardMemberFactory(display_name="Dr. Quick", specialties=[topic])
    new = BoardMemberFactory(display_name="Dr. New", specialties=[topic])
    AssignmentFactory(submission=SubmissionFactory(), reviewer=roomy)  # 1 of 10: 9 spare
    completed_review(slow, 9)
    completed_review(slow, 11)
    completed_review(quick, 3)

    suggestions, excluded = selectors.reviewer_suggestions(submitted)

    assert [(s.member.display_name, s.reason) for s in suggestions] == [
        (
            roomy.display_name,
            f"Specialty: {topic.name} · 1 of 10 open reviews · no completed reviews yet",
        ),
        (
            quick.display_name,
            f"Specialty: {topic.name} · 0 of 5 open reviews · median review 3 days",
        ),
        (
            slow.display_name,
            f"Specialty: {topic.name} · 0 of 5 open reviews · median review 10 days",
        ),
        (
            new.display_name,
            f"Specialty: {topic.name} · 0 of 5 open reviews · no completed reviews yet",
        ),
    ]
    assert [s.spare for s in suggestions] == [9, 5, 5, 5]
    assert [s.turnaround for s in suggestions] == [None, 3.0, 10.0, None]
    assert {s.member for s in excluded} == {chair.board_member}


def test_the_board_view_shows_why_the_chair_and_authors_are_left_out(client, submitted, chair):
    author_member = BoardMemberFactory(
        display_name="Dr. Writer", user=submitted.article.authors.get()
    )
    client.force_login(chair)
    html = client.get("/admin/editorial/submission/board/").text
    assert "Dr. Writer is an author of this article." in html
    assert "Dr. Chair chairs the board" in html
    assert author_member.pk  # excluded, not suggested


def test_the_board_view_query_count_does_not_grow_with_completed_reviews(
    client, submitted, chair, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chair)
    member = BoardMemberFactory(specialties=[submitted.article.topic])
    client.get("/admin/editorial/submission/board/")
    with CaptureQueriesContext(connection) as before:
        client.get("/admin/editorial/submission/board/")
    for days in (1, 2, 3, 4):
        completed_review(member, days)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/admin/editorial/submission/board/")


def test_turnaround_is_the_median_of_the_members_most_recent_reviews(submitted, chair):
    """Twenty quick reviews lately after twenty-one slow ones long ago: the chair is told
    what to expect now (2 days), not the all-time median (30 days)."""
    from editorial.suggestions import RECENT_REVIEWS

    topic = submitted.article.topic
    member = BoardMemberFactory(display_name="Dr. Reformed", specialties=[topic])
    now = datetime.datetime.now(datetime.UTC)
    for number in range(RECENT_REVIEWS * 2 + 1):
        recent = number >= RECENT_REVIEWS + 1
        days = 2 if recent else 30
        completed = now - datetime.timedelta(days=400 - number * 5)
        assignment = AssignmentFactory(submission=SubmissionFactory(), reviewer=member)
        Assignment.objects.filter(pk=assignment.pk).update(
            state=AssignmentState.COMPLETED,
            responded_at=completed - datetime.timedelta(days=days),
            review_due=completed.date(),
            completed_at=completed,
        )

    suggestions, _ = selectors.reviewer_suggestions(submitted)

    [suggestion] = [s for s in suggestions if s.member == member]
    assert suggestion.turnaround == 2.0
    assert suggestion.reason.endswith("median review 2 days")
