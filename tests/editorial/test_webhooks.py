"""Outbound webhooks: written with the change, signed, sent after commit to a real
receiver on loopback, retried, never sent to private addresses."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from editorial import services
from editorial.actions import AuditAction
from editorial.errors import TransitionNotAllowed
from editorial.models import WebhookDelivery, WebhookEndpoint
from editorial.sweep import run_sweep
from editorial.webhooks import delivery

APPROVE = AuditAction.SUBMISSION_APPROVE


@pytest.fixture
def approve(chair, django_capture_on_commit_callbacks):
    """Approve and commit: the on-commit queueing runs (tasks are eager here)."""

    def approve(submission):
        with django_capture_on_commit_callbacks(execute=True):
            services.submission_approve(submission=submission, actor=chair)

    return approve


def endpoint(url, events=(APPROVE,)):
    return WebhookEndpoint.objects.create(url=url, events=[str(e) for e in events])


def test_the_delivery_is_written_in_the_transaction_and_sent_after_commit(
    under_review, chair, receiver, django_capture_on_commit_callbacks
):
    hook = endpoint(receiver.url)
    endpoint(receiver.url, events=[AuditAction.SUBMISSION_REJECT])  # not subscribed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submission_approve(submission=under_review, actor=chair)
        row = WebhookDelivery.objects.get()
        assert row.endpoint == hook and row.delivered_at is None
    assert receiver.requests == []
    for callback in callbacks:
        callback()

    row.refresh_from_db()
    assert row.delivered_at is not None
    assert (row.last_status_code, row.attempts) == (200, 1)
    assert row.last_duration_ms is not None
    [request] = receiver.requests
    payload = json.loads(request["body"])
    assert payload["type"] == "submission.approve"
    assert payload["data"]["article"]["slug"] == under_review.article.slug
    assert request["headers"]["webhook-id"] == payload["id"] == row.webhook_id
    # An independent implementation of Standard Webhooks accepts our signature.
    assert Webhook(hook.secret).verify(request["body"], request["headers"]) == payload


def test_a_forged_or_stale_signature_does_not_verify(under_review, approve, receiver):
    hook = endpoint(receiver.url)
    approve(under_review)
    [request] = receiver.requests
    headers = request["headers"]
    with pytest.raises(Exception, match="signature"):
        Webhook(hook.secret).verify(request["body"] + b" ", headers)
    stale = {**headers, "webhook-timestamp": str(int(timezone.now().timestamp()) - 3600)}
    with pytest.raises(Exception, match="too old"):
        Webhook(hook.secret).verify(request["body"], stale)


def test_a_refused_change_leaves_no_delivery(under_review, chair, receiver):
    endpoint(receiver.url)
    services.submission_reject(submission=under_review, actor=chair, comment="No.")
    with pytest.raises(TransitionNotAllowed):
        services.submission_approve(submission=under_review, actor=chair)
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def test_failures_are_retried_with_backoff_and_given_up_after_a_day(
    under_review, chair, receiver, approve, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.script = [500, 500]
    hook = endpoint(receiver.url)
    approve(under_review)
    row = WebhookDelivery.objects.get(endpoint=hook)
    assert (row.attempts, row.last_status_code, row.last_error) == (1, 500, "HTTP 500")
    assert row.next_attempt_at == pytest.approx(
        timezone.now() + timedelta(seconds=30), abs=timedelta(seconds=5)
    )
    assert delivery.backoff(2) == timedelta(minutes=2)
    assert delivery.backoff(9) == timedelta(hours=6)

    assert delivery.webhook_send(row.pk) == (None, None), "not due yet"
    later = row.next_attempt_at + timedelta(seconds=1)
    assert run_sweep(now=later).webhooks_queued == [row.pk]

    # A day after the event, a failure is final.
    WebhookDelivery.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now(), created_at=timezone.now() - timedelta(hours=23, minutes=59)
    )
    assert delivery.webhook_send(row.pk)[0] == "failed"
    row.refresh_from_db()
    assert row.failed_at is not None and row.delivered_at is None
    assert len(receiver.requests) == 2


def test_a_redirect_is_not_followed(under_review, chair, receiver, approve):
    receiver.script = [302]
    endpoint(receiver.url)
    approve(under_review)
    row = WebhookDelivery.objects.get()
    assert row.last_error == "HTTP 302 (redirects are not followed)"
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://10.1.2.3/hook", "private address"),
        ("https://169.254.169.254/latest/meta-data", "link-local address"),
        ("https://192.168.0.10/hook", "private address"),
        ("https://127.0.0.1/hook", "loopback address"),
        ("https://localhost/hook", "is a loopback address"),
        ("https://[::1]/hook", "loopback address"),
        ("https://[::ffff:10.0.0.1]/hook", "private address"),
        ("ftp://example.org/hook", "must start with https://"),
        ("https://user:pw@example.org/hook", "no user name or password"),
    ],
)
def test_private_addresses_are_refused_at_registration_in_production(
    client, chair, settings, url, says
):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    client.force_login(chair)
    response = client.post(
        reverse("admin:editorial_webhookendpoint_add"),
        {"url": url, "events": [APPROVE], "is_active": "on"},
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_that_now_leads_to_a_private_address_is_refused_at_delivery(
    under_review, chair, receiver, approve, settings
):
    hook = endpoint(receiver.url)  # registered while loopback was allowed
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    approve(under_review)
    row = WebhookDelivery.objects.get(endpoint=hook)
    assert row.last_error.startswith("Refused: 127.0.0.1 is a loopback address:")
    assert receiver.requests == []


def test_the_chair_registers_an_endpoint_and_reads_its_deliveries(
    client, chair, receiver, approve, under_review
):
    client.force_login(chair)
    response = client.post(
        reverse("admin:editorial_webhookendpoint_add"),
        {"url": receiver.url, "events": [APPROVE], "is_active": "on", "description": "CMS"},
    )
    assert response.status_code == 302
    hook = WebhookEndpoint.objects.get()
    assert hook.secret.startswith("whsec_") and hook.created_by == chair
    approve(under_review)
    page = client.get(reverse("admin:editorial_webhookdelivery_changelist")).content.decode()
    assert "submission.approve" in page or "Approved and published" in page
    assert "delivered" in page


def test_a_reviewer_cannot_see_the_webhooks(client, members):
    client.force_login(members[0].user)
    assert client.get(reverse("admin:editorial_webhookendpoint_changelist")).status_code == 403
    assert client.get(reverse("admin:editorial_webhookdelivery_changelist")).status_code == 403


def test_the_readmes_ten_lines_of_python_verify_a_real_delivery(under_review, approve, receiver):
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("## Webhooks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(code, namespace)  # noqa: S102 - our own README
    hook = endpoint(receiver.url)
    approve(under_review)
    [request] = receiver.requests
    headers = {name.lower(): value for name, value in request["headers"].items()}
    verify = namespace["verify"]
    assert verify(hook.secret, headers, request["body"])
    assert not verify(hook.secret, headers, request["body"] + b" ")
    assert not verify(endpoint(receiver.url).secret, headers, request["body"])
