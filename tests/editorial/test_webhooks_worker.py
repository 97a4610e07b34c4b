"""Webhooks with a real Celery worker on the real Redis broker, to a real receiver."""

import os
import signal

import pytest
from standardwebhooks.webhooks import Webhook

from editorial import services
from editorial.actions import AuditAction
from editorial.models import WebhookDelivery, WebhookEndpoint
from editorial.webhooks import delivery
from tests.realservices import manage_env, start_worker_process, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def subscribe(url):
    return WebhookEndpoint.objects.create(url=url, events=[AuditAction.SUBMISSION_APPROVE])


def test_a_real_worker_retries_after_a_500_and_a_timeout_then_delivers_once(
    under_review, chair, receiver, settings, celery_worker
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.2
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    receiver.script = [500, ("sleep", 2), 200]
    hook = subscribe(receiver.url)

    services.submission_approve(submission=under_review, actor=chair)

    row = WebhookDelivery.objects.get()
    assert wait_for(
        lambda: WebhookDelivery.objects.filter(delivered_at__isnull=False).exists(), timeout=20
    )
    row.refresh_from_db()
    assert (row.attempts, row.last_status_code, row.last_error) == (3, 200, "")
    assert receiver.ids() == [row.webhook_id] * 3
    for request in receiver.requests:
        Webhook(hook.secret).verify(request["body"], request["headers"])


def test_a_worker_killed_mid_send_leads_to_one_more_attempt_with_the_same_id(
    under_review, chair, receiver, settings
):
    from config.celery import app
    from editorial.tasks import sweep

    env = manage_env(
        CELERY_TASK_ALWAYS_EAGER="false",
        WEBHOOK_CLAIM_LEASE_SECONDS="2",
        WEBHOOK_ALLOW_LOOPBACK="true",
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.control.purge()
    settings.WEBHOOK_CLAIM_LEASE_SECONDS = 2
    receiver.script = [("sleep", 30)]
    subscribe(receiver.url)
    first = start_worker_process(env)
    second = None
    try:
        services.submission_approve(submission=under_review, actor=chair)
        assert wait_for(lambda: len(receiver.requests) == 1, timeout=30)
        os.kill(first.pid, signal.SIGKILL)  # mid-send: the receiver holds the request
        first.wait(timeout=10)
        row = WebhookDelivery.objects.get()
        assert row.claimed_at is not None and row.delivered_at is None
        assert delivery.webhook_send(row.pk) == (None, None), "the dead worker's claim holds"

        second = start_worker_process(env)
        assert wait_for(lambda: _lease_over(row), timeout=10)
        for _ in range(2):  # two sweeps: the second finds nothing left to send
            sweep.delay()
        assert wait_for(
            lambda: WebhookDelivery.objects.filter(delivered_at__isnull=False).exists(), timeout=30
        )
    finally:
        app.conf.task_always_eager = previous
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=15)
    row.refresh_from_db()
    assert receiver.ids() == [row.webhook_id] * 2
    assert row.attempts == 2 and row.last_status_code == 200


def _lease_over(row):
    from django.utils import timezone

    from editorial.webhooks.outbox import claim_lease

    row.refresh_from_db()
    return row.claimed_at is None or row.claimed_at < timezone.now() - claim_lease()
