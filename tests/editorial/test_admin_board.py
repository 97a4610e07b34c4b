"""The chair's board view (issue 3): submissions needing reviewers with ranked
suggestions and reasons; assign, withdraw, reassign; overdue and escalated work;
rejections to confirm; override with a reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import (
    Assignment,
    AssignmentState,
    AuditEntry,
    DecisionOutcome,
    Submission,
    SubmissionState,
)
from tests.factories import TEST_PASSWORD, BoardMemberFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("admin:editorial_board")


def test_the_board_lists_submissions_needing_reviewers_with_suggestions(
    client, chair, submitted, members
):
    client.force_login(chair)
    response = client.get(BOARD)
    assert response.status_code == 200
    html = response.text
    assert "1 needs reviewers" in html
    assert "needs 2 more reviewers" in html
    topic = submitted.article.topic.name
    first, second = html.index("Dr. Ada Reyes"), html.index("Dr. Ben Okafor")
    third = html.index("Dr. Chloe Varga")
    assert first < second < third
    assert f"Specialty: {topic} · 0 of 5 open reviews" in html
    assert "No specialty match · 0 of 5 open reviews" in html


def test_assigning_from_a_suggestion(client, chair, submitted, members):
    client.force_login(chair)
    response = client.post(
        reverse("admin:editorial_submission_assign", args=[submitted.pk]),
        {"reviewer": members[0].pk},
        follow=True,
    )
    assert "Dr. Ada Reyes is invited to review." in response.text
    assert Assignment.objects.get(submission=submitted).reviewer == members[0]
    assert "needs 1 more reviewer" in response.text


def test_assigning_the_author_is_refused_with_a_message(client, chair, submitted, author):
    author_member = BoardMemberFactory(user=author, display_name="Dr. Maya Writer")
    client.force_login(chair)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("admin:editorial_submission_assign", args=[submitted.pk]),
        {"reviewer": author_member.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Dr. Maya Writer is an author of this article." in response.text
    assert not Assignment.objects.exists()
    assert AuditEntry.objects.count() == before


def test_withdraw_and_reassign(client, chair, accepted, members):
    client.force_login(chair)
    client.post(
        reverse("admin:editorial_assignment_reassign", args=[accepted.pk]),
        {"reviewer": members[1].pk},
    )
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.WITHDRAWN
    new = Assignment.objects.get(reviewer=members[1])
    client.post(
        reverse("admin:editorial_assignment_withdraw", args=[new.pk]), {"reason": "Too slow"}
    )
    new.refresh_from_db()
    assert (new.state, new.close_reason) == (AssignmentState.WITHDRAWN, "Too slow")


def test_overdue_and_escalated_work_is_listed(client, chair, accepted):
    services.assignment_set_due_dates(
        assignment=accepted,
        actor=chair,
        review_due=timezone.localdate() - datetime.timedelta(days=5),
    )
    services.assignment_escalate(assignment=accepted, reason="No answer to reminders")
    client.force_login(chair)
    response = client.get(BOARD)
    assert "1 overdue review" in response.text
    assert '<strong class="overdue">Overdue:</strong> review was due' in response.text
    assert "escalated <time" in response.text


def test_a_rejection_is_confirmed_from_the_board(client, chair, accepted):
    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=accepted,
        actor=accepted.reviewer.user,
        outcome=DecisionOutcome.REJECT,
        comment="Unsupported claims.",
        confirmed_no_conflict=True,
    )
    client.force_login(chair)
    page = client.get(BOARD)
    assert "1 rejection to confirm" in page.text
    assert "recommends rejecting" in page.text
    assert "Unsupported claims." in page.text
    client.post(
        reverse("admin:editorial_submission_confirm_reject", args=[accepted.submission_id]),
        {"password": TEST_PASSWORD},
    )
    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.REJECTED


def test_an_override_needs_a_reason(client, chair, accepted):
    client.force_login(chair)
    url = reverse("admin:editorial_submission_override", args=[accepted.submission_id])
    response = client.post(
        url, {"outcome": "approve", "reason": "", "password": TEST_PASSWORD}, follow=True
    )
    assert "A written reason is required." in response.text
    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.UNDER_REVIEW

    client.post(
        url,
        {
            "outcome": "approve",
            "reason": "Urgent safety update; I reviewed it.",
            "password": TEST_PASSWORD,
            "confirm": "1",
        },
    )

    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.APPROVED
    assert AuditEntry.objects.filter(action="submission.override_approve").count() == 1


def test_the_submission_page_offers_the_override_through_its_confirmation_not_a_button(
    client, chair, accepted
):
    """Issue 10: approving from the submission page was one click that published; now the
    page offers the same two-step override as the board view, and the old button's URL
    is refused."""
    client.force_login(chair)
    page = client.get(reverse("admin:editorial_submission_change", args=[accepted.submission_id]))
    assert "Approve (override: reason required)" not in page.text
    assert "Continue: see what readers will be told" in page.text
    url = reverse("admin:editorial_submission_transition", args=[accepted.submission_id, "approve"])
    response = client.post(url, {"comment": "Because.", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.UNDER_REVIEW
