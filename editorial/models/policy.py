"""The editorial policy: one row the chair edits in the admin."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class EditorialPolicy(models.Model):
    """The one row of editorial policy, editable by the chair in the admin."""

    quorum = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text="Approvals needed, with no open change request, to approve a submission.",
    )
    invitation_response_days = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    review_due_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Days from acceptance until the review is due.",
    )
    reminder_days_before_due = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(30)]
    )
    remind_on_due_day = models.BooleanField(default=True)
    overdue_reminder_interval_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    overdue_reminder_max = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(20)],
        help_text="Overdue reminders before the work is escalated to the chair.",
    )
    re_review_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Approved articles are due for re-review after this many months.",
    )
    publish_pending = models.BooleanField(
        "publish pending articles with a banner",
        default=False,
        help_text="Show submitted articles to readers, marked pending review and noindex.",
    )
    policy_text = models.TextField(
        "editorial policy (Markdown)", blank=True, help_text="Shown at /editorial-policy/."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "editorial policy"
        verbose_name_plural = "editorial policy"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="policy_singleton")]

    def __str__(self):
        return "Editorial policy"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy

    @classmethod
    def public_facts(cls):
        """What the reader pages show of the policy (``articles.selectors`` caches it)."""
        policy = cls.load()
        return {
            "publish_pending": policy.publish_pending,
            "policy_text": policy.policy_text,
            "quorum": policy.quorum,
            "re_review_months": policy.re_review_months,
            "updated_at": policy.updated_at,
        }
