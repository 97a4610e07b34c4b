"""Assignments of board members to submissions, and their decisions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from editorial.models.submissions import Submission


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


def due_on_expression():
    """The date an assignment is due: the response date while invited, the review date
    once accepted. The lists sort by it, so ``assignment_due_on_idx`` indexes exactly this
    expression (PostgreSQL uses an expression index only for the same expression)."""
    return models.Case(
        models.When(state=AssignmentState.ACCEPTED, then=models.F("review_due")),
        default=models.F("response_due"),
        output_field=models.DateField(),
    )


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=ASSIGNMENT_OPEN_STATES)

    def with_due(self):
        """Annotate ``due_on``: the response date while invited, the review date once
        accepted; and ``is_overdue`` for open assignments past it."""
        today = timezone.localdate()
        return self.annotate(
            due_on=due_on_expression(),
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
    invitation_message = models.TextField(
        blank=True,
        max_length=2000,
        help_text="The chair's note to the reviewer, sent with the invitation.",
    )
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
            # Covering the insights' open-now figures (editorial.insights.statistics
            # ._open_now): each open assignment's reviewer and what it is counted by,
            # read from the index alone.
            models.Index(
                fields=["reviewer"],
                include=["state", "response_due", "review_due", "escalated_at"],
                name="assignment_open_figures_idx",
                condition=models.Q(state__in=ASSIGNMENT_OPEN_STATES),
            ),
            # Covering the board view's load and median turnaround per member, so those
            # are read from the index alone (editorial.suggestions._member_figures).
            models.Index(
                fields=["reviewer", "state"],
                include=["responded_at", "completed_at"],
                name="assignment_reviewer_idx",
            ),
            # A member's most recent reviews, newest first (their median turnaround:
            # editorial.suggestions.RECENT_REVIEWS).
            models.Index(
                fields=["reviewer", "-completed_at"],
                name="assignment_recent_review_idx",
                condition=models.Q(state=AssignmentState.COMPLETED),
            ),
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
            # The insights count today's responses, reviews and escalations live.
            models.Index(
                fields=["responded_at"],
                name="assignment_responded_idx",
                condition=models.Q(responded_at__isnull=False),
            ),
            models.Index(
                fields=["completed_at"],
                name="assignment_completed_idx",
                condition=models.Q(completed_at__isnull=False),
            ),
            models.Index(
                fields=["escalated_at"],
                name="assignment_escalated_idx",
                condition=models.Q(escalated_at__isnull=False),
            ),
            # The board view's count of open reviews escalated to the chair, from the index
            # alone (escalations stay on closed assignments: the index above grows forever).
            models.Index(
                fields=["escalated_at"],
                name="assignment_escalated_open_idx",
                condition=models.Q(escalated_at__isnull=False, state__in=ASSIGNMENT_OPEN_STATES),
            ),
            # The chair's lists (all open, every assignment): ordered by due date, then id.
            models.Index(due_on_expression(), models.F("id"), name="assignment_due_on_idx"),
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
    confidential_comment = models.TextField(
        blank=True,
        max_length=8000,
        help_text="For the chair alone: never shown to authors or readers, never in the "
        "public review record, webhooks, the API or emails.",
    )
    checked_references = models.JSONField(
        default=list,
        blank=True,
        help_text="Positions of the references of the revision the reviewer marked as checked.",
    )
    confirmed_no_conflict = models.BooleanField(
        "I confirm I have no conflict of interest with this article"
    )
    literature_current_through = models.DateField(
        null=True,
        blank=True,
        help_text="An approval's statement of how recent the literature checked is.",
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
        indexes = [
            models.Index(fields=["submission", "outcome"], name="decision_submission_idx"),
            # The decision changelist's order (the admin adds -id).
            models.Index(fields=["-created_at", "-id"], name="decision_newest_idx"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} by {self.assignment.reviewer.display_name}"

    def checked_references_label(self, reference_count=None):
        """ "checked 4 of 6 references" (one query unless ``reference_count`` is given)."""
        if reference_count is None:
            reference_count = self.revision.references.count()
        if not reference_count:
            return "the revision cites no references"
        noun = "reference" if reference_count == 1 else "references"
        return f"checked {len(self.checked_references or [])} of {reference_count} {noun}"
