"""Appending to the audit log (the one way every service records what it did), and
reading it: entries as sentences, and a check of one article's entries against the chain."""

import datetime
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import FeedbackStatus
from editorial.actions import AuditAction
from editorial.actions import info as action_info
from editorial.models import GENESIS_HASH, AssignmentState, AuditEntry, SubmissionState
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


def reserve_entry(*, actor, action, comment=""):
    """An unsaved entry with the id that ``audit_record(entry_id=...)`` will give the
    entry of ``action``, reserved before the chain's lock is taken, so that rows naming
    the entry by its id (the authors' notifications) can be written before the lock
    too; it carries the actor's label and the comment, as the e-mails show them. Must
    run in the transaction that records the entry. PostgreSQL reserves the id from the
    table's sequence; SQLite (development) serializes writers, so the next id is free."""
    if not connection.in_atomic_block:
        raise RuntimeError("reserve_entry() must run inside transaction.atomic().")
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [AuditEntry._meta.db_table]
            )
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        entry_id = cursor.fetchone()[0]
    return AuditEntry(
        pk=entry_id, action=AuditAction(action), actor_label=_label(actor), comment=comment
    )


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
    entry_id=None,
):
    """Append one entry for ``action`` on ``target`` (with id ``entry_id`` if it was
    reserved by ``reserve_entry``). Must run inside the transaction of the change it
    records, so that the entry and the change commit or roll back together. Side effect:
    a webhook delivery for each endpoint subscribed to ``action``, in the same
    transaction (sent after commit)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must run inside transaction.atomic().")
    action = AuditAction(action)  # ValueError for anything outside the vocabulary
    # Read before the chain's lock, which every workflow write on the site waits for:
    # an endpoint added meanwhile receives the next event, as if it had been added after.
    endpoints = webhook_outbox.subscribed(action)
    _serialize_appends()
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash").first()
    entry = AuditEntry(
        id=entry_id,
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
    webhook_outbox.queue_event(entry, endpoints)
    return entry


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


# --- Reading the log: entries as sentences, and a check of an article's entries -------

# The admin page of an entry's target, by ``target_type``.
_TARGET_PAGES = {
    "editorial.submission": "admin:editorial_submission_change",
    "editorial.assignment": "admin:editorial_assignment_change",
    "articles.feedback": "admin:articles_feedback_change",
    "reviewers.conflictofinterest": "admin:reviewers_conflictofinterest_change",
    "editorial.editorialpolicy": "admin:editorial_editorialpolicy_change",
}


# The words for an entry's ``from_state`` and ``to_state``, by ``target_type``.
_STATE_LABELS = {
    "editorial.submission": dict(SubmissionState.choices),
    "editorial.assignment": dict(AssignmentState.choices),
    "articles.feedback": dict(FeedbackStatus.choices),
}


def actor_name(entry):
    """Who acted, as people call them: the board member's display name, else the user's
    full name, else what the entry recorded ("system" for the sweeps)."""
    actor = entry.actor
    if actor is None:
        return "The system" if entry.actor_label == "system" else entry.actor_label
    member = getattr(actor, "board_member", None)
    if member is not None:
        return member.display_name
    return actor.get_full_name() or entry.actor_label


def describe(entry):
    """``entry`` in words: ``sentence`` (from the action's metadata), ``state_change``
    ("Submitted → Under review", or ""), and ``url``, the admin page of its target (or "")."""
    info = action_info(entry.action)
    reviewer = (entry.data.get("reviewer") or {}).get("name") or "the reviewer"
    revision = entry.data.get("revision")
    template = info.sentence
    if revision is None:
        template = template.replace("revision {revision}", "the submission")
    sentence = template.format(
        actor=actor_name(entry),
        reviewer=reviewer,
        revision=revision,
        label=AuditAction(entry.action).label,
    )
    labels = _STATE_LABELS.get(entry.target_type, {})
    state_change = ""
    if entry.to_state and entry.to_state != entry.from_state:
        before = labels.get(entry.from_state, entry.from_state) if entry.from_state else "New"
        state_change = f"{before} → {labels.get(entry.to_state, entry.to_state)}"
    page = _TARGET_PAGES.get(entry.target_type)
    try:
        url = reverse(page, args=[entry.target_id]) if page else ""
    except NoReverseMatch:
        url = ""
    return {
        "sentence": sentence[:1].upper() + sentence[1:],
        "state_change": state_change,
        "url": url,
    }


@dataclass(frozen=True)
class EntriesCheck:
    """What ``verify_entries`` found: how many entries it checked, when, and the first
    that does not hold (``broken_at``, with ``reason``) if any."""

    checked: int
    verified_at: datetime.datetime
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self):
        return self.broken_at is None


def verify_entries(entries, *, now=None):
    """Check ``entries`` (one article's, say) against the chain without walking all of
    it, in one query: each entry's content must match its hash, its ``prev_hash`` must be
    the hash of the entry before it in the log, and the entry after it must point back at
    it (so an entry rewritten with a fresh hash is caught too). ``verify_chain`` walks the
    whole log; this is the part of that walk that concerns these entries."""
    now = now or timezone.now()
    entries = sorted(entries, key=lambda entry: entry.sequence)
    neighbours = set()
    for entry in entries:
        neighbours.update((entry.sequence - 1, entry.sequence + 1))
    rows = (
        {
            sequence: (entry_hash, prev_hash)
            for sequence, entry_hash, prev_hash in AuditEntry.objects.filter(
                sequence__in=neighbours
            ).values_list("sequence", "hash", "prev_hash")
        }
        if entries
        else {}
    )
    for entry in entries:
        problem = None
        if entry.compute_hash() != entry.hash:
            problem = "its content does not match its hash"
        elif entry.sequence == 1 and entry.prev_hash != GENESIS_HASH:
            problem = "the first entry does not start the chain"
        elif entry.sequence > 1 and entry.sequence - 1 not in rows:
            problem = f"the entry before it (#{entry.sequence - 1}) is missing"
        elif entry.sequence > 1 and rows[entry.sequence - 1][0] != entry.prev_hash:
            problem = "it does not link to the entry before it"
        elif entry.sequence + 1 in rows and rows[entry.sequence + 1][1] != entry.hash:
            problem = "the entry after it does not link back to it"
        if problem:
            return EntriesCheck(
                checked=len(entries), verified_at=now, broken_at=entry.sequence, reason=problem
            )
    return EntriesCheck(checked=len(entries), verified_at=now)
