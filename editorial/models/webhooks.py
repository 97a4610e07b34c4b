"""Outbound webhooks: endpoints the chair registers, and one outbox row per event and
endpoint, written in the transaction of the audited change (``editorial.webhooks``)."""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from editorial.actions import AuditAction

SECRET_PREFIX = "whsec_"


def new_secret():
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    url = models.URLField("URL", max_length=500, help_text="https only; no redirects followed.")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Audit actions this endpoint receives.")
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField("active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["url"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.url

    def receives(self, action):
        return AuditAction(action).value in self.events


class WebhookDeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(delivered_at__isnull=True, failed_at__isnull=True)


class WebhookDelivery(models.Model):
    """One event for one endpoint. ``webhook_id`` names the event (the same on every
    attempt and for every endpoint): receivers use it to process each event once."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The audit entry's sequence, not a foreign key: the append-only log must stay
    # truncation-proof, and nothing may reference it in a way that could block that.
    event_sequence = models.PositiveBigIntegerField(editable=False)
    webhook_id = models.CharField(max_length=40, editable=False)
    event_type = models.CharField(max_length=60, choices=AuditAction.choices, editable=False)
    body = models.TextField(editable=False, help_text="The JSON sent, byte for byte.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Given up: still failing a day after the event."
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_sequence"], name="webhook_one_delivery_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=models.Q(delivered_at__isnull=True, failed_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint}"
