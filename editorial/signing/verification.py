"""Verifying a served review record, offline: the signature with a published key, the
key's validity at signing time, what the record is for, and the inclusion proof of its
approval entry. Each check is reported in words (``manage.py verify_record``, the
"Verify this review" page)."""

import datetime
from dataclasses import dataclass

from editorial.signing import checkpoints, keys
from editorial.signing.canonical import canonical_bytes
from editorial.signing.records import RECORD_TYPE

PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not checked"


@dataclass(frozen=True)
class Check:
    name: str
    outcome: str
    detail: str

    @property
    def failed(self):
        return self.outcome == FAILED


def _time(text):
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _key_validity(record, entry):
    signed_at = _time(record.get("signed_at"))
    valid_from = _time(entry.get("valid_from"))
    valid_to = _time(entry.get("valid_to")) if entry.get("valid_to") else None
    if signed_at is None or valid_from is None:
        return Check("key validity", FAILED, "the signing time or the key's dates are unreadable")
    if signed_at < valid_from or (valid_to is not None and signed_at >= valid_to):
        return Check(
            "key validity",
            FAILED,
            f"signed at {record['signed_at']}, outside the key's validity "
            f"({entry['valid_from']} to {entry.get('valid_to') or 'now'})",
        )
    return Check(
        "key validity",
        PASSED,
        f"key {entry['key_id']} was valid when the record was signed ({record['signed_at']})",
    )


def _expectations(record, expect):
    checks = []
    article, revision = record.get("article") or {}, record.get("revision") or {}
    if "slug" in expect and article.get("slug") != expect["slug"]:
        checks.append(
            Check(
                "article",
                FAILED,
                f"this record is for {article.get('slug')!r}, not {expect['slug']!r}",
            )
        )
    if "revision" in expect:
        if revision.get("number") != expect["revision"]:
            checks.append(
                Check(
                    "revision",
                    FAILED,
                    f"this record is for revision {revision.get('number')}, "
                    f"not revision {expect['revision']}",
                )
            )
        else:
            checks.append(
                Check("revision", PASSED, f"the record is for revision {expect['revision']}")
            )
    if "content_hash" in expect:
        if revision.get("content_hash") != expect["content_hash"]:
            checks.append(
                Check(
                    "content",
                    FAILED,
                    "the approved content hash in the record does not match the text "
                    f"published as revision {revision.get('number')}",
                )
            )
        else:
            checks.append(
                Check("content", PASSED, "the published text is byte for byte the approved text")
            )
    return checks


def verify_document(document, *, keyring=None, expect=None):
    """Checks of a served record (``records.as_document``) against published keys.
    ``expect`` may name the ``slug``, ``revision`` number and ``content_hash`` the record
    must be for."""
    keyring = keys.keyring() if keyring is None else keyring
    record = document.get("record") if isinstance(document, dict) else None
    if not isinstance(record, dict) or record.get("type") != RECORD_TYPE:
        return [Check("format", FAILED, "this is not an Imprimatur review record")]
    try:
        data = canonical_bytes(record)
    except TypeError as error:
        return [Check("format", FAILED, f"the record is not canonicalizable: {error}")]
    checks = []
    reason = keys.verify_signature(data=data, signature=document.get("signature"), keys=keyring)
    if reason:
        checks.append(Check("signature", FAILED, reason))
    else:
        key_id = document["signature"]["key_id"]
        checks.append(Check("signature", PASSED, f"signed with the published Ed25519 key {key_id}"))
        checks.append(_key_validity(record, keyring[key_id]))
    checks.extend(_expectations(record, expect or {}))
    checks.append(_inclusion(document, record, keyring))
    return checks


def _inclusion(document, record, keyring):
    approval = (record.get("audit") or {}).get("approval") or {}
    proof = document.get("inclusion_proof")
    if not proof:
        return Check(
            "audit log",
            NOT_CHECKED,
            "no checkpoint covers the approval yet; the next sweep (within 15 minutes) signs one",
        )
    reason = checkpoints.verify_inclusion(
        proof, sequence=approval.get("sequence"), entry_hash=approval.get("hash"), keyring=keyring
    )
    if reason:
        return Check("audit log", FAILED, reason)
    checkpoint = proof["checkpoint"]["checkpoint"]
    return Check(
        "audit log",
        PASSED,
        f"the approval is audit entry {approval['sequence']}, included in signed checkpoint "
        f"{checkpoint['number']} of {checkpoint['tree_size']} entries ({checkpoint['created_at']})",
    )


def failures(checks):
    return [check for check in checks if check.failed]
