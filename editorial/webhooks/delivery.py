"""The webhook outbox, send side: claim a due row, check where it goes, POST it signed,
record the answer. A 2xx is delivered; anything else (another status, a redirect, which is
never followed, a refused address, a timeout) is retried with exponential backoff until a
day after the event, then given up.

Exactly once from our side: a row is claimed with one conditional UPDATE, so a task
delivered twice, a retry racing the sweep, or two workers send it once; a claim whose
worker died expires after ``WEBHOOK_CLAIM_LEASE_SECONDS`` and the row is sent again, with
the same ``webhook-id`` (a worker killed after the receiver got the request but before the
row was marked cannot be told apart from one killed before: receivers deduplicate on the
id, as Standard Webhooks asks)."""

import http.client
import logging
import socket
import ssl
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from editorial.models import WebhookDelivery
from editorial.webhooks import addresses, signing
from editorial.webhooks.outbox import claim_lease

logger = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(days=1)
MAX_BACKOFF = timedelta(hours=6)
RESPONSE_BYTES_READ = 4096
USER_AGENT = "Imprimatur-Webhooks/1"


def backoff(attempts):
    """The wait after the ``attempts``-th failed attempt: base × 4ⁿ⁻¹ (30 s, 2 min, 8 min,
    32 min, 2 h 8 min, then every 6 h)."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return min(timedelta(seconds=base * 4 ** (attempts - 1)), MAX_BACKOFF)


def _claim(delivery_id, now):
    return WebhookDelivery.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease()),
        pk=delivery_id,
        delivered_at__isnull=True,
        failed_at__isnull=True,
        next_attempt_at__lte=now,
    ).update(claimed_at=now, attempts=F("attempts") + 1)


class _Connection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, target, timeout):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _TLSConnection(http.client.HTTPSConnection):
    def __init__(self, target, timeout):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = target.address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target, body, headers):
    """POST ``body`` to ``target``; returns the status code. Never follows a redirect."""
    kind = _TLSConnection if target.scheme == "https" else _Connection
    connection = kind(target, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_BYTES_READ)
        return response.status
    finally:
        connection.close()


def webhook_send(delivery_id):
    """Attempt one delivery if it is due and nobody else holds it. Returns "delivered",
    "retry" (with the wait until the next attempt), "failed" (given up) or None (not
    ours to send)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None, None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    status, error = None, ""
    started = time.monotonic()
    try:
        if not endpoint.is_active:
            raise addresses.UnsafeAddress("The endpoint was deactivated.")
        target = addresses.check(endpoint.url)
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **signing.headers(
                secret=endpoint.secret,
                webhook_id=delivery.webhook_id,
                timestamp=timestamp,
                body=delivery.body,
            ),
        }
        status = post(target, delivery.body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}" + (
                " (redirects are not followed)" if 300 <= status < 400 else ""
            )
    except addresses.UnsafeAddress as refused:
        error = f"Refused: {refused.message}"
    except (OSError, http.client.HTTPException) as failure:
        error = f"{failure.__class__.__name__}: {failure}"[:2000]
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(delivery, status=status, error=error, duration_ms=duration_ms)


def _record(delivery, *, status, error, duration_ms):
    now = timezone.now()
    fields = {
        "claimed_at": None,
        "last_status_code": status,
        "last_duration_ms": duration_ms,
        "last_error": error,
    }
    if not error:
        fields["delivered_at"] = now
        outcome, wait = "delivered", None
    else:
        wait = backoff(delivery.attempts)
        if now + wait > delivery.created_at + RETRY_WINDOW:
            fields["failed_at"] = now
            outcome, wait = "failed", None
        else:
            fields["next_attempt_at"] = now + wait
            outcome = "retry"
        logger.info("Webhook delivery %s: %s (%s)", delivery.pk, error, outcome)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome, wait
