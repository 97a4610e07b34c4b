"""The board's figures for one period counted from the rows themselves, aggregated by the
database in a fixed number of queries: PostgreSQL sorts the samples for its
``percentile_cont``. ``statistics`` takes this way when the daily roll-ups would not save
work: before the sweep has rolled the period up, for a topic, and when the roll-ups hold
about as many rows as samples (every duration different, as real timestamps make them)."""

from django.db.models import Count, Q
from django.db.models.functions import Trim, TruncMonth
from django.utils import timezone

from articles.models import Feedback, FeedbackKind, FeedbackStatus
from editorial.insights.aggregates import Percentiles, days, elapsed
from editorial.insights.figures import (
    ACCEPTANCE_DECISION,
    DECLINE_REASONS_SHOWN,
    INVITATION_RESPONSE,
    MEASURES,
    NO_REASON,
    REPORT_TRIAGE,
    SUBMISSION_APPROVAL,
    Insights,
    ReviewerRow,
    Turnaround,
)
from editorial.models import (
    ASSIGNMENT_OPEN_STATES,
    Assignment,
    AssignmentState,
    Notification,
    NotificationKind,
    Submission,
    SubmissionState,
)
from reviewers.models import BoardMember


def _during(name, period):
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


def _stats(duration, condition=None):
    """count, median and p90 aggregates of ``duration`` over the rows matching
    ``condition``, keyed ``n``, ``median``, ``p90``."""
    return {
        "n": Count("pk", filter=condition),
        "percentiles": Percentiles(duration, (0.5, 0.9), filter=condition),
    }


def _prefixed(prefix, aggregates):
    return {f"{prefix}_{name}": value for name, value in aggregates.items()}


def _turnaround(measure, row, prefix=""):
    get = (lambda name: row[f"{prefix}_{name}"]) if prefix else row.__getitem__
    median, p90 = get("percentiles") or (None, None)
    return Turnaround(measure=measure, count=get("n"), median=days(median), p90=days(p90))


def _topic_filter(period, path):
    return Q(**{path: period.topic}) if period.topic is not None else Q()


RESPONSE_TIME = elapsed("responded_at", "invited_at")
DECISION_TIME = elapsed("completed_at", "responded_at")
APPROVAL_TIME = elapsed("decided_at", "submitted_at")
TRIAGE_TIME = elapsed("triaged_at", "created_at")


def _assignments(period):
    return Assignment.objects.filter(_topic_filter(period, "submission__article__topic"))


def _approvals(period):
    return Submission.objects.filter(
        _topic_filter(period, "article__topic"),
        state=SubmissionState.APPROVED,
        decided_at__isnull=False,
    )


def _triaged_reports(period):
    return Feedback.objects.filter(
        _topic_filter(period, "article__topic"), kind=FeedbackKind.ERROR, triaged_at__isnull=False
    ).exclude(status=FeedbackStatus.NEW)


def live_insights(period, *, today):
    """Every figure of ``period`` but the re-review horizon, aggregated by the database from
    the rows themselves in eleven queries, the percentiles by ``percentile_cont``."""
    insights = Insights(period=period)
    _headline(insights, period, today)
    _turnarounds(insights, period)
    _by_month(insights, period)
    insights.reviewers = reviewer_rows(period)
    insights.decline_reasons = _decline_reasons(period)
    insights.reminders_for_completed = _reminders_for_completed(period)
    return insights


def _headline(insights, period, today):
    responded = _during("responded_at", period)
    completed = Q(state=AssignmentState.COMPLETED) & _during("completed_at", period)
    open_now = Q(state__in=ASSIGNMENT_OPEN_STATES)
    overdue = Q(state=AssignmentState.INVITED, response_due__lt=today) | Q(
        state=AssignmentState.ACCEPTED, review_due__lt=today
    )
    row = _assignments(period).aggregate(
        invited=Count("pk", filter=Q(state=AssignmentState.INVITED)),
        accepted=Count("pk", filter=Q(state=AssignmentState.ACCEPTED)),
        overdue=Count("pk", filter=overdue),
        escalated_open=Count("pk", filter=open_now & Q(escalated_at__isnull=False)),
        escalations=Count("pk", filter=_during("escalated_at", period)),
        responded=Count("pk", filter=responded),
        declined=Count("pk", filter=responded & Q(state=AssignmentState.DECLINED)),
        **_prefixed("response", _stats(RESPONSE_TIME, responded)),
        **_prefixed("decision", _stats(DECISION_TIME, completed)),
    )
    insights.open_by_state = {
        "Invited, awaiting a response": row["invited"],
        "Accepted, in review": row["accepted"],
    }
    insights.overdue = row["overdue"]
    insights.escalated_open = row["escalated_open"]
    insights.escalations_in_period = row["escalations"]
    insights.responded = row["responded"]
    insights.declined = row["declined"]
    insights.completed = row["decision_n"]
    insights.turnarounds[INVITATION_RESPONSE.key] = _turnaround(
        INVITATION_RESPONSE, row, "response"
    )
    insights.turnarounds[ACCEPTANCE_DECISION.key] = _turnaround(
        ACCEPTANCE_DECISION, row, "decision"
    )


