"""The board's figures for one period, in a fixed number of queries whatever the number of
articles and assignments: from the daily roll-ups when they save work, else from the rows
themselves (``live``).

A sample belongs to the period, and to the month, in which it ended: a response to the
day it was given, a review to the day its decision was taken, an approval to its day, a
reader's report to the day it was first triaged. Months are calendar months in the site's
time zone. The samples come as histograms of exact durations (``samples``: the daily
roll-ups for closed days, live counts for the rest); durations are in days, median and 90th
percentile interpolated as PostgreSQL's ``percentile_cont`` does."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article
from editorial.insights.aggregates import days, weighted_percentiles
from editorial.insights.figures import (
    ACCEPTANCE_DECISION,
    DECLINE_REASONS_SHOWN,
    INVITATION_RESPONSE,
    MEASURES,
    NO_REASON,
    Insights,
    ReviewerRow,
    Turnaround,
)
from editorial.insights.live import live_insights
from editorial.insights.samples import coverage_of, period_samples, topic_filter
from editorial.models import ASSIGNMENT_OPEN_STATES, Assignment, AssignmentState, RollupMeasure
from reviewers.models import BoardMember


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
    found = coverage_of(period, today=today)
    if not found.worth_reading:
        insights = live_insights(period, today=today)
        insights.horizon = re_review_horizon(period, today=today)
        return insights
    insights = Insights(period=period, rolled_up_at=found.last_rolled_up_at)
    rows = period_samples(period, found)
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
    rows = period_samples(
        period,
        coverage_of(period, today=today),
        measures=(RollupMeasure.RESPONSE, RollupMeasure.DECISION),
        reviewer_ids=reviewer_ids,
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
