"""The process: the editorial policy, submissions with their state machine, and the
append-only, hash-chained audit log."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


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


class SubmissionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    RESUBMITTED = "resubmitted", "Resubmitted"


OPEN_STATES = (
    SubmissionState.SUBMITTED,
    SubmissionState.UNDER_REVIEW,
    SubmissionState.CHANGES_REQUESTED,
)


class SubmissionKind(models.TextChoices):
    NEW = "new", "New article"
    RESUBMISSION = "resubmission", "Resubmission after changes"
    UPDATE = "update", "Update of an approved article"
    RE_REVIEW = "re_review", "Scheduled re-review"


def _is_author(submission, user):
    return submission.article.authors.filter(pk=user.pk).exists()


def _is_author_or_chair(submission, user):
    return user.has_perm("editorial.assign_reviewers") or _is_author(submission, user)


def _can_decide(submission, user):
    return user.has_perm("editorial.decide_submission")


def _can_manage_review(submission, user):
    return user.has_perm("editorial.assign_reviewers")


class SubmissionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Submission(ConcurrentTransitionMixin, models.Model):
    """One revision sent to review. It pins the revision and its content hash; the state
    changes only through ``editorial.services``."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="submissions"
    )
    revision = models.ForeignKey(
        "articles.Revision", on_delete=models.PROTECT, related_name="submissions"
    )
    content_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(max_length=20, choices=SubmissionKind.choices)
    state = FSMField(default=SubmissionState.DRAFT, choices=SubmissionState.choices, protected=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_note = models.TextField("note to reviewers", blank=True, max_length=4000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [
            ("assign_reviewers", "Can assign reviewers and start reviews"),
            ("decide_submission", "Can approve, reject or request changes as the chair"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(state__in=OPEN_STATES),
                name="submission_one_open_per_article",
                violation_error_message="This article already has a submission in review.",
            ),
        ]
        indexes = [models.Index(fields=["state", "-submitted_at"], name="submission_state_idx")]

    def __str__(self):
        return f"{self.article.slug} r{self.revision.number} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("admin:editorial_submission_change", args=[self.pk])

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    # Transitions change in-memory state only; services lock, save, audit and notify.

    @transition(
        field=state,
        source=SubmissionState.DRAFT,
        target=SubmissionState.SUBMITTED,
        permission=_is_author_or_chair,
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=SubmissionState.SUBMITTED,
        target=SubmissionState.UNDER_REVIEW,
        permission=_can_manage_review,
    )
    def start_review(self):
        pass

    @transition(
        field=state,
        source=SubmissionState.UNDER_REVIEW,
        target=SubmissionState.CHANGES_REQUESTED,
        permission=_can_decide,
    )
    def request_changes(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=SubmissionState.CHANGES_REQUESTED,
        target=SubmissionState.RESUBMITTED,
        permission=_is_author_or_chair,
    )
    def resubmit(self):
        pass

    @transition(
        field=state,
        source=SubmissionState.UNDER_REVIEW,
        target=SubmissionState.APPROVED,
        permission=_can_decide,
    )
    def approve(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=SubmissionState.UNDER_REVIEW,
        target=SubmissionState.REJECTED,
        permission=_can_decide,
    )
    def reject(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=SubmissionState.WITHDRAWN,
        permission=_is_author_or_chair,
    )
    def withdraw(self):
        self.decided_at = timezone.now()


class AssignmentState(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


ASSIGNMENT_OPEN_STATES = (AssignmentState.INVITED, AssignmentState.ACCEPTED)


def _is_the_reviewer(assignment, user):
    return assignment.reviewer.user_id == user.pk


def _can_assign(assignment, user):
    return user.has_perm("editorial.assign_reviewers")


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=ASSIGNMENT_OPEN_STATES)

    def with_due(self):
        """Annotate ``due_on``: the response date while invited, the review date once
        accepted; and ``is_overdue`` for open assignments past it."""
        today = timezone.localdate()
        due_on = models.Case(
            models.When(state=AssignmentState.ACCEPTED, then=models.F("review_due")),
            default=models.F("response_due"),
            output_field=models.DateField(),
        )
        return self.annotate(
            due_on=due_on,
            is_overdue=models.Case(
                models.When(
                    models.Q(state__in=ASSIGNMENT_OPEN_STATES)
                    & (
                        models.Q(state=AssignmentState.INVITED, response_due__lt=today)
                        | models.Q(state=AssignmentState.ACCEPTED, review_due__lt=today)
                    ),
                    then=models.Value(True),
                ),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            models.Q(state=AssignmentState.INVITED, response_due__lt=today)
            | models.Q(state=AssignmentState.ACCEPTED, review_due__lt=today)
        )


class Assignment(ConcurrentTransitionMixin, models.Model):
    """One board member asked to review one submission. The state changes only through
    ``editorial.services``; a member has at most one open assignment per submission."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(
        "reviewers.BoardMember", on_delete=models.PROTECT, related_name="assignments"
    )
    state = FSMField(
        default=AssignmentState.INVITED, choices=AssignmentState.choices, protected=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    response_due = models.DateField(help_text="The reviewer accepts or declines by this day.")
    responded_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(
        null=True, blank=True, help_text="Set on acceptance from the editorial policy."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=500, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When overdue work was escalated to the chair."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"],
                condition=models.Q(state__in=ASSIGNMENT_OPEN_STATES),
                name="assignment_one_open_per_reviewer",
                violation_error_message="This reviewer is already assigned to this submission.",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=[AssignmentState.ACCEPTED, AssignmentState.COMPLETED])
                | models.Q(review_due__isnull=False, responded_at__isnull=False),
                name="assignment_accepted_has_review_due",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=AssignmentState.DECLINED)
                | models.Q(responded_at__isnull=False),
                name="assignment_declined_has_response",
            ),
            models.CheckConstraint(
                condition=models.Q(state=AssignmentState.COMPLETED, completed_at__isnull=False)
                | (
                    ~models.Q(state=AssignmentState.COMPLETED) & models.Q(completed_at__isnull=True)
                ),
                name="assignment_completed_at_iff_completed",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=AssignmentState.WITHDRAWN)
                | models.Q(closed_at__isnull=False),
                name="assignment_withdrawn_has_closed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "state"], name="assignment_reviewer_idx"),
            models.Index(
                fields=["response_due"],
                name="assignment_invited_due_idx",
                condition=models.Q(state=AssignmentState.INVITED),
            ),
            models.Index(
                fields=["review_due"],
                name="assignment_accepted_due_idx",
                condition=models.Q(state=AssignmentState.ACCEPTED),
            ),
        ]

    def __str__(self):
        return f"{self.reviewer.display_name} on {self.submission} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("admin:editorial_assignment_review", args=[self.pk])

    @property
    def is_open(self):
        return self.state in ASSIGNMENT_OPEN_STATES

    @property
    def due_date(self):
        return self.review_due if self.state == AssignmentState.ACCEPTED else self.response_due

    # Transitions change in-memory state only; services lock, save, audit and notify.

    @transition(
        field=state,
        source=AssignmentState.INVITED,
        target=AssignmentState.ACCEPTED,
        permission=_is_the_reviewer,
    )
    def accept(self, *, review_due):
        self.responded_at = timezone.now()
        self.review_due = review_due

    @transition(
        field=state,
        source=AssignmentState.INVITED,
        target=AssignmentState.DECLINED,
        permission=_is_the_reviewer,
    )
    def decline(self, *, reason=""):
        self.responded_at = timezone.now()
        self.close_reason = reason

    @transition(
        field=state,
        source=AssignmentState.ACCEPTED,
        target=AssignmentState.COMPLETED,
        permission=_is_the_reviewer,
    )
    def complete(self):
        self.completed_at = timezone.now()

    @transition(
        field=state,
        source=list(ASSIGNMENT_OPEN_STATES),
        target=AssignmentState.WITHDRAWN,
        permission=_can_assign,
    )
    def withdraw(self, *, reason=""):
        self.closed_at = timezone.now()
        self.close_reason = reason


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"


class Decision(models.Model):
    """How one accepted assignment ended. Written once (``editorial.services.
    assignment_decide``); it pins the revision the reviewer read."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="decision")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="decisions")
    revision = models.ForeignKey("articles.Revision", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    comment = models.TextField(
        blank=True, max_length=8000, help_text="Required unless approving. The authors read it."
    )
    confirmed_no_conflict = models.BooleanField(
        "I confirm I have no conflict of interest with this article"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_no_conflict=True), name="decision_confirms_no_conflict"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome=DecisionOutcome.APPROVE) | ~models.Q(comment=""),
                name="decision_comment_unless_approve",
            ),
        ]
        indexes = [models.Index(fields=["submission", "outcome"], name="decision_submission_idx")]

    def __str__(self):
        return f"{self.get_outcome_display()} by {self.assignment.reviewer.display_name}"


GENESIS_HASH = "0" * 64


class AuditQuerySet(models.QuerySet):
    """Refuses bulk changes; PostgreSQL's trigger refuses them too (and raw SQL)."""

    def update(self, **kwargs):
        raise AuditLogImmutable("The audit log is append-only.")

    def delete(self):
        raise AuditLogImmutable("The audit log is append-only.")


class AuditLogImmutable(Exception):  # noqa: N818
    pass


class AuditEntry(models.Model):
    """One line of the append-only audit log. Each entry carries the hash of its
    predecessor, so a changed, removed or forged entry breaks the chain
    (``manage.py verify_audit``)."""

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the system (sweeps, scheduled re-review).",
    )
    actor_label = models.CharField(max_length=200, editable=False)
    action = models.CharField(max_length=60, editable=False)
    target_type = models.CharField(max_length=60, editable=False)
    target_id = models.PositiveBigIntegerField(editable=False)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=True,
    )
    from_state = models.CharField(max_length=30, blank=True, editable=False)
    to_state = models.CharField(max_length=30, blank=True, editable=False)
    comment = models.TextField(blank=True, editable=False)
    data = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["article", "-sequence"], name="audit_article_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("Audit entries cannot be deleted.")

    def clean(self):
        raise ValidationError("Audit entries are written by the editorial services only.")

    def hashed_fields(self):
        return {
            "sequence": self.sequence,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "article_id": self.article_id,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "comment": self.comment,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self):
        canonical = json.dumps(
            self.hashed_fields(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class NotificationKind(models.TextChoices):
    EVENT = "event", "Workflow event"
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"
    RE_REVIEW = "re_review", "Re-review due"
    DIGEST = "digest", "Daily digest"


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True, superseded=False)


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
    superseded = models.BooleanField(
        default=False,
        help_text="Claimed but not sent: a newer reminder to the same person fell due at the "
        "same sweep (after sweeps were missed), and only the newest is sent.",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=models.Q(sent_at__isnull=True, superseded=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to_email}: {self.subject}"
