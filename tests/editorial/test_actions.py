"""The audit action vocabulary: every action has its metadata, nothing outside it can be
recorded, and what authors are emailed or shown derives from it."""

import pytest
from django.db import transaction

from editorial.actions import (
    ACTIONS,
    AUTHOR_EMAIL_SUBJECTS,
    COMMENTS_TO_AUTHORS,
    AuditAction,
    info,
)
from editorial.audit import audit_record
from editorial.models import AuditEntry


def test_every_action_has_its_metadata():
    assert set(ACTIONS) == set(AuditAction)


def test_authors_are_emailed_about_their_submissions_only():
    assert set(AUTHOR_EMAIL_SUBJECTS) == {
        action for action in AuditAction if action.value.startswith("submission.")
    } - {AuditAction.SUBMISSION_OPEN_RE_REVIEW}
    assert all("{title}" in subject for subject in AUTHOR_EMAIL_SUBJECTS.values())


def test_the_chairs_override_rejection_reason_is_addressed_to_the_authors():
    assert set(COMMENTS_TO_AUTHORS) == {
        AuditAction.SUBMISSION_REQUEST_CHANGES,
        AuditAction.SUBMISSION_REJECT,
        AuditAction.SUBMISSION_OVERRIDE_REJECT,
    }
    assert info("submission.override_reject").comment_to_authors


@pytest.mark.django_db
def test_an_action_outside_the_vocabulary_is_refused_and_nothing_is_written(chair):
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=chair, action="submission.aprove", target=chair)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_an_entry_is_labelled_from_the_vocabulary(chair):
    with transaction.atomic():
        entry = audit_record(actor=chair, action=AuditAction.POLICY_UPDATE, target=chair)
    assert AuditEntry.objects.get(pk=entry.pk).get_action_display() == "Editorial policy changed"