def _turnarounds(insights, period):
    approvals = _approvals(period).filter(_during("decided_at", period))
    insights.turnarounds[SUBMISSION_APPROVAL.key] = _turnaround(
        SUBMISSION_APPROVAL, approvals.aggregate(**_stats(APPROVAL_TIME))
    )
    triaged = _triaged_reports(period).filter(_during("triaged_at", period))
    insights.turnarounds[REPORT_TRIAGE.key] = _turnaround(
        REPORT_TRIAGE, triaged.aggregate(**_stats(TRIAGE_TIME))
    )


def _by_month(insights, period):
    sources = [
        (
            INVITATION_RESPONSE,
            _assignments(period).filter(_during("responded_at", period)),
            "responded_at",
            RESPONSE_TIME,
        ),
        (
            ACCEPTANCE_DECISION,
            _assignments(period).filter(
                _during("completed_at", period), state=AssignmentState.COMPLETED
            ),
            "completed_at",
            DECISION_TIME,
        ),
        (
            SUBMISSION_APPROVAL,
            _approvals(period).filter(_during("decided_at", period)),
            "decided_at",
            APPROVAL_TIME,
        ),
        (
            REPORT_TRIAGE,
            _triaged_reports(period).filter(_during("triaged_at", period)),
            "triaged_at",
            TRIAGE_TIME,
        ),
    ]
    months = {}
    for measure, rows, ended, duration in sources:
        grouped = (
            rows.annotate(month=TruncMonth(ended))
            .order_by()
            .values("month")
            .annotate(**_stats(duration))
        )
        for row in grouped:
            month = timezone.localtime(row["month"]).date()
            months.setdefault(month, {})[measure.key] = _turnaround(measure, row)
    insights.months = [
        (month, {m.key: months[month].get(m.key, Turnaround(m)) for m in MEASURES})
        for month in sorted(months)
    ]


def reviewer_rows(period, *, reviewer_ids=None):
    """Per reviewer: open load against capacity, and their response and decision times
    in ``period``. Two queries: the figures grouped by reviewer id alone (grouping by
    joined columns costs a wider sort), then the reviewers' names and capacities."""
    responded = _during("responded_at", period)
    completed = Q(state=AssignmentState.COMPLETED) & _during("completed_at", period)
    open_now = Q(state__in=ASSIGNMENT_OPEN_STATES)
    rows = _assignments(period).filter(responded | completed | open_now)
    if reviewer_ids is not None:
        rows = rows.filter(reviewer_id__in=reviewer_ids)
    grouped = list(
        rows.order_by()
        .values("reviewer_id")
        .annotate(
            open_load=Count("pk", filter=open_now),
            **_prefixed("response", _stats(RESPONSE_TIME, responded)),
            **_prefixed("decision", _stats(DECISION_TIME, completed)),
        )
    )
    members = BoardMember.objects.in_bulk([row["reviewer_id"] for row in grouped], field_name="pk")
    result = [
        ReviewerRow(
            reviewer_id=row["reviewer_id"],
            name=members[row["reviewer_id"]].display_name,
            open_load=row["open_load"],
            capacity=members[row["reviewer_id"]].max_open_assignments,
            responses=_turnaround(INVITATION_RESPONSE, row, "response"),
            decisions=_turnaround(ACCEPTANCE_DECISION, row, "decision"),
        )
        for row in grouped
    ]
    return sorted(result, key=lambda row: (row.name, row.reviewer_id))


def _decline_reasons(period):
    rows = (
        _assignments(period)
        .filter(_during("responded_at", period), state=AssignmentState.DECLINED)
        .annotate(reason=Trim("close_reason"))
        .order_by()
        .values("reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "reason")[:DECLINE_REASONS_SHOWN]
    )
    return [(row["reason"] or NO_REASON, row["n"]) for row in rows]


def _reminders_for_completed(period):
    """Reminders sent about the reviews completed in ``period``."""
    return Notification.objects.filter(
        kind=NotificationKind.REMINDER,
        assignment__in=_assignments(period).filter(
            _during("completed_at", period), state=AssignmentState.COMPLETED
        ),
    ).count()
