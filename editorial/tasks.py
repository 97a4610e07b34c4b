"""Celery tasks. Thin: they take ids, load rows, call one function, and are safe to run
twice."""

from smtplib import SMTPException

from celery import shared_task

from editorial import outbox


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def send_notification(notification_id):
    """Send one outbox row; a second delivery of the same task sends nothing."""
    return outbox.notification_send(notification_id)


@shared_task(acks_late=True)
def sweep():
    """The periodic sweep (beat, every 15 minutes): claims what is owed, then queues the
    sending of each claimed or stale outbox row."""
    from editorial.sweep import run_sweep

    result = run_sweep()
    for notification_id in result.queued:
        send_notification.delay(notification_id)
    return result.summary()
