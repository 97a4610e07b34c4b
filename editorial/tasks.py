"""Celery tasks. Thin: they take ids, load rows, call one function, and are safe to run
twice."""

from celery import shared_task

from editorial import notifications


@shared_task(acks_late=True)
def notify_event(audit_entry_id):
    """Email the people an audited workflow event concerns."""
    return notifications.send_for_audit_entry(audit_entry_id)
