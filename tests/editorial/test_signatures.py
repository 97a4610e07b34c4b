"""Every decision is e-signed (issue 11 §2): the password re-entered, a wrong one changes
nothing and is audited as a failed signing attempt, five lock signing for 15 minutes and
tell the chair; the signature shows name, credentials, time with zone and meaning, bound
to the content hash, on the review screen, the board view and the audit trail."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.errors import InvalidInput
from editorial.models import (
    AuditEntry,
    Decision,
    DecisionOutcome,
    Notification,
    Signature,
    Submission,
    SubmissionState,
)
from editorial.services.signatures import SigningLocked, locked_until
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def decide(assignment, password=TEST_PASSWORD, **fields):
    return services.assignment_decide(
        assignment=assignment,
        actor=assignment.reviewer.user,
        outcome=fields.pop("outcome", DecisionOutcome.APPROVE),
        confirmed_no_conflict=True,
        password=password,
        **fields,
    )


def test_a_decision_is_signed_with_name_credentials_time_zone_and_meaning(accepted):
    member = accepted.reviewer
    member.credentials = "MD, FRCP"
    member.save()

    decision = decide(accepted)

    signature = Signature.objects.get(decision=decision)
    assert signature.signer == member.user
    assert (signature.printed_name, signature.credentials) == (member.display_name, "MD, FRCP")
    assert signature.content_hash == accepted.submission.content_hash
    assert signature.revision_id == accepted.submission.revision_id
    text = signature.manifestation
    assert text.startswith(f"{member.display_name}, MD, FRCP — ")
    assert "Approved as medically accurate" in text
    assert signature.local_signed_at.tzinfo is not None
    assert signature.local_signed_at.strftime("%Z") in text  # the zone is printed
    assert accepted.submission.content_hash[:12] in text
    entry = AuditEntry.objects.get(action="decision.approve")
    assert entry.data["signature"] == signature.pk
    assert signature.as_record()["meaning"] == "Approved as medically accurate"


def test_a_wrong_password_changes_nothing_and_is_audited_as_a_failed_attempt(accepted):
    before = AuditEntry.objects.count()

    with pytest.raises(InvalidInput, match="password is not correct"):
        decide(accepted, password="not-my-password")

    assert not Decision.objects.exists()
    assert not Signature.objects.exists()
    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.UNDER_REVIEW
    assert AuditEntry.objects.count() == before + 1
    failed = AuditEntry.objects.order_by("-sequence").first()
    assert failed.action == "signature.failed"
    assert failed.actor == accepted.reviewer.user
    assert failed.data == {"meaning": "approve", "failed_attempts": 1}


def test_five_wrong_passwords_lock_signing_for_fifteen_minutes_and_tell_the_chair(accepted, chair):
    user = accepted.reviewer.user
    for _ in range(4):
        with pytest.raises(InvalidInput):
            decide(accepted, password="wrong")
    with pytest.raises(SigningLocked, match="locked for your account for 15 minutes"):
        decide(accepted, password="wrong")

    assert AuditEntry.objects.filter(action="signature.failed", actor=user).count() == 4
    assert AuditEntry.objects.filter(action="signature.locked", actor=user).count() == 1
    told = Notification.objects.filter(recipient=chair, subject__startswith="Signing locked")
    assert told.count() == 1
    # Even the right password is refused while locked, and nothing is recorded.
    before = AuditEntry.objects.count()
    with pytest.raises(SigningLocked, match="locked"):
        decide(accepted)
    assert AuditEntry.objects.count() == before
    assert not Decision.objects.exists()
    until = locked_until(user)
    assert until is not None
    assert locked_until(user, now=until + datetime.timedelta(seconds=1)) is None


def test_a_good_signature_resets_the_count_of_wrong_passwords(submitted, members, chair):
    assignments = [
        services.assignment_accept(
            assignment=services.assignment_create(
                submission=submitted, reviewer=member, actor=chair
            ),
            actor=member.user,
        )
        for member in members[:2]
    ]
    user = members[0].user
    for _ in range(3):
        with pytest.raises(InvalidInput):
            decide(assignments[0], password="wrong")
    decide(assignments[0], outcome=DecisionOutcome.REQUEST_CHANGES, comment="Cite the trial.")
    assert locked_until(user) is None
    assert Signature.objects.get(signer=user).get_meaning_display() == "Requested changes"


def test_the_chairs_override_and_confirmation_are_signed(accepted, chair):
    with pytest.raises(InvalidInput, match="password"):
        services.submission_override(
            submission=accepted.submission,
            actor=chair,
            outcome=DecisionOutcome.APPROVE,
            reason="Urgent.",
            password="wrong",
        )
    assert Submission.objects.get(pk=accepted.submission_id).state == SubmissionState.UNDER_REVIEW
    assert AuditEntry.objects.filter(action="signature.failed", actor=chair).count() == 1

    services.submission_override(
        submission=accepted.submission,
        actor=chair,
        outcome=DecisionOutcome.APPROVE,
        reason="Urgent.",
        password=TEST_PASSWORD,
    )
    signature = Signature.objects.get(signer=chair)
    assert signature.decision is None
    assert signature.get_meaning_display() == (
        "Approved by the chair, overriding the board's quorum"
    )
    entry = AuditEntry.objects.get(action="submission.override_approve")
    assert entry.data["signature"] == signature.pk


def test_the_signature_shows_on_the_review_screen_board_view_and_audit_trail(
    client, accepted, chair
):
    decision = decide(accepted, outcome=DecisionOutcome.REJECT, comment="Unsupported.")
    manifestation = decision.signature.manifestation
    assert "Recommended rejection" in manifestation

    client.force_login(accepted.reviewer.user)
    screen = client.get(reverse("admin:editorial_assignment_review", args=[accepted.pk]))
    assert manifestation in screen.text
    client.force_login(chair)
    board = client.get(reverse("admin:editorial_board"))
    assert manifestation in board.text
    article_page = client.get(
        reverse("admin:articles_article_change", args=[accepted.submission.article_id])
    )
    assert f"Signed: {manifestation}" in article_page.text


def test_the_review_screen_asks_for_the_password_and_a_wrong_one_is_a_form_message(
    client, accepted
):
    client.force_login(accepted.reviewer.user)
    url = reverse("admin:editorial_assignment_review", args=[accepted.pk])
    page = client.get(url)
    assert 'type="password" name="password"' in page.text
    assert "Sign and record my decision" in page.text

    response = client.post(
        url,
        {
            "outcome": "approve",
            "confirmed_no_conflict": "on",
            "revision": accepted.submission.revision_id,
            "password": "wrong",
        },
    )
    assert response.status_code == 400  # the form again, with what the reviewer wrote
    assert "The password is not correct" in response.text
    assert not Decision.objects.exists()
    missing = client.post(
        url,
        {
            "outcome": "approve",
            "confirmed_no_conflict": "on",
            "revision": accepted.submission.revision_id,
        },
    )
    assert missing.status_code == 400
    assert "Re-enter your password to sign the decision." in missing.text
    assert AuditEntry.objects.filter(action="signature.failed").count() == 1


def test_literature_current_through_defaults_to_the_decision_date_and_refuses_the_future(
    accepted,
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput, match="future"):
        decide(accepted, literature_current_through=tomorrow)
    assert not AuditEntry.objects.filter(action="signature.failed").exists()
