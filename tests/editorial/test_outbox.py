"""Notifications go through the outbox: written with the change, sent after commit, once."""

import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.utils import timezone

from editorial import services
from editorial.models import Notification, Submission, SubmissionState
from editorial.notifications import delivery, outbox
from editorial.sweep import run_sweep
from editorial.tasks import send_notification
from tests.realservices import ROOT, manage_env, run_python, start_worker_process, wait_for


def test_the_notification_is_written_in_the_transaction_and_sent_after_commit(
    under_review, chair, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submission_approve(submission=under_review, actor=chair)
        row = Notification.objects.get(submission=under_review, subject__startswith="Approved")
        assert row.to_email == author.email
        assert row.sent_at is None
        assert "Approved" in row.body_text and "<p>" in row.body_html
        assert row.link.endswith(f"/author/articles/{under_review.article_id}/")
        assert row.link in row.body_text and row.link in row.body_html
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.sent_at is not None
    assert [m.subject for m in mail.outbox].count(row.subject) == 1


def test_a_second_send_of_the_same_row_sends_nothing(under_review, chair):
    services.submission_approve(submission=under_review, actor=chair)
    row = Notification.objects.filter(submission=under_review).latest("pk")
    mail.outbox.clear()
    Notification.objects.filter(pk=row.pk).update(sent_at=None, claimed_at=None)
    assert delivery.notification_send(row.pk) is True
    assert delivery.notification_send(row.pk) is False
    assert len(mail.outbox) == 1


def test_a_live_claim_is_respected_and_an_expired_one_is_taken_over(under_review, chair):
    services.submission_approve(submission=under_review, actor=chair)
    row = Notification.objects.filter(submission=under_review).latest("pk")
    mail.outbox.clear()
    Notification.objects.filter(pk=row.pk).update(sent_at=None, claimed_at=timezone.now())
    assert delivery.notification_send(row.pk) is False
    expired = timezone.now() - delivery.CLAIM_LEASE - timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(claimed_at=expired)
    assert delivery.notification_send(row.pk) is True
    assert len(mail.outbox) == 1


def test_the_sweep_requeues_rows_left_unsent_after_the_grace_period(under_review, chair):
    services.submission_approve(submission=under_review, actor=chair)
    Notification.objects.update(sent_at=None, claimed_at=None)
    assert run_sweep().outbox_resent == 0, "fresh rows are the on-commit task's business"
    later = timezone.now() + outbox.resend_grace() + timedelta(seconds=1)
    result = run_sweep(now=later)
    assert result.outbox_resent == Notification.objects.count()
    assert set(result.queued) == set(Notification.objects.values_list("pk", flat=True))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_approval_email_to_a_real_smtp_server_once(
    under_review, chair, author, smtp_settings, celery_worker
):
    services.submission_approve(submission=under_review, actor=chair)
    row = Notification.objects.get(submission=under_review, subject__startswith="Approved")

    assert wait_for(lambda: Notification.objects.filter(pk=row.pk, sent_at__isnull=False).exists())
    send_notification.delay(row.pk)  # the same task delivered a second time
    time.sleep(1)

    approvals = [m for m in smtp_settings.messages if b"Approved and published" in m.content]
    assert len(approvals) == 1
    message = message_from_bytes(approvals[0].content)
    assert approvals[0].rcpt_tos == [author.email]
    assert message.is_multipart()
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_approval_commits_and_the_outbox_delivers_once_it_is_back(
    under_review, smtp_server, own_redis
):
    env = manage_env(
        REDIS_URL=own_redis.url,
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        OUTBOX_RESEND_GRACE_SECONDS="0",
    )
    own_redis.stop()

    # Timed inside the process, around the approval alone: starting Python and Django is
    # not the broker's doing, and takes seconds on a loaded machine.
    approve = run_python(
        "import time\nfrom django.contrib.auth import get_user_model\n"
        "from editorial import services\nfrom editorial.models import Submission\n"
        f"s = Submission.objects.get(pk={under_review.pk})\n"
        "chair = get_user_model().objects.get(username='chair')\n"
        "started = time.monotonic()\n"
        "services.submission_approve(submission=s, actor=chair)\n"
        "print(f'elapsed={time.monotonic() - started}')\n",
        env=env,
    )
    assert approve.returncode == 0, approve.stderr
    elapsed = float(approve.stdout.split("elapsed=")[-1])
    assert elapsed < 5, f"approval took {elapsed:.1f}s with the broker down"
    assert Submission.objects.get(pk=under_review.pk).state == SubmissionState.APPROVED
    unsent = Notification.objects.filter(submission=under_review, sent_at__isnull=True)
    assert unsent.count() == 1
    assert smtp_server.messages == []

    own_redis.start()
    worker = start_worker_process(env)
    try:
        for _ in range(2):  # two sweeps: the second must find nothing left to send
            publish = run_python("from editorial.tasks import sweep; sweep.delay()", env=env)
            assert publish.returncode == 0, publish.stderr
        assert wait_for(lambda: len(smtp_server.messages) >= 1, timeout=30)
        time.sleep(1.5)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    assert len(smtp_server.messages) == 1
    assert not unsent.exists()


def test_a_chunk_that_repeats_a_row_sends_it_once(under_review, chair):
    from editorial.tasks import send_notifications

    services.submission_approve(submission=under_review, actor=chair)
    row = Notification.objects.filter(submission=under_review).latest("pk")
    Notification.objects.filter(pk=row.pk).update(sent_at=None, claimed_at=None)
    mail.outbox.clear()
    assert send_notifications.delay([row.pk, row.pk]).get() == 1
    assert len(mail.outbox) == 1


def test_a_fresh_process_knows_the_send_task_the_outbox_names():
    """The outbox looks the task up by name (importing it would close a cycle), so the
    tasks must be registered when Django starts, before anything imports them."""
    code = (
        "import django; django.setup(); from celery import current_app; "
        "from editorial.notifications.delivery import SEND_TASK; "
        "print(SEND_TASK in current_app.tasks)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.development"},
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "True"), result.stderr
