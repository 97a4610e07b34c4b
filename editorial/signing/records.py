"""Signed review records: what one approval rested on, signed in the transaction that
approves (``sign_approval``) and stored as the exact bytes signed.

Signed at approval time, not on request: a record states the facts as they stood when the
revision was approved (the quorum then in force, each reviewer's name and credentials
then), and must verify byte for byte years later, after the policy, a reviewer's
credentials or the signing key have changed. Building it again from today's rows would
state today's facts and sign them with today's key. Only the inclusion proof, which
depends on the newest checkpoint, is added when the record is served; it is verifiable on
its own (the checkpoint carries its own signature)."""

import json
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from editorial.actions import AuditAction
from editorial.models import (
    Assignment,
    AuditEntry,
    Decision,
    DecisionOutcome,
    EditorialPolicy,
    SignedReviewRecord,
    Submission,
)
from editorial.signing import checkpoints, keys
from editorial.signing.canonical import CANONICALIZATION, canonical_bytes
from editorial.signing.checkpoints import utc

RECORD_TYPE = "imprimatur.review-record/v1"
OVERRIDE_ACTIONS = (AuditAction.SUBMISSION_OVERRIDE_APPROVE,)


def decision_entry(decision):
    """One reviewer's decision as the record states it, with its e-signature (printed
    name, credentials, time with zone, meaning, the content hash it was bound to); None
    for a decision recorded before decisions were signed."""
    reviewer = decision.assignment.reviewer
    signature = getattr(decision, "signature", None)
    return {
        "decision_id": decision.pk,
        "signer": {
            "name": reviewer.display_name,
            "credentials": reviewer.credentials,
            "board_member": reviewer.slug,
        },
        "outcome": decision.outcome,
        "meaning": signature.get_meaning_display() if signature else None,
        "e_signature": signature.as_record() if signature else None,
        "decided_at": utc(decision.created_at),
        "revision": decision.revision.number,
    }


def _printed_name(user):
    """Who approved, as the public may read it: a board member's printed name, else the
    user's full name; never a login name (the audit entry's label has that)."""
    if user is None or not user.is_authenticated:
        return "the editorial system"
    member = getattr(user, "board_member", None)  # cached on the user once read
    return member.display_name if member else (user.get_full_name() or "an editor")


def _audit_entries(submission, approval_entry):
    assignment_ids = Assignment.objects.filter(submission=submission).values("pk")
    entries = AuditEntry.objects.filter(
        Q(target_type=Submission._meta.label_lower, target_id=submission.pk)
        | Q(target_type=Assignment._meta.label_lower, target_id__in=assignment_ids),
        sequence__lte=approval_entry.sequence,
    ).order_by("sequence")
    return [
        {"sequence": sequence, "action": action, "hash": entry_hash}
        for sequence, action, entry_hash in entries.values_list("sequence", "action", "hash")
    ]


@dataclass
class PreparedRecord:
    """What ``prepare_approval`` read: the record's body but for the approval's audit
    entry and the signing time, and the key that signs it."""

    submission: object
    review_record: object
    body: dict
    key: object


def prepare_approval(*, submission, review_record, actor, action, comment, policy=None):
    """The first half of ``sign_approval``: everything the record states that does not
    depend on the approval's audit entry (the decisions, the policy, who approved), read
    in the approving transaction before the audit chain's lock is taken. ``action`` and
    ``comment`` are the approval entry's to be; ``actor`` its actor."""
    key = keys.current_key()  # registered (valid from now) before the signing time is taken
    revision = submission.revision
    decisions = list(
        Decision.objects.filter(submission=submission)
        .select_related("assignment__reviewer", "revision", "signature__revision")
        .order_by("created_at", "pk")
    )
    policy = policy or EditorialPolicy.load()
    override = action in OVERRIDE_ACTIONS
    approvals = sum(decision.outcome == DecisionOutcome.APPROVE for decision in decisions)
    body = {
        "type": RECORD_TYPE,
        "canonicalization": CANONICALIZATION,
        "article": {"id": submission.article_id, "slug": submission.article.slug},
        "revision": {
            "number": revision.number,
            "title": revision.title,
            "content_hash": submission.content_hash,
            "content_hash_algorithm": "SHA-256",
        },
        "approved_at": utc(review_record.approved_at),
        "approval": {
            "action": action,
            "by": _printed_name(actor),
            "override": override,
            "override_reason": comment if override else None,
            "re_review": review_record.is_re_review,
        },
        "decisions": [decision_entry(decision) for decision in decisions],
        "policy": {
            "quorum": policy.quorum,
            "approvals": approvals,
            "quorum_met": approvals >= policy.quorum,
            "policy_updated_at": utc(policy.updated_at),
        },
    }
    return PreparedRecord(submission=submission, review_record=review_record, body=body, key=key)


def sign_approval(prepared, *, entry):
    """Complete the ``prepared`` record with the approval ``entry`` (its hash and the
    audit entries of the submission up to it), sign and store it. Runs in the approving
    transaction, under the chain's lock, so an approval never exists without its signed
    record."""
    submission = prepared.submission
    signed_at = timezone.now()
    body = {
        **prepared.body,
        "audit": {
            "approval": {"sequence": entry.sequence, "hash": entry.hash},
            "entries": _audit_entries(submission, entry),
        },
        "signed_at": utc(signed_at),
    }
    data = canonical_bytes(body)
    signature = keys.sign(data, key=prepared.key)
    return SignedReviewRecord.objects.create(
        review_record=prepared.review_record,
        article_id=submission.article_id,
        revision_number=submission.revision.number,
        approval_sequence=entry.sequence,
        approval_hash=entry.hash,
        document=data.decode("utf-8"),
        key_id=signature.key_id,
        signature=signature.value,
        signed_at=signed_at,
    )


def find(*, article, revision_number=None):
    """The newest signed record of ``article`` (of one revision, or of the live one)."""
    if revision_number is None:
        if article.published_revision_id is None:
            return None
        revision_number = article.published_revision.number
    return (
        SignedReviewRecord.objects.filter(article=article, revision_number=revision_number)
        .order_by("-signed_at", "-pk")
        .first()
    )


def as_document(signed):
    """The record as served: the signed body, its detached signature, and an inclusion
    proof of the approval entry under the newest checkpoint (or null)."""
    return {
        "record": json.loads(signed.document),
        "signature": {
            "algorithm": keys.ALGORITHM,
            "key_id": signed.key_id,
            "value": signed.signature,
        },
        "inclusion_proof": checkpoints.inclusion_proof(signed.approval_sequence),
        "verification": {
            "keys": "/review-keys.json",
            "checkpoints": "/audit/checkpoints.json",
            "signed_bytes": "the RFC 8785 (JCS) canonical form of the 'record' member",
        },
    }
