"""Signatures in the Standard Webhooks format (standardwebhooks.com), which Svix and many
receivers verify out of the box: HMAC-SHA256 over ``{id}.{timestamp}.{body}`` with the
endpoint's secret, sent in ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``."""

import base64
import hashlib
import hmac

from editorial.models.webhooks import SECRET_PREFIX


def signature(*, secret, webhook_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(*, secret, webhook_id, timestamp, body):
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, webhook_id=webhook_id, timestamp=timestamp, body=body
        ),
    }
