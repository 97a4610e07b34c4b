"""The signing key. ``SIGNING_KEY_FILE`` names a PEM file holding the current Ed25519
private key; development and tests create one on first use (``SIGNING_KEY_AUTOCREATE``),
production refuses to start without it (``config.settings.production``). A key is named
by its key id, derived from its public half; the public halves live in the database with
the time each was valid, so everything an old key signed still verifies after
``manage.py rotate_signing_key``."""

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from editorial.models import SigningKey

ALGORITHM = "Ed25519"
_loaded = {}  # path -> (mtime_ns, private key): re-read when the file changes


class KeyFileMissing(ImproperlyConfigured):
    pass


def raw_public_bytes(public_key):
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_for(public_key):
    """``ed25519-`` and the first 16 hex digits of SHA-256 over the raw public key."""
    return "ed25519-" + hashlib.sha256(raw_public_bytes(public_key)).hexdigest()[:16]


def key_path():
    configured = getattr(settings, "SIGNING_KEY_FILE", "")
    if not configured:
        raise KeyFileMissing("Set SIGNING_KEY_FILE to the PEM file of the Ed25519 signing key.")
    return Path(configured)


def write_new_key_file(path):
    """A fresh private key in ``path`` (PKCS#8 PEM, readable by the owner only)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    os.replace(temporary, path)
    return key


def private_key():
    path = key_path()
    if not path.exists():
        if not getattr(settings, "SIGNING_KEY_AUTOCREATE", False):
            raise KeyFileMissing(f"SIGNING_KEY_FILE {path} does not exist.")
        write_new_key_file(path)
    mtime = path.stat().st_mtime_ns
    cached = _loaded.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"SIGNING_KEY_FILE {path} is not an Ed25519 private key.")
    _loaded[path] = (mtime, key)
    return key


def current_key():
    """The current key's ``SigningKey`` row, registered on first use; registering a new
    key closes the validity of the one before it."""
    public = private_key().public_key()
    key_id = key_id_for(public)
    row = SigningKey.objects.filter(key_id=key_id).first()
    if row is not None:
        return row
    with transaction.atomic():
        now = timezone.now()
        SigningKey.objects.select_for_update().filter(valid_to__isnull=True).exclude(
            key_id=key_id
        ).update(valid_to=now)
        row, _ = SigningKey.objects.get_or_create(
            key_id=key_id,
            defaults={
                "public_key": base64.b64encode(raw_public_bytes(public)).decode("ascii"),
                "valid_from": now,
            },
        )
    return row


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # base64

    def as_json(self):
        return {"algorithm": ALGORITHM, "key_id": self.key_id, "value": self.value}


def sign(data: bytes, *, key=None) -> Signature:
    """``data`` signed with the current key (``key``: its row, if the caller has read it
    with ``current_key`` already; read again if the key file has changed since)."""
    private = private_key()
    row = key
    if row is None or row.key_id != key_id_for(private.public_key()):
        row = current_key()
    value = base64.b64encode(private.sign(data)).decode("ascii")
    return Signature(key_id=row.key_id, value=value)


def published_keys():
    """The public keys as ``/review-keys.json`` lists them, newest first."""
    return [
        {
            "key_id": key.key_id,
            "algorithm": key.algorithm,
            "public_key": key.public_key,
            "valid_from": key.valid_from.isoformat(),
            "valid_to": key.valid_to.isoformat() if key.valid_to else None,
        }
        for key in SigningKey.objects.order_by("-valid_from", "key_id")
    ]


def keyring(keys=None):
    """``{key_id: key entry}`` from published key entries (default: our own)."""
    return {entry["key_id"]: entry for entry in (published_keys() if keys is None else keys)}


def verify_signature(*, data, signature, keys):
    """``None`` if ``signature`` (its JSON form) verifies over ``data`` with a key in
    ``keys``; otherwise the reason, in words."""
    if not isinstance(signature, dict):
        return "there is no signature"
    if signature.get("algorithm") != ALGORITHM:
        return f"unsupported signature algorithm {signature.get('algorithm')!r}"
    entry = keys.get(signature.get("key_id"))
    if entry is None:
        return f"unknown key id {signature.get('key_id')!r}: it is not among the published keys"
    try:
        value = base64.b64decode(signature.get("value") or "", validate=True)
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(entry["public_key"]))
    except ValueError as error:
        return f"the signature or key is not valid base64: {error}"
    if len(value) != 64:
        return f"the signature is {len(value)} bytes; an Ed25519 signature has 64 (truncated?)"
    try:
        public.verify(value, data)
    except InvalidSignature:
        return "the signature does not match the signed bytes (forged, or the content changed)"
    return None


def rotate(*, now=None):
    """Replace the private key in ``SIGNING_KEY_FILE`` with a new one and publish its
    public half; the old key's validity ends now (its private half is not kept: a key is
    often rotated because it may have leaked). Returns the old and new key ids.

    Pointing ``SIGNING_KEY_FILE`` at a new PEM file has the same effect on first use."""
    path = key_path()
    now = now or timezone.now()
    old = current_key() if path.exists() else None
    write_new_key_file(path)
    new = current_key()
    if old is not None:
        SigningKey.objects.filter(pk=old.pk, valid_to__isnull=True).update(valid_to=now)
    return (old.key_id if old else None), new.key_id
