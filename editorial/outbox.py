"""The notification outbox: write in the transaction, send after commit, exactly once.

``notification_queue`` renders an email into a ``Notification`` row inside the caller's
transaction and queues its sending for after commit. ``notification_send`` claims the row
with one conditional UPDATE before sending, so a task delivered twice, two sweeps, or a
retry send it once; a claim whose worker died expires after ``CLAIM_LEASE`` and the sweep
sends the row again. (If a worker dies after the SMTP server accepted the message but before
the row is marked sent, the message goes out twice: the two cannot commit together.)
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from editorial.models import Notification

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)


def resend_grace():
    """How long a row may stay unsent before the sweep sends it again (the task queued on
    commit normally sends it within seconds)."""
    return timedelta(seconds=settings.OUTBOX_RESEND_GRACE_SECONDS)


def absolute_url(path):
    return settings.SITE_URL + path


def render_notification(*, template, context, **fields):
    """An unsaved ``Notification`` with both parts rendered from
    ``editorial/email/<template>.txt`` and ``.html``."""
    context = {"site_name": settings.SITE_NAME, **context}
    return Notification(
        body_text=render_to_string(f"editorial/email/{template}.txt", context),
        body_html=render_to_string(f"editorial/email/{template}.html", context),
        **fields,
    )


def notifications_queue(notifications, *, enqueue=True):
    """Insert the outbox rows (skipping any whose ``dedupe_key`` exists: that reminder was
    already claimed) and queue their sending after commit. Returns the rows that exist for
    these keys and are unsent. Must run inside the transaction of the change. The sweep
    passes ``enqueue=False`` and sends (or queues) what it claimed itself."""
    notifications = list(notifications)
    if not notifications:
        return []
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    keys = [notification.dedupe_key for notification in notifications]
    pending = list(
        Notification.objects.unsent().filter(dedupe_key__in=keys).values_list("pk", flat=True)
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(pending), robust=True)
    return pending


def _enqueue(notification_ids):
    from editorial.tasks import send_notification

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
    ).update(claimed_at=now, attempts=F("attempts") + 1)


def notification_send(notification_id, *, connection=None):
    """Send one outbox row if nobody else has claimed or sent it. Returns True if this
    call sent it. On an SMTP error the claim is released and the error re-raised."""
    if not _claim(notification_id, timezone.now()):
        return False
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        connection=connection,
    )
    message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as error:
        Notification.objects.filter(pk=notification_id).update(
            claimed_at=None, last_error=f"{error.__class__.__name__}: {error}"[:2000]
        )
        raise
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="")
    return True


def stale_unsent(now=None):
    """Outbox rows that should have gone out by now: unsent after the grace period and not
    held by a live claim."""
    now = now or timezone.now()
    return Notification.objects.unsent().filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE),
        created_at__lte=now - resend_grace(),
    )
