"""Checking the audit log against checkpoints published earlier (``verify_audit
--checkpoints``). Whoever kept a copy of ``/audit/checkpoints.json`` holds signed
statements of what the log was; a database superuser can change the log but cannot sign.
Three attacks are told apart:

- **truncated**: the log is shorter than a published checkpoint said it was;
- **rewritten**: the log is long enough, but its first *n* entries no longer hash to the
  Merkle root published for *n* (an entry was changed and, if the hash chain still holds,
  every later hash recomputed to hide it);
- **forked**: two validly signed checkpoints — published ones, or one published and one
  the server holds now — cannot both describe one append-only log: the server has shown
  two different histories. Checked with an RFC 9162 consistency proof built from the
  current log (or, at equal sizes, by comparing roots)."""

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from editorial.models import AuditCheckpoint
from editorial.signing import checkpoints, keys, merkle
from editorial.signing.canonical import canonical_bytes

MAX_PAGES = 10_000


@dataclass(frozen=True)
class Finding:
    kind: str  # "truncated", "rewritten", "forked", "signature", "malformed"
    number: object  # the published checkpoint's number, if it has one
    message: str


def fetch_json(url, *, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http(s) only
        return json.load(response)


def load_published(source, *, timeout=30):
    """Checkpoints from a file or URL holding ``/audit/checkpoints.json`` (every page,
    following ``next``), or a file holding a list of them."""
    if source.startswith(("http://", "https://")):
        items, url, pages = [], source, 0
        while url and pages < MAX_PAGES:
            page = fetch_json(url, timeout=timeout)
            items.extend(page.get("checkpoints", []))
            url = urllib.parse.urljoin(url, page["next"]) if page.get("next") else None
            pages += 1
        return items
    document = json.loads(Path(source).read_text(encoding="utf-8"))
    return document.get("checkpoints", []) if isinstance(document, dict) else document


def _signed_bodies(items, keyring, findings):
    bodies = []
    for position, item in enumerate(items, start=1):
        body = item.get("checkpoint") if isinstance(item, dict) else None
        if not isinstance(body, dict) or not isinstance(body.get("tree_size"), int):
            findings.append(Finding("malformed", None, f"item {position} is not a checkpoint"))
            continue
        reason = keys.verify_signature(
            data=canonical_bytes(body), signature=item.get("signature"), keys=keyring
        )
        if reason:
            findings.append(
                Finding(
                    "signature", body.get("number"), f"checkpoint {body.get('number')}: {reason}"
                )
            )
            continue
        bodies.append(body)
    return bodies


def _ours(keyring):
    """The checkpoints the server holds now, those whose signatures verify."""
    return [
        body
        for body, item in (
            (json.loads(row.document), checkpoints.as_json(row))
            for row in AuditCheckpoint.objects.order_by("number")
        )
        if keys.verify_signature(
            data=canonical_bytes(body), signature=item["signature"], keys=keyring
        )
        is None
    ]


def _fork(published, others, rows, hashes):
    """A signed checkpoint among ``others`` that cannot extend ``published``, or None."""
    size, root = published["tree_size"], published["root_hash"]
    for other in others:
        if other is published or other["tree_size"] < size:
            continue
        if other["tree_size"] == size:
            if other["root_hash"] != root:
                return other
            continue
        # A bigger checkpoint: prove consistency from the log, if the log is its tree.
        if len(rows) < other["tree_size"]:
            continue
        prefix = hashes[: other["tree_size"]]
        if merkle.root_from_leaf_hashes(prefix).hex() != other["root_hash"]:
            continue
        proof = merkle.consistency_path(size, prefix)
        if not merkle.verify_consistency(
            first=size,
            second=other["tree_size"],
            first_root=bytes.fromhex(root),
            second_root=bytes.fromhex(other["root_hash"]),
            path=proof,
        ):
            return other
    return None


def check(items, *, keyring=None):
    """Findings (empty when all is well) for the published checkpoints ``items``."""
    keyring = keys.keyring() if keyring is None else keyring
    findings = []
    published = sorted(_signed_bodies(items, keyring, findings), key=lambda b: b["tree_size"])
    ours = _ours(keyring)
    rows, hashes = checkpoints.log_leaves()
    last_good = 0
    for body in published:
        number, size = body.get("number"), body["tree_size"]
        fork = _fork(body, [*published, *ours], rows, hashes)
        if fork is not None:
            findings.append(
                Finding(
                    "forked",
                    number,
                    f"forked log: checkpoint {number} ({size} entries, root "
                    f"{body['root_hash'][:16]}…) and checkpoint {fork.get('number')} "
                    f"({fork['tree_size']} entries, root {fork['root_hash'][:16]}…) are both "
                    "validly signed but cannot describe one append-only log",
                )
            )
        elif len(rows) < size:
            findings.append(
                Finding(
                    "truncated",
                    number,
                    f"tail truncation: checkpoint {number} covered {size} entries but the log "
                    f"now has {len(rows)}; entries {len(rows) + 1}–{size} were removed",
                )
            )
        elif merkle.root_from_leaf_hashes(hashes[:size]).hex() != body["root_hash"]:
            findings.append(
                Finding(
                    "rewritten",
                    number,
                    f"rewritten log: the first {size} entries no longer hash to the root of "
                    f"checkpoint {number}; an entry between sequence {last_good + 1} and "
                    f"{size} was changed"
                    + (
                        " and the hashes after it recomputed to re-chain the log"
                        if rows[size - 1][1] != body["head_hash"]
                        else ""
                    ),
                )
            )
        else:
            last_good = size
    return findings
