"""What the insights page shows for a period: the figures' shapes, filled in by
``statistics`` (from the daily roll-ups) or ``live`` (from the rows themselves)."""

import datetime
from dataclasses import dataclass, field

from editorial.models import RollupMeasure

DECLINE_REASONS_SHOWN = 10
NO_REASON = "(no reason given)"


@dataclass(frozen=True)
class Measure:
    """One turnaround: what ends it, where it starts, and the rows it is taken over."""

    key: str
    label: str


INVITATION_RESPONSE = Measure(RollupMeasure.RESPONSE.value, "Invitation → response")
ACCEPTANCE_DECISION = Measure(RollupMeasure.DECISION.value, "Acceptance → decision")
SUBMISSION_APPROVAL = Measure(RollupMeasure.APPROVAL.value, "Submission → approval")
REPORT_TRIAGE = Measure(RollupMeasure.TRIAGE.value, "Reader report → triage")
MEASURES = (INVITATION_RESPONSE, ACCEPTANCE_DECISION, SUBMISSION_APPROVAL, REPORT_TRIAGE)


@dataclass
class Turnaround:
    measure: Measure
    count: int = 0
    median: float | None = None  # days
    p90: float | None = None


@dataclass
class ReviewerRow:
    reviewer_id: int
    name: str
    open_load: int
    capacity: int
    responses: Turnaround
    decisions: Turnaround


@dataclass
class Insights:
    period: object
    open_by_state: dict = field(default_factory=dict)  # state label -> count
    overdue: int = 0
    escalated_open: int = 0
    escalations_in_period: int = 0
    responded: int = 0
    declined: int = 0
    completed: int = 0
    reminders_for_completed: int = 0
    turnarounds: dict = field(default_factory=dict)  # measure key -> Turnaround
    months: list = field(default_factory=list)  # (first day of month, {key: Turnaround})
    reviewers: list = field(default_factory=list)
    decline_reasons: list = field(default_factory=list)  # (reason, count)
    horizon: dict = field(default_factory=dict)
    # The last sweep that wrote roll-ups (a change to an earlier day made since then counts
    # from the next sweep); None: every figure was counted live.
    rolled_up_at: datetime.datetime | None = None

    @property
    def decline_rate(self):
        """Declined invitations per invitation answered in the period; None for none."""
        return round(self.declined / self.responded, 3) if self.responded else None

    @property
    def reminders_per_completed_review(self):
        return round(self.reminders_for_completed / self.completed, 2) if self.completed else None

    @property
    def has_reviews(self):
        """Whether anything about reviews happened in the period."""
        return bool(
            self.responded
            or self.completed
            or self.turnarounds[SUBMISSION_APPROVAL.key].count
            or self.escalations_in_period
        )
