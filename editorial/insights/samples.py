"""The samples behind the board's figures, one row each: from the daily roll-ups for closed
days that the sweep has rolled up, read live from the source rows for every other day
(today, and any day the sweep has not reached). Both sides give the same columns, computed
by the same expressions (the sweep writes the roll-ups with the live side's query), so a
figure is the same whichever side its samples come from.

A sample belongs to the local day on which it ended: a response to the day it was given, a
review to the day its decision was taken, an approval to its day, a reader's report to the
day it was first triaged, an escalation to its day."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    SmallIntegerField,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Trim, TruncDate, TruncMonth
from django.utils import timezone

from articles.models import Feedback, FeedbackKind, FeedbackStatus
from editorial.insights.aggregates import elapsed
from editorial.models import (
    MEASURE_CODES,
    Assignment,
    AssignmentState,
    InsightsDay,
    InsightsRollup,
    Notification,
    NotificationKind,
    RollupMeasure,
    Submission,
    SubmissionState,
)

# Past this many separate stretches of days not rolled up, the whole period is counted live.
MOST_LIVE_RANGES = 20

REASON = CharField(max_length=InsightsRollup._meta.get_field("reason").max_length)
# Every sample, from either side, has these columns, in this order.
COLUMNS = (
    "s_measure",
    "s_day",
    "s_month",
    "s_reviewer",
    "s_article",
    "s_seconds",
    "s_declined",
    "s_reason",
    "s_reminders",
)


def local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def topic_filter(topic, path):
    """Rows of ``topic`` (through ``path``); every row for None."""
    return Q(**{path: topic}) if topic is not None else Q()


def _in_ranges(field, ranges):
    condition = Q()
    for start, end in ranges:
        condition |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return condition


def _reminders_sent():
    return Subquery(
        Notification.objects.filter(assignment=OuterRef("pk"), kind=NotificationKind.REMINDER)
        .order_by()
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _samples(rows, measure, ended, *, article, reviewer=None, seconds=None, reason=None, **extra):
    """``rows`` as samples of ``measure`` (one per row) that ended at ``ended``. Each
    column has the type of the roll-ups' own, so that PostgreSQL appends the two sides as
    they are (no conversion of a year of roll-up rows)."""
    columns = {
        "s_measure": Cast(Value(MEASURE_CODES[measure]), SmallIntegerField()),
        "s_day": TruncDate(ended),
        "s_month": Cast(TruncMonth(ended, output_field=DateField()), DateField()),
        "s_reviewer": F(reviewer) if reviewer else Cast(Value(None), BigIntegerField()),
        "s_article": F(article),
        "s_seconds": seconds if seconds is not None else Cast(Value(None), FloatField()),
        "s_declined": Value(False, output_field=BooleanField()),
        "s_reason": Cast(reason if reason is not None else Value(""), REASON),
        "s_reminders": Value(0, output_field=IntegerField()),
    }
    return rows.order_by().annotate(**(columns | extra)).values(*COLUMNS)


def _with_reviewers(rows, reviewer_ids):
    return rows if reviewer_ids is None else rows.filter(reviewer_id__in=reviewer_ids)


def _responses(ranges, topic, reviewer_ids):
    rows = Assignment.objects.filter(
        _in_ranges("responded_at", ranges),
        topic_filter(topic, "submission__article__topic"),
        responded_at__isnull=False,
    )
    declined = Q(state=AssignmentState.DECLINED)
    return _samples(
        _with_reviewers(rows, reviewer_ids),
        RollupMeasure.RESPONSE,
        "responded_at",
        article="submission__article_id",
        reviewer="reviewer_id",
        seconds=elapsed("responded_at", "invited_at"),
        s_declined=ExpressionWrapper(declined, output_field=BooleanField()),
        reason=Case(When(declined, then=Trim("close_reason")), default=Value("")),
    )


def _decisions(ranges, topic, reviewer_ids):
    rows = Assignment.objects.filter(
        _in_ranges("completed_at", ranges),
        topic_filter(topic, "submission__article__topic"),
        state=AssignmentState.COMPLETED,
    )
    return _samples(
        _with_reviewers(rows, reviewer_ids),
        RollupMeasure.DECISION,
        "completed_at",
        article="submission__article_id",
        reviewer="reviewer_id",
        seconds=elapsed("completed_at", "responded_at"),
        s_reminders=Cast(Coalesce(_reminders_sent(), 0), IntegerField()),
    )


def _approvals(ranges, topic, reviewer_ids):
    rows = Submission.objects.filter(
        _in_ranges("decided_at", ranges),
        topic_filter(topic, "article__topic"),
        state=SubmissionState.APPROVED,
        decided_at__isnull=False,
    )
    return _samples(
        rows,
        RollupMeasure.APPROVAL,
        "decided_at",
        article="article_id",
        seconds=elapsed("decided_at", "submitted_at"),
    )


def _triages(ranges, topic, reviewer_ids):
    rows = Feedback.objects.filter(
        _in_ranges("triaged_at", ranges),
        topic_filter(topic, "article__topic"),
        kind=FeedbackKind.ERROR,
        triaged_at__isnull=False,
    ).exclude(status=FeedbackStatus.NEW)
    return _samples(
        rows,
        RollupMeasure.TRIAGE,
        "triaged_at",
        article="article_id",
        seconds=elapsed("triaged_at", "created_at"),
    )


def _escalations(ranges, topic, reviewer_ids):
    rows = Assignment.objects.filter(
        _in_ranges("escalated_at", ranges),
        topic_filter(topic, "submission__article__topic"),
        escalated_at__isnull=False,
    )
    return _samples(
        _with_reviewers(rows, reviewer_ids),
        RollupMeasure.ESCALATION,
        "escalated_at",
        article="submission__article_id",
        reviewer="reviewer_id",
    )


SOURCES = {
    RollupMeasure.RESPONSE: _responses,
    RollupMeasure.DECISION: _decisions,
    RollupMeasure.APPROVAL: _approvals,
    RollupMeasure.TRIAGE: _triages,
    RollupMeasure.ESCALATION: _escalations,
}
ALL_MEASURES = tuple(SOURCES)


def live_samples(measure, ranges, *, topic=None, reviewer_ids=None):
    """The samples of ``measure`` that ended within ``ranges`` (``[(start, end)]``
    instants), read from the source rows: a queryset of dicts keyed by ``COLUMNS``."""
    return SOURCES[measure](ranges, topic, reviewer_ids)


def rolled_up_samples(day_ids, measures, *, topic=None, reviewer_ids=None):
    """The samples rolled up on the given ``InsightsDay`` ids, in the same columns; a
    topic is matched through each sample's article as it is now."""
    rows = InsightsRollup.objects.filter(
        topic_filter(topic, "article__topic"),
        rollup_day_id__in=day_ids,
        measure__in=[MEASURE_CODES[measure] for measure in measures],
    )
    return (
        _with_reviewers(rows, reviewer_ids)
        .order_by()
        .annotate(
            s_measure=F("measure"),
            s_day=F("day"),
            s_month=F("month"),
            s_reviewer=F("reviewer_id"),
            s_article=F("article_id"),
            s_seconds=F("seconds"),
            s_declined=F("declined"),
            s_reason=F("reason"),
            s_reminders=F("reminders"),
        )
        .values(*COLUMNS)
    )


