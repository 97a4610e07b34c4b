"""API keys for partners. Public data never needs one: a key raises the rate limit."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX = "imp_"


def hash_key(raw_key):
    """Keys are 256-bit random strings: a plain SHA-256 is enough to keep them unusable
    if the table leaks (a slow password hash protects guessable secrets, not these)."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A partner's key, stored as its hash: the key itself is shown once, when created."""

    name = models.CharField(max_length=120, help_text="Who uses this key, e.g. the partner.")
    prefix = models.CharField(
        max_length=12, unique=True, editable=False, help_text="Identifies the key in logs."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name, created_by):
        """A new key and its one-time plain text: ``(api_key, raw_key)``."""
        prefix = secrets.token_hex(4)
        raw_key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        key = cls.objects.create(
            name=name, prefix=prefix, key_hash=hash_key(raw_key), created_by=created_by
        )
        return key, raw_key

    @property
    def is_revoked(self):
        return self.revoked_at is not None
