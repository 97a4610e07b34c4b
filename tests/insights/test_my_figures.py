"""A board member's own view (issue 15): open load against capacity, median turnaround,
and what falls due this week."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import Assignment, AssignmentState
from tests.factories import AssignmentFactory, BoardMemberFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_reviewer_sees_load_turnaround_and_the_weeks_deadlines(client):
    member = BoardMemberFactory(display_name="Dr. Own", max_open_assignments=3)
    today = timezone.localdate()
    due_soon = AssignmentFactory(
        submission=SubmissionFactory(),
        reviewer=member,
        response_due=today + datetime.timedelta(days=2),
    )
    AssignmentFactory(
        submission=SubmissionFactory(),
        reviewer=member,
        response_due=today + datetime.timedelta(days=20),
    )
    done = AssignmentFactory(submission=SubmissionFactory(), reviewer=member)
    now = timezone.now()
    Assignment.objects.filter(pk=done.pk).update(
        state=AssignmentState.COMPLETED,
        invited_at=now - datetime.timedelta(days=10),
        responded_at=now - datetime.timedelta(days=9),
        review_due=today,
        completed_at=now - datetime.timedelta(days=3),
    )
    client.force_login(member.user)

    response = client.get(reverse("admin:editorial_my_figures"))

    assert response.status_code == 200
    assert response.context["open_load"] == 2
    assert response.context["capacity"] == 3
    assert response.context["responses"].median == 1.0
    assert response.context["decisions"].median == 6.0
    assert [a.pk for a in response.context["due_this_week"]] == [due_soon.pk]
    assert "2 of 3" in response.text
    assert due_soon.submission.revision.title in response.text


def test_someone_who_is_not_on_the_board_gets_403(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:editorial_my_figures")).status_code == 403


def test_the_queue_links_to_my_figures(client):
    member = BoardMemberFactory()
    client.force_login(member.user)
    html = client.get(reverse("admin:editorial_assignment_changelist")).text
    assert reverse("admin:editorial_my_figures") in html
