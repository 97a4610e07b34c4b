"""Secret calendar links: one per person, kept as a hash (the link is shown once, when
issued; issuing a new one ends the old)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def _hash(raw_token):
    return hashlib.sha256(raw_token.encode()).hexdigest()


class CalendarToken(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "calendar link"

    def __str__(self):
        return f"Calendar link of {self.user} (issued {self.issued_at:%Y-%m-%d})"

    @classmethod
    def issue(cls, user):
        """A new secret for ``user``'s calendar links; the previous one stops working."""
        raw_token = secrets.token_urlsafe(24)
        cls.objects.update_or_create(
            user=user, defaults={"token_hash": _hash(raw_token), "issued_at": timezone.now()}
        )
        return raw_token

    @classmethod
    def holder(cls, raw_token):
        """The active user whose link this is, or None."""
        token = (
            cls.objects.select_related("user")
            .filter(token_hash=_hash(raw_token), user__is_active=True)
            .first()
        )
        return token.user if token is not None else None
