"""The notification outbox, send side: deliver one row exactly once.

``notification_send`` claims the row with one conditional UPDATE before sending, so a task
delivered twice, two sweeps, or a retry send it once; a claim whose worker died expires
after ``CLAIM_LEASE`` and the sweep sends the row again. (If a worker dies after the SMTP
server accepted the message but before the row is marked sent, the message goes out twice:
the two cannot commit together.)
"""

import logging
import smtplib
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from articles.text import header_safe
from editorial.models import Notification

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
SEND_TASK = "editorial.tasks.send_notification"
# Errors that no retry can mend: the message or its address is refused as it stands.
PERMANENT_ERRORS = (BadHeaderError, smtplib.SMTPRecipientsRefused, UnicodeError, ValueError)


class NotificationFailedError(Exception):
    """The row was marked failed: it will not be sent, nor re-queued."""


def enqueue(notification_ids):
    """Queue the sending of each row (after commit). With the broker down the rows stay
    unsent and the sweep sends them later."""
    # Looked up by name: the tasks sit above this module (they call the sweep, which
    # writes to this outbox), so importing them here would close a cycle.
    send_notification = current_app.tasks[SEND_TASK]
    for notification_id in notification_ids:
        try:
            send_notification.delay(notification_id)
        except Exception:  # noqa: BLE001 - the sweep re-sends whatever stays unsent
            logger.warning(
                "Broker unavailable; notification %s left for the sweep", notification_id
            )
            return


def _claim(notification_id, now):
    stale = now - CLAIM_LEASE
    return Notification.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale),
        pk=notification_id,
        sent_at__isnull=True,
        failed_at__isnull=True,
    ).update(claimed_at=now, attempts=F("attempts") + 1)


def notification_send(notification_id, *, connection=None):
    """Send one outbox row if nobody else has claimed or sent it. Returns True if this
    call sent it. On an error the claim is released and the error re-raised; a permanent
    error, or the ``NOTIFICATION_MAX_ATTEMPTS``-th failure, marks the row failed with its
    reason instead and raises ``NotificationFailedError`` (nothing re-queues a failed row)."""
    if not _claim(notification_id, timezone.now()):
        return False
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=header_safe(notification.subject),  # rows written before validation
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        connection=connection,
    )
    message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as error:
        reason = f"{error.__class__.__name__}: {error}"[:2000]
        permanent = isinstance(error, PERMANENT_ERRORS) or (
            notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        )
        Notification.objects.filter(pk=notification_id).update(
            claimed_at=None,
            last_error=reason,
            failed_at=timezone.now() if permanent else None,
        )
        if permanent:
            logger.error("Notification %s failed for good: %s", notification_id, reason)
            raise NotificationFailedError(reason) from error
        raise
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="")
    return True
