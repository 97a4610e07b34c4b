"""Appending to the audit log. The one way every service records what it did."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from editorial.actions import AuditAction
from editorial.models import GENESIS_HASH, AuditEntry
from editorial.webhooks import outbox as webhook_outbox

# An arbitrary constant naming the advisory lock that serializes appends to the chain.
AUDIT_CHAIN_LOCK = 7_411_031


def _serialize_appends():
    """Hold the chain lock until the surrounding transaction ends, so concurrent writers
    append one after another and never fork the chain. SQLite already serializes writers
    (development settings open IMMEDIATE transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])


def audit_record(
    *,
    actor,
    action,
    target,
    article=None,
    from_state="",
    to_state="",
    comment="",
    data=None,
):
    """Append one entry for ``action`` on ``target``. Must run inside the transaction of
    the change it records, so that the entry and the change commit or roll back together.
    Side effect: a webhook delivery for each endpoint subscribed to ``action``, in the
    same transaction (sent after commit)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must run inside transaction.atomic().")
    action = AuditAction(action)  # ValueError for anything outside the vocabulary
    _serialize_appends()
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash").first()
    entry = AuditEntry(
        sequence=(last.sequence + 1) if last else 1,
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=_label(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        article=article,
        from_state=from_state or "",
        to_state=to_state or "",
        comment=comment or "",
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = entry.compute_hash()
    entry.save(force_insert=True)
    webhook_outbox.queue_event(entry)
    return entry


def _label(actor):
    if actor is None or not actor.is_authenticated:
        return "system"
    full_name = actor.get_full_name()
    return f"{full_name} ({actor.get_username()})" if full_name else actor.get_username()


def verify_chain(*, chunk_size=2000, progress=None):
    """Walk the log in sequence order. Returns ``(checked, first_bad)`` where ``first_bad``
    is ``None`` or ``(sequence, reason)`` for the first entry that does not hold."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    with transaction.atomic():
        for entry in entries:
            if entry.sequence != expected_sequence:
                return checked, (
                    entry.sequence,
                    f"expected sequence {expected_sequence}: an entry is missing",
                )
            if entry.prev_hash != expected_prev:
                return checked, (entry.sequence, "previous-hash link does not match")
            if entry.compute_hash() != entry.hash:
                return checked, (entry.sequence, "content does not match its hash")
            expected_prev = entry.hash
            expected_sequence += 1
            checked += 1
            if progress and checked % chunk_size == 0:
                progress(checked)
    return checked, None
