"""The webhook outbox, write side: ``audit_record`` calls ``queue_event`` for every audit
entry, inside the transaction of the change, so an event and its deliveries commit or roll
back together; the rows are handed to Celery after commit. Also which rows are due again
(``due``), for the sweep."""

import json
import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from editorial.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SEND_TASK = "editorial.tasks.send_webhook"


def claim_lease():
    """How long a claimed delivery is left to its worker before another may send it."""
    return timedelta(seconds=settings.WEBHOOK_CLAIM_LEASE_SECONDS)


def event_id(entry):
    return f"evt_{entry.sequence}"


def payload(entry):
    """What receivers get: the event and the article it is about. No comments: those
    are for the board and the authors."""
    article = entry.article
    return {
        "id": event_id(entry),
        "type": entry.action,
        "timestamp": entry.created_at.isoformat(),
        "data": {
            "target": {"type": entry.target_type, "id": entry.target_id},
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "article": None
            if article is None
            else {
                "id": article.pk,
                "slug": article.slug,
                "url": settings.SITE_URL + article.get_absolute_url(),
            },
        },
    }


def subscribed(action):
    """The active endpoints subscribed to ``action`` (one query)."""
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).only("pk", "events")
        if endpoint.receives(action)
    ]


def queue_event(entry, endpoints=None):
    """Write a delivery for each active endpoint subscribed to ``entry.action`` (or for
    ``endpoints``, ``subscribed(entry.action)`` read by the caller beforehand); queue
    their sending after commit. One query when no endpoint is subscribed."""
    if endpoints is None:
        endpoints = subscribed(entry.action)
    if not endpoints:
        return []
    body = json.dumps(payload(entry), separators=(",", ":"), ensure_ascii=False)
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event_sequence=entry.sequence,
                webhook_id=event_id(entry),
                event_type=entry.action,
                body=body,
                created_at=entry.created_at,
                next_attempt_at=entry.created_at,
            )
            for endpoint in endpoints
        ]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: enqueue(ids), robust=True)
    return ids


def enqueue(delivery_ids, *, countdown=None):
    """Queue the sending of each row. With the broker down the rows stay due and the
    sweep sends them."""
    send_webhook = current_app.tasks[SEND_TASK]
    for delivery_id in delivery_ids:
        try:
            send_webhook.apply_async((delivery_id,), countdown=countdown)
        except Exception:  # noqa: BLE001 - the sweep sends whatever stays due
            logger.warning(
                "Broker unavailable; webhook delivery %s left for the sweep", delivery_id
            )
            return


def due(now=None):
    """Deliveries whose (next) attempt is due and that no live claim holds."""
    now = now or timezone.now()
    return WebhookDelivery.objects.pending().filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease()),
        next_attempt_at__lte=now,
    )
