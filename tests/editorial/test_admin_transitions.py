"""The submission admin's workflow buttons call the services and report refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from editorial.models import AuditEntry, Signature, Submission, SubmissionState
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def transition_url(submission, name):
    return reverse("admin:editorial_submission_transition", args=[submission.pk, name])


def test_the_chair_approves_from_the_admin_as_an_override_with_a_reason(
    client, chair, under_review
):
    """Issue 3: outside the board's quorum, the chair's approval is an override and needs a
    written reason, audited as ``submission.override_approve``; issue 10: it goes through
    the confirmation page, not a one-click button."""
    client.force_login(chair)
    page = client.get(reverse("admin:editorial_submission_change", args=[under_review.pk]))
    assert page.status_code == 200
    assert b"Continue: see what readers will be told</button>" in page.content
    assert b">Start review</button>" not in page.content, "only transitions allowed now"
    url = reverse("admin:editorial_submission_override", args=[under_review.pk])

    without_reason = client.post(url, {"outcome": "approve"})
    assert without_reason.status_code == 302
    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.UNDER_REVIEW

    response = client.post(
        url,
        {
            "outcome": "approve",
            "reason": "Urgent correction; I checked it.",
            "password": TEST_PASSWORD,
            "confirm": "1",
        },
    )

    assert response.status_code == 302
    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.APPROVED
    assert AuditEntry.objects.filter(action="submission.override_approve").count() == 1


def test_a_refused_override_is_a_message_and_changes_nothing(client, chair, submitted):
    client.force_login(chair)
    before = AuditEntry.objects.count()

    response = client.post(
        reverse("admin:editorial_submission_override", args=[submitted.pk]),
        {"outcome": "approve", "reason": "Because.", "password": TEST_PASSWORD, "confirm": "1"},
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Only a submission under review can be overridden" in m for m in messages)
    assert Submission.objects.get(pk=submitted.pk).state == SubmissionState.SUBMITTED
    assert AuditEntry.objects.count() == before


def test_a_comment_is_required_to_request_changes(client, chair, under_review):
    client.force_login(chair)
    response = client.post(transition_url(under_review, "request_changes"), {"comment": " "})
    assert response.status_code == 302
    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.UNDER_REVIEW


def test_transitions_are_post_only_and_unknown_names_are_refused(client, chair, under_review):
    client.force_login(chair)
    assert client.get(transition_url(under_review, "approve")).status_code == 405
    assert client.post(transition_url(under_review, "delete_everything")).status_code == 403
    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.UNDER_REVIEW


def test_an_author_cannot_reach_the_admin_buttons(client, author, under_review):
    client.force_login(author)
    response = client.post(transition_url(under_review, "approve"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.UNDER_REVIEW


def test_the_chairs_request_for_changes_is_e_signed_like_every_decision(
    client, chair, under_review
):
    client.force_login(chair)
    page = client.get(reverse("admin:editorial_submission_change", args=[under_review.pk]))
    assert b'id="password-request_changes"' in page.content

    unsigned = client.post(
        transition_url(under_review, "request_changes"), {"comment": "Add the dosing table."}
    )
    assert unsigned.status_code == 302
    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.UNDER_REVIEW

    client.post(
        transition_url(under_review, "request_changes"),
        {"comment": "Add the dosing table.", "password": TEST_PASSWORD},
    )

    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.CHANGES_REQUESTED
    signature = Signature.objects.get(submission=under_review)
    assert (signature.signer, signature.meaning) == (chair, "request_changes")
    assert signature.content_hash == under_review.content_hash
