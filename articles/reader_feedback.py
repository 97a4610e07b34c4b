"""Readers' follow-up questions and error reports, which the chair triages. A model of
``articles``, kept in a module of its own (``articles.models`` re-exports it)."""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone


class FeedbackKind(models.TextChoices):
    QUESTION = "question", "Follow-up question"
    ERROR = "error", "Possible error"


class FeedbackStatus(models.TextChoices):
    NEW = "new", "New"
    VALID = "valid", "Valid: needs action"
    INVALID = "invalid", "Not valid"
    ANSWERED = "answered", "Answered or fixed"


FEEDBACK_MESSAGE_MAX = 2000


class Feedback(models.Model):
    """A reader's follow-up question or error report on the revision they read. The chair
    triages it in the admin. No IP address is kept: rate limiting uses the cache only."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="feedback"
    )
    revision = models.ForeignKey(
        "articles.Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=FeedbackKind.choices)
    message = models.TextField(max_length=FEEDBACK_MESSAGE_MAX)
    email = models.EmailField(blank=True, help_text="Optional: only to answer the reader.")
    audience = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    chair_note = models.TextField("editor's note", blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # When it was first triaged (its status first left "new"); later edits never move it.
    triaged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        app_label = "articles"
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["status", "-created_at"], name="feedback_triage_idx"),
            models.Index(
                fields=["triaged_at"],
                name="feedback_triaged_at_idx",
                condition=models.Q(triaged_at__isnull=False),
            ),
            # The feedback changelist's order (the admin adds -id).
            models.Index(fields=["-created_at", "-id"], name="feedback_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FeedbackKind.values), name="feedback_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FeedbackStatus.values), name="feedback_status_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("message"), FEEDBACK_MESSAGE_MAX),
                name="feedback_message_length",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article.slug} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        """Stamps ``triaged_at`` the first time the status leaves "new", whoever saves it
        (the triage service, the admin's actions, the change form)."""
        if self.status != FeedbackStatus.NEW and self.triaged_at is None:
            self.triaged_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "triaged_at" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "triaged_at"]
        super().save(*args, **kwargs)