@dataclass
class Coverage:
    """Which days of a period come from roll-ups, and which are counted live."""

    rolled_up: dict  # day -> InsightsDay pk
    live_ranges: list  # [(start, end)] instants
    last_rolled_up_at: datetime.datetime | None  # the last sweep that wrote roll-ups


def coverage(first_day, last_day, *, today=None, now=None):
    """One query. A day is read from its roll-up when it is over (before ``today``) and was
    rolled up after it ended."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    days = list(
        InsightsDay.objects.filter(time_zone=timezone.get_current_timezone_name())
        .filter(Q(day__gte=first_day, day__lte=last_day) | Q(day=today))
        .values_list("day", "computed_at", "pk")
    )
    last_rolled_up_at = max((computed_at for _, computed_at, _ in days), default=None)
    one_day = datetime.timedelta(days=1)
    rolled_up = {
        day: pk
        for day, computed_at, pk in days
        if first_day <= day <= last_day
        and day < today
        and computed_at >= local_midnight(day + one_day)
    }
    live_ranges = []
    day = first_day
    while day <= last_day:
        if day in rolled_up:
            day += one_day
            continue
        end = day
        while end + one_day <= last_day and end + one_day not in rolled_up:
            end += one_day
        live_ranges.append((local_midnight(day), local_midnight(end + one_day)))
        day = end + one_day
    if len(live_ranges) > MOST_LIVE_RANGES:
        rolled_up = {}
        live_ranges = [(local_midnight(first_day), local_midnight(last_day + one_day))]
    return Coverage(
        rolled_up=rolled_up, live_ranges=live_ranges, last_rolled_up_at=last_rolled_up_at
    )


def coverage_of(period, *, today=None):
    return coverage(period.first_day, period.last_day, today=today)


def period_samples_sql(period, found, *, measures=ALL_MEASURES, reviewer_ids=None, columns=COLUMNS):
    """``(sql, params)``: one ``SELECT`` of every sample of ``period`` for ``measures``,
    given its ``Coverage`` — the roll-ups of the days rolled up, UNION ALL the source rows
    of the days counted live — with the columns ``COLUMNS``."""
    parts = []
    if found.rolled_up:
        parts.append(
            rolled_up_samples(
                list(found.rolled_up.values()),
                measures,
                topic=period.topic,
                reviewer_ids=reviewer_ids,
            )
        )
    if found.live_ranges:
        parts += [
            live_samples(measure, found.live_ranges, topic=period.topic, reviewer_ids=reviewer_ids)
            for measure in measures
        ]
    return union_sql(parts, columns=columns)


def union_sql(querysets, *, columns=COLUMNS):
    """``(sql, params)``: ``columns`` of the samples of every queryset in ``querysets``,
    UNION ALL."""
    columns = ", ".join(columns)
    statements, params = [], []
    for queryset in querysets:
        sql, part_params = queryset.query.sql_with_params()
        statements.append(f"SELECT {columns} FROM ({sql}) AS part")
        params.extend(part_params)
    return " UNION ALL ".join(statements), params
