"""Query budgets (issue 3): the reviewer's queue and the chair's board view run the same
number of queries whether they show 5 assignments or 50 (the board: 5 open submissions,
or 30 over two pages)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import EditorialPolicy, SubmissionState
from tests.factories import (
    AssignmentFactory,
    BoardMemberFactory,
    SubmissionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, the user's permissions (2), the paginator's count, the full count, the
# page of assignments with everything it shows, and the topics of the topic filter.
QUEUE_QUERIES = 8
# Session, user, permissions (2), the policy, the figures over every open submission (one
# query), the page of open submissions, their authors, open assignments and decisions (3
# prefetches), the board members with their load, their specialties, and the active
# conflicts.
BOARD_QUERIES = 13


def make_assignments(count, *, reviewer):
    """``count`` assignments of ``reviewer``: one overdue, some accepted, on open
    submissions of several topics; plus other reviewers to suggest."""
    topics = [TopicFactory() for _ in range(3)]
    today = timezone.localdate()
    for number in range(count):
        submission = SubmissionFactory(
            state=SubmissionState.UNDER_REVIEW if number % 2 else SubmissionState.SUBMITTED,
            article__topic=topics[number % 3],
        )
        AssignmentFactory(
            submission=submission,
            reviewer=reviewer,
            response_due=today + datetime.timedelta(days=number - 1),
        )
    for topic in topics:
        BoardMemberFactory(specialties=[topic])


@pytest.mark.parametrize("count", [5, 50])
def test_the_reviewer_queue_runs_a_fixed_number_of_queries(
    client, members, count, django_assert_num_queries
):
    reviewer = members[0]
    reviewer.max_open_assignments = 100
    reviewer.save()
    make_assignments(count, reviewer=reviewer)
    client.force_login(reviewer.user)

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("admin:editorial_assignment_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count
    assert 'class="overdue"' in response.text


@pytest.mark.parametrize("count", [5, 30])
def test_the_board_view_runs_a_fixed_number_of_queries(
    client, chair, members, count, django_assert_num_queries
):
    make_assignments(count, reviewer=members[0])
    EditorialPolicy.load()  # the row exists in every installation; creating it is not counted
    client.force_login(chair)

    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(reverse("admin:editorial_board"))

    assert response.status_code == 200
    assert len(response.context["items"]) == min(count, 20)
    assert response.context["counts"].open == count
    assert "Suggested reviewers" in response.text
