"""Celery tasks. Thin: they take ids, load rows, call one function, and are safe to run
twice."""

import logging
from smtplib import SMTPException

from celery import shared_task

from editorial.notifications import delivery
from editorial.sweep import run_sweep
from editorial.webhooks import delivery as webhook_delivery
from editorial.webhooks import outbox as webhook_outbox

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def send_notification(notification_id):
    """Send one outbox row; a second delivery of the same task sends nothing. A row marked
    failed is not retried."""
    try:
        return delivery.notification_send(notification_id)
    except delivery.NotificationFailedError:
        return False


@shared_task(acks_late=True)
def sweep():
    """The periodic sweep (beat, every 15 minutes): claims what is owed, then queues the
    sending of each claimed or stale outbox row."""
    result = run_sweep()
    for start in range(0, len(result.queued), SEND_CHUNK):
        send_notifications.delay(result.queued[start : start + SEND_CHUNK])
    webhook_outbox.enqueue(result.webhooks_queued)
    return result.summary()


SEND_CHUNK = 100


@shared_task(acks_late=True)
def send_notifications(notification_ids):
    """Send a chunk of outbox rows (one task per hundred keeps a big sweep's queueing
    cheap). Each row is claimed on its own; a row that fails stays unsent and the sweep
    sends it again after the grace period."""
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += delivery.notification_send(notification_id)
        except Exception:  # noqa: BLE001 - logged; the row stays unsent for the sweep
            logger.exception("Notification %s not sent", notification_id)
    return sent


# A retry due within this is queued with a countdown; later ones are the sweep's (no long
# countdowns on Redis: a restarted broker or worker must not lose them).
SHORT_RETRY_SECONDS = 600


@shared_task(acks_late=True)
def send_webhook(delivery_id):
    """Attempt one webhook delivery; a second delivery of the same task sends nothing."""
    outcome, wait = webhook_delivery.webhook_send(delivery_id)
    if outcome == "retry" and wait.total_seconds() <= SHORT_RETRY_SECONDS:
        send_webhook.apply_async((delivery_id,), countdown=wait.total_seconds())
    return outcome
