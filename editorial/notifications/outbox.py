"""The notification outbox, write side: render an email into a ``Notification`` row inside
the caller's transaction, and hand its id to ``delivery`` after commit. Also which rows the
sweep must send again (``stale_unsent``)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from editorial.models import Notification
from editorial.notifications import delivery
from editorial.notifications.delivery import CLAIM_LEASE


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
        transaction.on_commit(lambda: delivery.enqueue(pending), robust=True)
    return pending


def stale_unsent(now=None):
    """Outbox rows that should have gone out by now: unsent after the grace period and not
    held by a live claim."""
    now = now or timezone.now()
    return Notification.objects.unsent().filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE),
        created_at__lte=now - resend_grace(),
    )
