"""The board's figures for one period, in a fixed number of queries whatever the number of
articles and assignments.

A sample belongs to the period, and to the month, in which it ended: a response to the
day it was given, a review to the day its decision was taken, an approval to its day, a
reader's report to the day it was first triaged. Months are calendar months in the site's
time zone. Every turnaround figure comes from one statement over the period's samples
(``grouped``: the daily roll-ups for closed days, the source rows for the rest); durations
are in days, median and 90th percentile interpolated by PostgreSQL's ``percentile_cont``
over the exact durations."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article
from editorial.insights.aggregates import days
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
from editorial.insights.grouped import Group, grouped_samples
from editorial.insights.samples import coverage_of, topic_filter
from editorial.models import ASSIGNMENT_OPEN_STATES, Assignment, AssignmentState, RollupMeasure
from reviewers.models import BoardMember


def _turnaround(measure, group):
    """A ``Turnaround`` from a ``grouped.Group`` (None: no samples)."""
    group = group or Group()
    median, p90 = group.percentiles or (None, None)
    return Turnaround(measure=measure, count=group.timed, median=days(median), p90=days(p90))


OPEN_TOTALS = ("invited", "accepted", "invited_overdue", "accepted_overdue", "escalated_open")


def _open_now(period, today, *, reviewer_ids=None):
    """Open assignments now, per reviewer: how many, and how many of them are invited,
    accepted, overdue (invited past the response date, accepted past the review date) and
    escalated. One pass over the open assignments, read from the partial index that covers
    them (``assignment_open_figures_idx``); the totals are the rows' sums."""
    rows = Assignment.objects.filter(
        topic_filter(period.topic, "submission__article__topic"), state__in=ASSIGNMENT_OPEN_STATES
    )
    if reviewer_ids is not None:
        rows = rows.filter(reviewer_id__in=reviewer_ids)
    invited = Q(state=AssignmentState.INVITED)
    accepted = Q(state=AssignmentState.ACCEPTED)
    return list(
        rows.order_by()
        .values("reviewer_id")
        .annotate(
            open_load=Count("*"),
            invited=Count("reviewer", filter=invited),
            accepted=Count("reviewer", filter=accepted),
            invited_overdue=Count("reviewer", filter=invited & Q(response_due__lt=today)),
            accepted_overdue=Count("reviewer", filter=accepted & Q(review_due__lt=today)),
            escalated_open=Count("reviewer", filter=Q(escalated_at__isnull=False)),
        )
    )


def board_insights(period, *, today=None):
    """Every figure of the insights page for ``period`` (a ``periods.Period``): six
    queries (which days are rolled up; the samples' sort memory and the samples grouped;
    what is open now; the reviewers; the re-review horizon)."""
    today = today or timezone.localdate()
    found = coverage_of(period, today=today)
    insights = Insights(
        period=period, rolled_up_at=found.last_rolled_up_at if found.rolled_up else None
    )
    grouped = grouped_samples(period, found)
    open_rows = _open_now(period, today)
    _headline(insights, grouped, open_rows)
    for measure in MEASURES:
        insights.turnarounds[measure.key] = _turnaround(measure, grouped.overall.get(measure.key))
    months = sorted({month for month, key in grouped.months if key in {m.key for m in MEASURES}})
    insights.months = [
        (month, {m.key: _turnaround(m, grouped.months.get((month, m.key))) for m in MEASURES})
        for month in months
    ]
    insights.reviewers = _reviewer_rows(grouped, open_rows)
    ranked = sorted(grouped.reasons.items(), key=lambda item: (-item[1], item[0]))
    insights.decline_reasons = [
        (reason or NO_REASON, n) for reason, n in ranked[:DECLINE_REASONS_SHOWN]
    ]
    insights.horizon = re_review_horizon(period, today=today)
    return insights


def _headline(insights, grouped, open_rows):
    totals = {key: sum(row[key] for row in open_rows) for key in OPEN_TOTALS}
    insights.open_by_state = {
        "Invited, awaiting a response": totals["invited"],
        "Accepted, in review": totals["accepted"],
    }
    insights.overdue = totals["invited_overdue"] + totals["accepted_overdue"]
    insights.escalated_open = totals["escalated_open"]
    overall = grouped.overall
    responses = overall.get(RollupMeasure.RESPONSE) or Group()
    decisions = overall.get(RollupMeasure.DECISION) or Group()
    insights.escalations_in_period = (overall.get(RollupMeasure.ESCALATION) or Group()).count
    insights.responded = responses.count
    insights.declined = responses.declined
    insights.completed = decisions.count
    insights.reminders_for_completed = decisions.reminders


def _reviewer_rows(grouped, open_rows):
    """Per reviewer with an open assignment or a response or decision in the period: open
    load against capacity, and their response and decision times. One query, for the
    reviewers."""
    turnarounds = (INVITATION_RESPONSE, ACCEPTANCE_DECISION)
    open_load = {row["reviewer_id"]: row["open_load"] for row in open_rows}
    reviewer_ids = set(open_load) | {
        reviewer_id for reviewer_id, key in grouped.reviewers if key in {m.key for m in turnarounds}
    }
    members = BoardMember.objects.in_bulk(reviewer_ids, field_name="pk")
    result = [
        ReviewerRow(
            reviewer_id=reviewer_id,
            name=members[reviewer_id].display_name,
            open_load=open_load.get(reviewer_id, 0),
            capacity=members[reviewer_id].max_open_assignments,
            responses=_turnaround(
                INVITATION_RESPONSE, grouped.reviewers.get((reviewer_id, INVITATION_RESPONSE.key))
            ),
            decisions=_turnaround(
                ACCEPTANCE_DECISION, grouped.reviewers.get((reviewer_id, ACCEPTANCE_DECISION.key))
            ),
        )
        for reviewer_id in reviewer_ids
    ]
    return sorted(result, key=lambda row: (row.name, row.reviewer_id))


def reviewer_rows(period, *, reviewer_ids=None, today=None):
    """Per reviewer: open load against capacity, and their response and decision times
    in ``period``."""
    today = today or timezone.localdate()
    grouped = grouped_samples(
        period,
        coverage_of(period, today=today),
        measures=(RollupMeasure.RESPONSE, RollupMeasure.DECISION),
        reviewer_ids=reviewer_ids,
    )
    return _reviewer_rows(grouped, _open_now(period, today, reviewer_ids=reviewer_ids))


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
