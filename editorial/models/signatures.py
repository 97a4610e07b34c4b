"""Electronic signatures on decisions, in the spirit of 21 CFR Part 11 (§11.50, §11.200):
the signer re-enters their password; the record shows the printed name, credentials, the
date and time with its zone and the meaning of the signature, bound to the content hash of
the revision signed. Written once, in the transaction of the decision it signs."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone


class SignatureMeaning(models.TextChoices):
    APPROVE = "approve", "Approved as medically accurate"
    REQUEST_CHANGES = "request_changes", "Requested changes"
    REJECT = "reject", "Recommended rejection"
    CONFIRM_REJECT = "confirm_reject", "Rejected, confirming the board's recommendation"
    OVERRIDE_APPROVE = "override_approve", "Approved by the chair, overriding the board's quorum"
    OVERRIDE_REJECT = "override_reject", "Rejected by the chair, overriding the board"


class Signature(models.Model):
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=200, blank=True)
    meaning = models.CharField(max_length=30, choices=SignatureMeaning.choices)
    signed_at = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(max_length=64, help_text="The zone the time is shown in.")
    submission = models.ForeignKey(
        "editorial.Submission", on_delete=models.PROTECT, related_name="signatures"
    )
    revision = models.ForeignKey("articles.Revision", on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    decision = models.OneToOneField(
        "editorial.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signature",
    )

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [
            models.Index(fields=["submission", "signed_at"], name="signature_submission_idx"),
            models.Index(fields=["signer", "-signed_at"], name="signature_signer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meaning__in=SignatureMeaning.values),
                name="signature_meaning_valid",
            ),
            models.CheckConstraint(condition=~models.Q(content_hash=""), name="signature_bound"),
        ]

    def __str__(self):
        return self.manifestation

    @property
    def local_signed_at(self):
        return timezone.localtime(self.signed_at, zoneinfo.ZoneInfo(self.time_zone))

    @property
    def printed_signer(self):
        return f"{self.printed_name}, {self.credentials}" if self.credentials else self.printed_name

    @property
    def manifestation(self):
        """The signature as people read it: name, credentials, date and time with zone,
        meaning, and what was signed."""
        when = self.local_signed_at.strftime("%Y-%m-%d %H:%M %Z")
        return (
            f"{self.printed_signer} — {when} — {self.get_meaning_display()} — "
            f"revision {self.revision.number}, content SHA-256 {self.content_hash[:12]}…"
        )

    def as_record(self):
        """Plain data for the signed review record."""
        return {
            "signer": self.printed_name,
            "credentials": self.credentials,
            "meaning": self.get_meaning_display(),
            "meaning_code": self.meaning,
            "signed_at": self.local_signed_at.isoformat(),
            "time_zone": self.time_zone,
            "content_hash": self.content_hash,
            "revision": self.revision.number,
        }
