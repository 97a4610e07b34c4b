"""Appending to the audit log. The one way every service records what it did.

Every append takes one advisory lock (the chain has one head), held until the transaction
ends, so it serialises all workflow writes on the site. To hold it as briefly as possible a
top-level service appends *last*: inside ``appends_at_end()`` (``_core.atomic()`` opens it)
``audit_record`` gives each entry its id at once (callers use it, e.g. in email dedupe
keys) and queues it; when the block's work is done the queued entries are chained and
inserted in one statement, just before the commit. The chain is still built under the lock
from the committed head, so it never forks.
"""

import contextlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from editorial.actions import AuditAction
from editorial.models import GENESIS_HASH, AuditEntry

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
    the change it records, so that the entry and the change commit or roll back together."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must run inside transaction.atomic().")
    action = AuditAction(action)  # ValueError for anything outside the vocabulary
    entry = AuditEntry(
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
    )
    pending = getattr(connection, "audit_pending", None)
    if pending is None or connection.vendor != "postgresql":  # SQLite serialises writers
        _append([entry])
    else:
        entry.pk = _next_id()
        pending.append(entry)
    return entry


@contextlib.contextmanager
def appends_at_end():
    """Queue the audit entries written in this block and append them as its last
    statements (see the module docstring). Use inside the block's transaction; a block
    that raises appends nothing. Nested blocks leave the work to the outermost."""
    if getattr(connection, "audit_pending", None) is not None:
        yield
        return
    connection.audit_pending = []
    try:
        yield
        pending = connection.audit_pending
        connection.audit_pending = None
        if pending:
            _append(pending)
    finally:
        connection.audit_pending = None


def _next_id():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [AuditEntry._meta.db_table]
        )
        return cursor.fetchone()[0]


def _append(entries):
    """Chain ``entries`` onto the head of the log and insert them, under the chain lock."""
    _serialize_appends()
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash").first()
    sequence, prev_hash = (last.sequence, last.hash) if last else (0, GENESIS_HASH)
    now = timezone.now()
    for entry in entries:
        entry.created_at = max(entry.created_at, now)  # the chain's order is time's order
        sequence += 1
        entry.sequence, entry.prev_hash = sequence, prev_hash
        entry.hash = prev_hash = entry.compute_hash()
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        AuditEntry.objects.bulk_create(entries)


def _label(actor):
    if actor is None or not actor.is_authenticated:
        return "system"
    full_name = actor.get_full_name()
    return f"{full_name} ({actor.get_username()})" if full_name else actor.get_username()


# ``AuditEntry.hashed_fields()``'s keys, read as plain rows: a million model instances
# would cost more than the hashing.
_HASHED_COLUMNS = (
    "sequence", "created_at", "actor_id", "actor_label", "action", "target_type",
    "target_id", "article_id", "from_state", "to_state", "comment", "data", "prev_hash",
)  # fmt: skip


def verify_chain(*, chunk_size=2000, progress=None):
    """Walk the log in sequence order, in constant memory (a server-side cursor). Returns
    ``(checked, first_bad)`` where ``first_bad`` is ``None`` or ``(sequence, reason)`` for
    the first entry that does not hold."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    rows = (
        AuditEntry.objects.order_by("sequence")
        .values_list(*_HASHED_COLUMNS, "hash")
        .iterator(chunk_size=chunk_size)
    )
    with transaction.atomic():
        for row in rows:
            fields = dict(zip(_HASHED_COLUMNS, row[:-1], strict=True))
            sequence = fields["sequence"]
            if sequence != expected_sequence:
                return checked, (
                    sequence,
                    f"expected sequence {expected_sequence}: an entry is missing",
                )
            if fields["prev_hash"] != expected_prev:
                return checked, (sequence, "previous-hash link does not match")
            fields["created_at"] = fields["created_at"].isoformat()
            if AuditEntry.hash_of(fields) != row[-1]:
                return checked, (sequence, "content does not match its hash")
            expected_prev = row[-1]
            expected_sequence += 1
            checked += 1
            if progress and checked % chunk_size == 0:
                progress(checked)
    return checked, None
