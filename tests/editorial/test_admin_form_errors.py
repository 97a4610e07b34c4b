"""Bad input on the board's buttons and forms changes nothing and says why (invariant 7):
a reason or comment that is too long is an error message, not silently dropped while the
step goes through; a refused due-date change is a form error, not also a success."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import (
    AssignmentState,
    AuditEntry,
    DecisionOutcome,
    Submission,
    SubmissionState,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOO_LONG_REASON = "x" * 2001
TOO_LONG_COMMENT = "x" * 4001


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_decline_with_a_reason_too_long_is_refused_and_changes_nothing(client, invited):
    client.force_login(invited.reviewer.user)
    before = AuditEntry.objects.count()

    response = client.post(
        reverse("admin:editorial_assignment_decline", args=[invited.pk]),
        {"reason": TOO_LONG_REASON},
    )

    assert response.status_code == 302
    assert texts(response) == ["The reason is too long: 2,000 characters at most."]
    invited.refresh_from_db()
    assert invited.state == AssignmentState.INVITED
    assert AuditEntry.objects.count() == before


def test_a_withdrawal_with_a_reason_too_long_is_refused_and_changes_nothing(
    client, chair, accepted
):
    client.force_login(chair)
    before = AuditEntry.objects.count()

    response = client.post(
        reverse("admin:editorial_assignment_withdraw", args=[accepted.pk]),
        {"reason": TOO_LONG_REASON},
    )

    assert response.url.startswith(reverse("admin:editorial_board"))
    assert texts(response) == ["The reason is too long: 2,000 characters at most."]
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.ACCEPTED
    assert AuditEntry.objects.count() == before


def test_a_confirmed_rejection_with_a_comment_too_long_is_refused_and_changes_nothing(
    client, chair, accepted
):
    services.assignment_decide(
        password=TEST_PASSWORD,
        assignment=accepted,
        actor=accepted.reviewer.user,
        outcome=DecisionOutcome.REJECT,
        comment="Unsupported claims.",
        confirmed_no_conflict=True,
    )
    client.force_login(chair)
    before = AuditEntry.objects.count()

    response = client.post(
        reverse("admin:editorial_submission_confirm_reject", args=[accepted.submission_id]),
        {"comment": TOO_LONG_COMMENT, "password": TEST_PASSWORD},
    )

    assert response.url == reverse("admin:editorial_board")
    assert texts(response) == ["The comment is too long: 4,000 characters at most."]
    submission = Submission.objects.get(pk=accepted.submission_id)
    assert submission.state == SubmissionState.UNDER_REVIEW
    assert AuditEntry.objects.count() == before


def test_a_refused_due_date_change_shows_only_the_error_and_logs_nothing(client, chair, invited):
    services.assignment_decline(assignment=invited, actor=invited.reviewer.user)
    client.force_login(chair)
    url = reverse("admin:editorial_assignment_change", args=[invited.pk])
    new_due = timezone.localdate() + datetime.timedelta(days=3)
    before = AuditEntry.objects.count()

    response = client.post(url, {"response_due": new_due.isoformat(), "review_due": ""})

    assert response.status_code == 200, "the form is shown again"
    assert "Cannot change due dates: the assignment is declined." in response.text
    assert response.context["errors"], "as an error of the form"
    assert texts(response) == []  # no "was changed successfully"
    assert not LogEntry.objects.filter(object_id=str(invited.pk)).exists()
    assert AuditEntry.objects.count() == before
    invited.refresh_from_db()
    assert invited.response_due != new_due


def test_an_accepted_due_date_change_is_logged_once(client, chair, accepted):
    client.force_login(chair)
    url = reverse("admin:editorial_assignment_change", args=[accepted.pk])
    new_due = timezone.localdate() + datetime.timedelta(days=9)

    response = client.post(
        url,
        {"response_due": accepted.response_due.isoformat(), "review_due": new_due.isoformat()},
    )

    assert response.status_code == 302
    assert [text for text in texts(response) if "changed successfully" in text]
    assert LogEntry.objects.filter(object_id=str(accepted.pk)).count() == 1
    accepted.refresh_from_db()
    assert accepted.review_due == new_due
