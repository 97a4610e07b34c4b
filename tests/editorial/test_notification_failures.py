"""Findings 4 and 5 of issue 13: a line break in a question made every email about the
article fail forever (``BadHeaderError``), re-queued by every sweep, and ``send_reminders``
exit 1 on every run. Now subjects are one line whatever was stored; a notification that
fails for good is marked failed with its reason and never re-queued; the command exits 0
and reports the failures."""

import socket
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from editorial import services
from editorial.models import Notification
from editorial.notifications import delivery, outbox
from editorial.sweep import run_sweep
from tests.factories import ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db


def test_every_email_about_an_article_whose_question_holds_a_line_break_is_sent(
    article, author, chair, django_capture_on_commit_callbacks
):
    # Stored before single-line validation existed (the factory skips the form).
    revision = RevisionFactory(article=article, number=1, title="Is B12\nBcc: x@example.com?")
    ReferenceFactory(revision=revision, position=1)
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_submit(article=article, revision=revision, actor=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_start_review(submission=submission, actor=chair)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_approve(submission=submission, actor=chair)

    rows = Notification.objects.filter(article=article)
    assert rows.exists()
    assert not rows.filter(sent_at__isnull=True).exists()
    assert {m.subject for m in mail.outbox} >= {row.subject.replace("\n", " ") for row in rows}
    assert all("\n" not in m.message()["Subject"] for m in mail.outbox)
    assert all(m.to != ["x@example.com"] and not m.bcc for m in mail.outbox)


def stale_row(**fields):
    return Notification.objects.create(
        kind="event",
        dedupe_key=f"test:{fields.get('to_email', 'a')}:{timezone.now().timestamp()}",
        to_email=fields.pop("to_email", "reader@example.com"),
        subject="Hello",
        body_text="Hello",
        body_html="<p>Hello</p>",
        created_at=timezone.now() - outbox.resend_grace() - timedelta(minutes=1),
        **fields,
    )


def test_a_permanent_failure_is_marked_failed_with_its_reason_and_never_requeued():
    row = stale_row(to_email="a@example.com\nBcc: b@example.com")
    assert row.pk in run_sweep().queued
    with pytest.raises(delivery.NotificationFailedError):
        delivery.notification_send(row.pk)
    row.refresh_from_db()
    assert row.failed_at is not None and row.sent_at is None
    assert "BadHeaderError" in row.last_error
    assert row.pk not in run_sweep(now=timezone.now() + timedelta(days=1)).queued
    assert delivery.notification_send(row.pk) is False  # a failed row is never claimed


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_transient_failure_is_retried_until_the_last_attempt_then_marked_failed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 1
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row = stale_row()
    for _ in range(2):
        with pytest.raises(ConnectionRefusedError):
            delivery.notification_send(row.pk)
        row.refresh_from_db()
        assert row.failed_at is None and row.pk in run_sweep().queued
    with pytest.raises(delivery.NotificationFailedError):
        delivery.notification_send(row.pk)
    row.refresh_from_db()
    assert row.attempts == 3 and row.failed_at is not None
    assert "ConnectionRefusedError" in row.last_error
    assert row.pk not in run_sweep().queued


def test_send_reminders_exits_0_and_reports_what_failed():
    stale_row(to_email="a@example.com\nBcc: b@example.com")
    stale_row(to_email="fine@example.com")
    out, err = StringIO(), StringIO()
    call_command("send_reminders", stdout=out, stderr=err)  # no SystemExit
    assert "Emails sent: 1" in out.getvalue() and "given up: 1" in out.getvalue()
    assert "BadHeaderError" in err.getvalue()
    out = StringIO()
    call_command("send_reminders", stdout=out, stderr=StringIO())
    assert "Emails sent: 0" in out.getvalue() and "given up: 0" in out.getvalue()


def test_the_admin_lists_failed_notifications_with_their_reason(admin_client):
    row = stale_row(to_email="a@example.com\nBcc: b@example.com")
    with pytest.raises(delivery.NotificationFailedError):
        delivery.notification_send(row.pk)
    response = admin_client.get("/admin/editorial/notification/", {"sent": "failed"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "BadHeaderError" in page and "Failed (given up)" in page
