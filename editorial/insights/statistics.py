"""The board's figures for one period, in a fixed number of queries (at most nine)
whatever the number of articles and assignments.

A sample belongs to the period, and to the month, in which it ended: a response to the
day it was given, a review to the day its decision was taken, an approval to its day, a
reader's report to the day it was first triaged. Months are calendar months in the site's
time zone. The samples come as histograms of exact durations (``samples``: the daily
roll-ups for closed days, live counts for the rest); durations are in days, median and 90th
percentile interpolated as PostgreSQL's ``percentile_cont`` does."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article
from editorial.insights.aggregates import days, weighted_percentiles
from editorial.insights.samples import period_samples, topic_filter
from editorial.models import ASSIGNMENT_OPEN_STATES, Assignment, AssignmentState, RollupMeasure
from reviewers.models import BoardMember

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


def _turnaround(measure, histogram):
    """A ``Turnaround`` from ``{seconds: samples}``."""
    median, p90 = weighted_percentiles(histogram, (0.5, 0.9)) or (None, None)
    return Turnaround(
        measure=measure, count=sum(histogram.values()), median=days(median), p90=days(p90)
    )


def _open_now(period, today, *, reviewer_ids=None):
    """Open assignments now, per reviewer: one query."""
    overdue = Q(state=AssignmentState.INVITED, response_due__lt=today) | Q(
        state=AssignmentState.ACCEPTED, review_due__lt=today
    )
    rows = Assignment.objects.filter(
        topic_filter(period.topic, "submission__article__topic"), state__in=ASSIGNMENT_OPEN_STATES
    )
    if reviewer_ids is not None:
        rows = rows.filter(reviewer_id__in=reviewer_ids)
    return list(
        rows.order_by()
        .values("reviewer_id")
        .annotate(
            open_load=Count("pk"),
            invited=Count("pk", filter=Q(state=AssignmentState.INVITED)),
            accepted=Count("pk", filter=Q(state=AssignmentState.ACCEPTED)),
            overdue=Count("pk", filter=overdue),
            escalated_open=Count("pk", filter=Q(escalated_at__isnull=False)),
        )
    )


def board_insights(period, *, today=None):
    """Every figure of the insights page for ``period`` (a ``periods.Period``)."""
    today = today or timezone.localdate()
    insights = Insights(period=period)
    rows, coverage = period_samples(period, today=today)
    insights.rolled_up_at = coverage.last_rolled_up_at if coverage.rolled_up else None
    open_rows = _open_now(period, today)
    _headline(insights, rows, open_rows)
    _turnarounds(insights, rows)
    _by_month(insights, rows)
    insights.reviewers = _reviewer_rows(rows, open_rows)
    insights.decline_reasons = _decline_reasons(rows)
    insights.horizon = re_review_horizon(period, today=today)
    return insights


def _headline(insights, rows, open_rows):
    insights.open_by_state = {
        "Invited, awaiting a response": sum(row["invited"] for row in open_rows),
        "Accepted, in review": sum(row["accepted"] for row in open_rows),
    }
    insights.overdue = sum(row["overdue"] for row in open_rows)
    insights.escalated_open = sum(row["escalated_open"] for row in open_rows)
    for row in rows:
        if row.measure == RollupMeasure.ESCALATION:
            insights.escalations_in_period += row.samples
        elif row.measure == RollupMeasure.RESPONSE:
            insights.responded += row.samples
            insights.declined += row.samples if row.declined else 0
        elif row.measure == RollupMeasure.DECISION:
            insights.completed += row.samples
            insights.reminders_for_completed += row.reminders


def _histograms(rows, key):
    """``{key(row): {seconds: samples}}`` over the rows with a duration."""
    histograms = defaultdict(Counter)
    for row in rows:
        if row.seconds is not None:
            histograms[key(row)][row.seconds] += row.samples
    return histograms


def _turnarounds(insights, rows):
    histograms = _histograms(rows, lambda row: row.measure)
    for measure in MEASURES:
        insights.turnarounds[measure.key] = _turnaround(measure, histograms.get(measure.key, {}))


def _by_month(insights, rows):
    histograms = _histograms(rows, lambda row: (row.day.replace(day=1), row.measure))
    months = sorted({month for month, _ in histograms})
    insights.months = [
        (month, {m.key: _turnaround(m, histograms.get((month, m.key), {})) for m in MEASURES})
        for month in months
    ]


def _reviewer_rows(rows, open_rows):
    """Per reviewer with an open assignment or a sample in the period: open load against
    capacity, and their response and decision times. One query, for the reviewers."""
    histograms = _histograms(
        [row for row in rows if row.reviewer_id is not None],
        lambda row: (row.reviewer_id, row.measure),
    )
    open_load = {row["reviewer_id"]: row["open_load"] for row in open_rows}
    reviewer_ids = set(open_load) | {reviewer_id for reviewer_id, _ in histograms}
    members = BoardMember.objects.in_bulk(reviewer_ids, field_name="pk")
    result = [
        ReviewerRow(
            reviewer_id=reviewer_id,
            name=members[reviewer_id].display_name,
            open_load=open_load.get(reviewer_id, 0),
            capacity=members[reviewer_id].max_open_assignments,
            responses=_turnaround(
                INVITATION_RESPONSE, histograms.get((reviewer_id, INVITATION_RESPONSE.key), {})
            ),
            decisions=_turnaround(
                ACCEPTANCE_DECISION, histograms.get((reviewer_id, ACCEPTANCE_DECISION.key), {})
            ),
        )
        for reviewer_id in reviewer_ids
    ]
    return sorted(result, key=lambda row: (row.name, row.reviewer_id))


def reviewer_rows(period, *, reviewer_ids=None, today=None):
    """Per reviewer: open load against capacity, and their response and decision times
    in ``period``."""
    today = today or timezone.localdate()
    rows, _ = period_samples(
        period,
        measures=(RollupMeasure.RESPONSE, RollupMeasure.DECISION),
        reviewer_ids=reviewer_ids,
        today=today,
    )
    return _reviewer_rows(rows, _open_now(period, today, reviewer_ids=reviewer_ids))


def _decline_reasons(rows):
    reasons = Counter()
    for row in rows:
        if row.measure == RollupMeasure.RESPONSE and row.declined:
            reasons[row.reason] += row.samples
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    return [(reason or NO_REASON, n) for reason, n in ranked[:DECLINE_REASONS_SHOWN]]


HORIZON_DAYS = (30, 60, 90)


def re_review_horizon(period, *, today=None):
    """Published articles whose next review is past due, and due within the next 30, 60
    and 90 days (each count includes the nearer ones). Independent of the period's dates."""
    today = today or timezone.localdate()
    articles = Article.objects.published().filter(topic_filter(period.topic, "topic"))
    aggregates = {"past_due": Count("pk", filter=Q(next_review_due__lt=today))}
    for within in HORIZON_DAYS:
        aggregates[f"within_{within}"] = Count(
            "pk",
            filter=Q(
                next_review_due__gte=today,
                next_review_due__lte=today + datetime.timedelta(days=within),
            ),
        )
    return articles.aggregate(**aggregates)
