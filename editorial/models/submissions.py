"""Submissions: one revision put to the board, carrying the review state machine."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


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
# A submission in these states can be given reviewers (leaving them closes assignments);
# its content is with the board and must not change.
REVIEWABLE_STATES = (SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW)


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
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system opened it (a scheduled re-review).",
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
        indexes = [
            models.Index(fields=["state", "-submitted_at"], name="submission_state_idx"),
            # The insights count today's approvals live.
            models.Index(
                fields=["decided_at"],
                name="submission_approved_idx",
                condition=models.Q(state=SubmissionState.APPROVED),
            ),
            # The submission changelist's order (the admin adds -id).
            models.Index(fields=["-submitted_at", "-id"], name="submission_newest_idx"),
            # The submissions in review, oldest first, from the index alone: the board
            # view's pages (page 500 skips 10,000 index entries instead of sorting 20,000
            # rows) and its count of those that need reviewers (their ids).
            models.Index(
                fields=["submitted_at", "id"],
                name="submission_reviewable_idx",
                condition=models.Q(state__in=REVIEWABLE_STATES),
            ),
        ]

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
