"""Electronic signatures on decisions (21 CFR Part 11 §11.50/§11.200 in spirit).

A decision service first calls ``authenticate`` with the password the signer re-entered,
outside its own transaction: a wrong password changes nothing but is recorded, in a
transaction of its own, as a failed signing attempt, and the fifth wrong password within
``LOCK_MINUTES`` locks signing for the account for ``LOCK_MINUTES`` and tells the chairs.
Then, inside the decision's transaction, ``sign`` writes the ``Signature`` bound to the
content hash of the revision decided on."""

import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import time_format

from editorial.actions import AuditAction
from editorial.audit import audit_record
from editorial.errors import InvalidInput, WorkflowError
from editorial.models import AuditEntry, Signature
from editorial.notifications import compose
from editorial.services import _core

MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
WRONG_PASSWORD = "The password is not correct. Nothing was signed or saved."


class SigningLocked(WorkflowError):  # noqa: N818 - the domain's own word
    """Signing is locked for the account after repeated wrong passwords (403; the screens
    show it as a message, not as a refusal of the page)."""

    status = 403


def locked_until(user, *, now=None):
    """When signing unlocks for ``user``, or None if it is not locked."""
    now = now or timezone.now()
    window = now - datetime.timedelta(minutes=LOCK_MINUTES)
    lock = (
        AuditEntry.objects.filter(
            actor=user, action=AuditAction.SIGNATURE_LOCKED, created_at__gt=window
        )
        .order_by("-sequence")
        .values_list("created_at", flat=True)
        .first()
    )
    return lock + datetime.timedelta(minutes=LOCK_MINUTES) if lock else None


def _failures_counted(user, now):
    """Wrong passwords since the window opened, the last lock, or the last good signature."""
    since = now - datetime.timedelta(minutes=LOCK_MINUTES)
    last_lock = AuditEntry.objects.filter(
        actor=user, action=AuditAction.SIGNATURE_LOCKED
    ).aggregate(at=Max("created_at"))["at"]
    last_signed = Signature.objects.filter(signer=user).aggregate(at=Max("signed_at"))["at"]
    since = max(moment for moment in (since, last_lock, last_signed) if moment is not None)
    return AuditEntry.objects.filter(
        actor=user, action=AuditAction.SIGNATURE_FAILED, created_at__gt=since
    ).count()


def authenticate(*, actor, password, submission, meaning):
    """Check the re-entered ``password`` before a decision on ``submission``. Raises
    ``SigningLocked`` while the account is locked, or ``InvalidInput`` for a wrong password
    after recording the failed attempt (its own transaction: nothing else is saved)."""
    now = timezone.now()
    until = locked_until(actor, now=now)
    if until is not None:
        raise SigningLocked(
            f"Signing is locked for your account until "
            f"{time_format(timezone.localtime(until), 'H:i T')} after {MAX_FAILED_ATTEMPTS} "
            "wrong passwords. The chair has been told."
        )
    if password and actor.check_password(password):
        return
    with _core.atomic():
        failures = _failures_counted(actor, now) + 1
        locks = failures >= MAX_FAILED_ATTEMPTS
        entry = audit_record(
            actor=actor,
            action=AuditAction.SIGNATURE_LOCKED if locks else AuditAction.SIGNATURE_FAILED,
            target=submission,
            article=submission.article,
            data={"meaning": meaning, "failed_attempts": failures},
        )
        if locks:
            name = actor.get_full_name() or actor.get_username()
            compose.queue_chair_event(
                entry=entry,
                submission=submission,
                subject="Signing locked for " + name + ": {title}",
                message=f"{name} entered a wrong password {failures} times while signing a "
                f"decision. Signing is locked for their account for {LOCK_MINUTES} minutes.",
            )
    if locks:
        raise SigningLocked(
            f"Wrong password {MAX_FAILED_ATTEMPTS} times: signing is locked for your account "
            f"for {LOCK_MINUTES} minutes, and the chair has been told. Nothing was saved."
        )
    raise InvalidInput(WRONG_PASSWORD)


def printed_name(actor):
    """How a signer or the issuer of a notice is named: their board name, else their name."""
    member = getattr(actor, "board_member", None)
    return (member.display_name if member else "") or actor.get_full_name() or actor.get_username()


def sign(*, actor, meaning, submission, decision=None):
    """The signature of ``actor`` on ``submission``'s revision, in the caller's transaction
    (after ``authenticate``)."""
    _core.require_transaction()
    member = getattr(actor, "board_member", None)
    return Signature.objects.create(
        signer=actor,
        printed_name=printed_name(actor),
        credentials=member.credentials if member else "",
        meaning=meaning,
        time_zone=settings.TIME_ZONE,
        submission=submission,
        revision=submission.revision,
        content_hash=submission.content_hash,
        decision=decision,
    )
