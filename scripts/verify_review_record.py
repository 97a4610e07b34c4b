#!/usr/bin/env python3
"""Verify an Imprimatur review record without Imprimatur.

    python scripts/verify_review_record.py RECORD KEYS [--revision N] [--slug SLUG]

RECORD is a saved /articles/<slug>/review-record.json (or its URL); KEYS is a saved
/review-keys.json (or its URL). Needs Python 3.11 and the ``cryptography`` package only;
it shares no code with the application on purpose: it canonicalizes the record itself
(RFC 8785, JCS), checks the Ed25519 signature and the key's validity, and checks the
approval's inclusion proof against the signed audit-log checkpoint (RFC 9162, computed
the way Trillian's ``RootFromInclusionProof`` does, not the way the application does).
Exits 0 when everything verifies, 1 naming each failure."""

import argparse
import base64
import datetime
import hashlib
import json
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def load(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310
            return json.load(response)
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def jcs(value):
    """RFC 8785 for the JSON our records use (no floats): keys sorted by UTF-16 code
    units, strings escaped as ECMAScript JSON.stringify does, no whitespace."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            raise ValueError("integer outside the I-JSON range")
        return str(value)
    if isinstance(value, float):
        raise ValueError("a float in a signed record")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        ordered = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))
        return "{" + ",".join(f"{jcs(key)}:{jcs(item)}" for key, item in ordered) + "}"
    raise ValueError(f"not JSON: {type(value).__name__}")


def check_signature(body, signature, keys):
    """The key entry that verifies ``signature`` over ``body``; raises with the reason."""
    if not isinstance(signature, dict) or signature.get("algorithm") != "Ed25519":
        raise ValueError("no Ed25519 signature")
    key = keys.get(signature.get("key_id"))
    if key is None:
        raise ValueError(f"unknown key id {signature.get('key_id')!r}")
    value = base64.b64decode(signature.get("value", ""), validate=True)
    if len(value) != 64:
        raise ValueError(f"signature is {len(value)} bytes, not 64 (truncated)")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    try:
        public.verify(value, jcs(body).encode("utf-8"))
    except InvalidSignature:
        raise ValueError("signature does not match the content (forged or altered)") from None
    return key


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion_proof(index, size, leaf, proof):
    if index >= size:
        raise ValueError("leaf index beyond the tree")
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    if len(proof) != inner + border:
        raise ValueError(f"proof has {len(proof)} hashes, expected {inner + border}")
    result = leaf
    for level, sibling in enumerate(proof[:inner]):
        result = node(sibling, result) if (index >> level) & 1 else node(result, sibling)
    for sibling in proof[inner:]:
        result = node(sibling, result)
    return result


def verify(document, keys, *, revision=None, slug=None):
    """A list of (ok, message) lines."""
    lines = []
    record = document.get("record") if isinstance(document, dict) else None
    if not isinstance(record, dict):
        return [(False, "not a review record")]
    try:
        key = check_signature(record, document.get("signature"), keys)
        lines.append((True, f"signature verifies with key {key['key_id']}"))
        signed_at = datetime.datetime.fromisoformat(record["signed_at"])
        start = datetime.datetime.fromisoformat(key["valid_from"])
        end = datetime.datetime.fromisoformat(key["valid_to"]) if key.get("valid_to") else None
        valid = start <= signed_at and (end is None or signed_at < end)
        state = "was" if valid else "was NOT"
        lines.append((valid, f"key {state} valid when the record was signed"))
    except (ValueError, TypeError, KeyError) as error:
        lines.append((False, f"signature: {error}"))
    if revision is not None:
        number = record["revision"]["number"]
        lines.append((number == revision, f"record is for revision {number} (expected {revision})"))
    if slug is not None:
        found = record["article"]["slug"]
        lines.append((found == slug, f"record is for {found} (expected {slug})"))
    proof = document.get("inclusion_proof")
    if not proof:
        lines.append((True, "no inclusion proof yet (no checkpoint covers the approval)"))
        return lines
    if proof.get("error"):
        lines.append((False, f"inclusion proof: {proof['error']}"))
        return lines
    try:
        checkpoint = proof["checkpoint"]["checkpoint"]
        check_signature(checkpoint, proof["checkpoint"]["signature"], keys)
        approval = record["audit"]["approval"]
        leaf = hashlib.sha256(b"\x00" + bytes.fromhex(approval["hash"])).digest()
        computed = root_from_inclusion_proof(
            approval["sequence"] - 1,
            checkpoint["tree_size"],
            leaf,
            [bytes.fromhex(h) for h in proof["audit_path"]],
        )
        included = computed.hex() == checkpoint["root_hash"]
        lines.append(
            (
                included,
                f"approval entry {approval['sequence']} "
                f"{'is' if included else 'is NOT'} in signed checkpoint "
                f"{checkpoint['number']} ({checkpoint['tree_size']} entries)",
            )
        )
    except (ValueError, TypeError, KeyError) as error:
        lines.append((False, f"inclusion proof: {error}"))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record")
    parser.add_argument("keys")
    parser.add_argument("--revision", type=int)
    parser.add_argument("--slug")
    args = parser.parse_args(argv)
    keys = {key["key_id"]: key for key in load(args.keys)["keys"]}
    lines = verify(load(args.record), keys, revision=args.revision, slug=args.slug)
    for ok, message in lines:
        print(("OK   " if ok else "FAIL ") + message)
    if all(ok for ok, _ in lines):
        print("VERIFIED")
        return 0
    print("NOT VERIFIED")
    return 1


if __name__ == "__main__":
    sys.exit(main())
