"""Reviewer suggestions (issue 3): specialty match first, then lowest load; authors,
inactive members, members at capacity, conflicted and already-assigned members are
excluded; each with the reason it ranks or is excluded."""

import pytest

from editorial import selectors, services
from tests.factories import AssignmentFactory, BoardMemberFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def test_suggestions_rank_by_specialty_then_load_and_explain(submitted, members, chair):
    specialist_busy, specialist_free, generalist = members
    for _ in range(2):
        AssignmentFactory(submission=SubmissionFactory(), reviewer=specialist_busy)

    suggestions, excluded = selectors.reviewer_suggestions(submitted)

    topic = submitted.article.topic.name
    assert [(s.member, s.reason) for s in suggestions] == [
        (specialist_free, f"Specialty: {topic} · 0 of 5 open reviews · no completed reviews yet"),
        (specialist_busy, f"Specialty: {topic} · 2 of 5 open reviews · no completed reviews yet"),
        (generalist, "No specialty match · 0 of 5 open reviews · no completed reviews yet"),
    ]
    # Issue 10/15: the chair is not suggested, and the chair's view says why.
    assert [(s.member, s.reason) for s in excluded] == [
        (
            chair.board_member,
            "Dr. Chair chairs the board: the chair assigns and decides, so is not suggested "
            "as a reviewer.",
        )
    ]


def test_exclusions_carry_their_reason(submitted, members, chair):
    author_member = BoardMemberFactory(
        display_name="Dr. Author", user=submitted.article.authors.get()
    )
    inactive = BoardMemberFactory(display_name="Dr. Retired", is_active=False)
    full = BoardMemberFactory(display_name="Dr. Full", max_open_assignments=1)
    AssignmentFactory(submission=SubmissionFactory(), reviewer=full)
    services.conflict_declare(
        member=members[2], actor=members[2].user, article=submitted.article, reason="Friend."
    )
    services.assignment_create(submission=submitted, reviewer=members[0], actor=chair)

    suggestions, excluded = selectors.reviewer_suggestions(submitted)

    reasons = {s.member.display_name: s.reason for s in excluded}
    assert reasons == {
        author_member.display_name: "Dr. Author is an author of this article.",
        inactive.display_name: "Dr. Retired is not an active board member.",
        full.display_name: "Dr. Full is at capacity (1 of 1 open reviews).",
        "Dr. Chloe Varga": f"Dr. Chloe Varga: Declared a conflict with the article "
        f"{submitted.article.slug}.",
        "Dr. Ada Reyes": "Dr. Ada Reyes is already assigned to this submission.",
        "Dr. Chair": "Dr. Chair chairs the board: the chair assigns and decides, so is not "
        "suggested as a reviewer.",
    }
    assert [s.member for s in suggestions] == [members[1]]
