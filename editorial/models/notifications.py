"""The outbox: every email, written in the transaction of the change that causes it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from editorial.models.submissions import Submission


class NotificationKind(models.TextChoices):
    EVENT = "event", "Workflow event"
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"
    RE_REVIEW = "re_review", "Re-review due"
    DIGEST = "digest", "Daily digest"


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True, superseded=False, failed_at__isnull=True)

    def failed(self):
        return self.filter(failed_at__isnull=False)


class Notification(models.Model):
    """The outbox. A notification is written in the transaction of the change it reports,
    so nothing is lost if the broker is down; a task sends it after commit, and the sweep
    re-sends any row still unsent after a grace period. ``dedupe_key`` is unique: it is the
    claim that makes each reminder (assignment, kind, sequence) exist, and so go out, once."""

    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    link = models.URLField(max_length=500, blank=True)
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    assignment = models.ForeignKey(
        "Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    failed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Given up: the error was permanent, or sending failed "
        "NOTIFICATION_MAX_ATTEMPTS times. The reason is the last error; never re-queued.",
    )
    superseded = models.BooleanField(
        default=False,
        help_text="Claimed but not sent: a newer reminder to the same person fell due at the "
        "same sweep (after sweeps were missed), and only the newest is sent.",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The outbox changelist's order (the admin adds -id): no sort of every row.
            models.Index(fields=["-created_at", "-id"], name="notification_newest_idx"),
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=models.Q(sent_at__isnull=True, superseded=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to_email}: {self.subject}"
