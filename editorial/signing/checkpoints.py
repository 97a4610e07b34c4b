"""Signed checkpoints of the audit log, in the manner of Certificate Transparency (RFC
9162): every sweep, and ``manage.py audit_checkpoint``, signs the log's size, head hash
and Merkle root. Published at ``/audit/checkpoints.json``, they let anyone who kept a copy
prove that the log was later truncated, rewritten or forked (``consistency``), and each
review record carries an inclusion proof of its approval entry under the newest one."""

import json
import logging
from datetime import UTC

from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.models import AuditCheckpoint, AuditEntry
from editorial.signing import keys, merkle
from editorial.signing.canonical import CANONICALIZATION, canonical_bytes

logger = logging.getLogger(__name__)

CHECKPOINT_TYPE = "imprimatur.audit-checkpoint/v1"
LEAF_RULE = "SHA-256(0x00 || 32-byte audit entry hash); nodes SHA-256(0x01 || left || right)"


class LogInconsistent(Exception):  # noqa: N818 - a finding, not a programming error
    """The log no longer extends the last checkpoint we signed: we refuse to sign it."""


def utc(moment):
    return moment.astimezone(UTC).isoformat()


def log_leaves(upto=None):
    """``(rows, leaf_hashes)`` of the audit log in sequence order: rows are
    ``(sequence, hash)``; one query, one snapshot."""
    entries = AuditEntry.objects.order_by("sequence")
    if upto is not None:
        entries = entries.filter(sequence__lte=upto)
    rows = list(entries.values_list("sequence", "hash"))
    return rows, [merkle.leaf_hash(bytes.fromhex(entry_hash)) for _, entry_hash in rows]


def _first_gap(rows):
    for index, (sequence, _) in enumerate(rows):
        if sequence != index + 1:
            return index + 1
    return None


def write_checkpoint(*, now=None, only_if_grown=False):
    """Sign a checkpoint of the log as it stands. Refuses (``LogInconsistent``) when the
    log does not extend the previous checkpoint: a log we can no longer vouch for is not
    signed again. Returns ``None`` for an empty log, when a concurrent call just took the
    same checkpoint number, or (``only_if_grown``) when the log has not grown since."""
    now = now or timezone.now()
    with transaction.atomic():
        previous = AuditCheckpoint.objects.select_for_update().order_by("-number").first()
        rows, hashes = log_leaves()
        if not rows or (only_if_grown and previous and previous.tree_size == len(rows)):
            return None
        gap = _first_gap(rows)
        if gap is not None:
            raise LogInconsistent(f"the audit log has no entry with sequence {gap}")
        if previous is not None:
            _check_extends(previous, rows, hashes)
        body = {
            "type": CHECKPOINT_TYPE,
            "canonicalization": CANONICALIZATION,
            "number": previous.number + 1 if previous else 1,
            "sequence": len(rows),
            "tree_size": len(rows),
            "head_hash": rows[-1][1],
            "root_hash": merkle.root_from_leaf_hashes(hashes).hex(),
            "leaf_rule": LEAF_RULE,
            "created_at": utc(now),
            "key_id": keys.current_key().key_id,
        }
        data = canonical_bytes(body)
        signature = keys.sign(data)
        try:
            with transaction.atomic():
                return AuditCheckpoint.objects.create(
                    number=body["number"],
                    tree_size=body["tree_size"],
                    head_hash=body["head_hash"],
                    root_hash=body["root_hash"],
                    created_at=now,
                    document=data.decode("utf-8"),
                    key_id=signature.key_id,
                    signature=signature.value,
                )
        except IntegrityError:
            return None


def _check_extends(previous, rows, hashes):
    if len(rows) < previous.tree_size:
        raise LogInconsistent(
            f"the log has {len(rows)} entries but checkpoint {previous.number} covered "
            f"{previous.tree_size}: its tail was removed"
        )
    if merkle.root_from_leaf_hashes(hashes[: previous.tree_size]).hex() != previous.root_hash:
        raise LogInconsistent(
            f"the first {previous.tree_size} entries no longer have the Merkle root signed "
            f"in checkpoint {previous.number}: the log was rewritten"
        )


def as_json(checkpoint):
    """A checkpoint as published: the signed body and its detached signature."""
    return {
        "checkpoint": json.loads(checkpoint.document),
        "signature": {
            "algorithm": keys.ALGORITHM,
            "key_id": checkpoint.key_id,
            "value": checkpoint.signature,
        },
    }


def inclusion_proof(sequence):
    """The RFC 9162 audit path of audit entry ``sequence`` under the newest checkpoint,
    with that checkpoint; ``None`` if the newest checkpoint does not cover it yet."""
    newest = AuditCheckpoint.objects.order_by("-number").first()
    if newest is None or newest.tree_size < sequence:
        return None
    _, hashes = log_leaves(upto=newest.tree_size)
    if len(hashes) != newest.tree_size:
        return {
            "error": f"the audit log has {len(hashes)} of the {newest.tree_size} entries "
            f"that checkpoint {newest.number} covers: entries were removed",
            "checkpoint": as_json(newest),
        }
    return {
        "leaf_index": sequence - 1,
        "tree_size": newest.tree_size,
        "leaf_rule": LEAF_RULE,
        "audit_path": [node.hex() for node in merkle.inclusion_path(sequence - 1, hashes)],
        "checkpoint": as_json(newest),
    }


def verify_inclusion(proof, *, sequence, entry_hash, keyring):
    """``None`` if ``proof`` shows audit entry ``sequence`` with ``entry_hash`` under a
    validly signed checkpoint; otherwise the reason."""
    if proof.get("error"):
        return proof["error"]
    published = proof.get("checkpoint") or {}
    body = published.get("checkpoint")
    if not isinstance(body, dict):
        return "the proof carries no checkpoint"
    reason = keys.verify_signature(
        data=canonical_bytes(body), signature=published.get("signature"), keys=keyring
    )
    if reason:
        return f"the checkpoint's signature does not verify: {reason}"
    if proof.get("leaf_index") != sequence - 1 or proof.get("tree_size") != body.get("tree_size"):
        return "the proof is for another entry or another tree size"
    try:
        path = [bytes.fromhex(node) for node in proof.get("audit_path") or []]
        leaf = merkle.leaf_hash(bytes.fromhex(entry_hash))
        root = bytes.fromhex(body["root_hash"])
    except (ValueError, TypeError, KeyError):
        return "the proof is malformed"
    if not merkle.verify_inclusion(
        index=sequence - 1,
        tree_size=body["tree_size"],
        leaf_hash_value=leaf,
        path=path,
        expected_root=root,
    ):
        return (
            f"audit entry {sequence} is not in the log under checkpoint "
            f"{body.get('number')}: the audit path does not lead to its Merkle root"
        )
    return None


def sweep_checkpoint(*, now=None):
    """The sweep's checkpoint: a refusal is logged as an error (someone changed the log)
    and never stops the sweep's other work. Returns a line for the sweep's summary."""
    try:
        checkpoint = write_checkpoint(now=now)
    except LogInconsistent as error:
        logger.error("Audit checkpoint refused: %s", error)
        return f"checkpoint refused: {error}"
    if checkpoint is None:
        return "no checkpoint"
    return f"checkpoint {checkpoint.number} signed ({checkpoint.tree_size} entries)"
