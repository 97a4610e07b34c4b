"""The samples behind the board's figures, as histograms keyed by exact duration: from the
daily roll-ups for closed days that the sweep has rolled up, counted live from the rows for
every other day (today, and any day the sweep has not reached). Both sides are grouped the
same way, so a figure is the same whichever side its samples come from.

A sample belongs to the local day on which it ended: a response to the day it was given, a
review to the day its decision was taken, an approval to its day, a reader's report to the
day it was first triaged, an escalation to its day."""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Trim, TruncDate
from django.utils import timezone

from articles.models import Feedback, FeedbackKind, FeedbackStatus
from editorial.insights.aggregates import elapsed
from editorial.models import (
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
# The roll-ups are read only when they hold at most one row per this many samples, and
# at most this many days of the period are counted beside them: else ``live`` sorts the
# samples in the database, which is then faster than bringing them here.
LEAST_COMPRESSION = 4
MOST_LIVE_DAYS = 7


class SampleRow(NamedTuple):
    """``samples`` samples of ``measure`` that ended on ``day`` and took ``seconds``."""

    measure: str
    day: datetime.date
    reviewer_id: int | None
    seconds: float | None
    declined: bool
    reason: str
    samples: int
    reminders: int


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


def _responses(ranges, topic, reviewer_ids):
    rows = Assignment.objects.filter(
        _in_ranges("responded_at", ranges),
        topic_filter(topic, "submission__article__topic"),
        responded_at__isnull=False,
    )
    if reviewer_ids is not None:
        rows = rows.filter(reviewer_id__in=reviewer_ids)
    declined = Q(state=AssignmentState.DECLINED)
    return rows.annotate(
        day=TruncDate("responded_at"),
        seconds=elapsed("responded_at", "invited_at"),
        declined=ExpressionWrapper(declined, output_field=BooleanField()),
        reason=Case(When(declined, then=Trim("close_reason")), default=Value("")),
    ).values("day", "reviewer_id", "seconds", "declined", "reason")


def _decisions(ranges, topic, reviewer_ids):
    rows = Assignment.objects.filter(
        _in_ranges("completed_at", ranges),
        topic_filter(topic, "submission__article__topic"),
        state=AssignmentState.COMPLETED,
    )
    if reviewer_ids is not None:
        rows = rows.filter(reviewer_id__in=reviewer_ids)
    return rows.annotate(
        day=TruncDate("completed_at"),
        seconds=elapsed("completed_at", "responded_at"),
        sent=Coalesce(_reminders_sent(), 0),
    ).values("day", "reviewer_id", "seconds")


def _approvals(ranges, topic, reviewer_ids):
    return (
        Submission.objects.filter(
            _in_ranges("decided_at", ranges),
            topic_filter(topic, "article__topic"),
            state=SubmissionState.APPROVED,
            decided_at__isnull=False,
        )
        .annotate(day=TruncDate("decided_at"), seconds=elapsed("decided_at", "submitted_at"))
        .values("day", "seconds")
    )


def _triages(ranges, topic, reviewer_ids):
    return (
        Feedback.objects.filter(
            _in_ranges("triaged_at", ranges),
            topic_filter(topic, "article__topic"),
            kind=FeedbackKind.ERROR,
            triaged_at__isnull=False,
        )
        .exclude(status=FeedbackStatus.NEW)
        .annotate(day=TruncDate("triaged_at"), seconds=elapsed("triaged_at", "created_at"))
        .values("day", "seconds")
    )


def _escalations(ranges, topic, reviewer_ids):
    return (
        Assignment.objects.filter(
            _in_ranges("escalated_at", ranges),
            topic_filter(topic, "submission__article__topic"),
            escalated_at__isnull=False,
        )
        .annotate(day=TruncDate("escalated_at"))
        .values("day")
    )


SOURCES = {
    RollupMeasure.RESPONSE: _responses,
    RollupMeasure.DECISION: _decisions,
    RollupMeasure.APPROVAL: _approvals,
    RollupMeasure.TRIAGE: _triages,
    RollupMeasure.ESCALATION: _escalations,
}
ALL_MEASURES = tuple(SOURCES)


def live_rows(measure, ranges, *, topic=None, reviewer_ids=None):
    """The samples of ``measure`` that ended within ``ranges`` (``[(start, end)]``
    instants), grouped as a roll-up groups them: one query."""
    grouped = SOURCES[measure](ranges, topic, reviewer_ids).order_by()
    if measure == RollupMeasure.DECISION:
        grouped = grouped.annotate(samples=Count("pk"), reminders=Sum("sent"))
    else:
        grouped = grouped.annotate(samples=Count("pk"))
    return [
        SampleRow(
            measure=measure,
            day=row["day"],
            reviewer_id=row.get("reviewer_id"),
            seconds=row.get("seconds"),
            declined=bool(row.get("declined", False)),
            reason=row.get("reason", ""),
            samples=row["samples"],
            reminders=row.get("reminders") or 0,
        )
        for row in grouped
    ]


@dataclass
class Coverage:
    """Which days of a period come from roll-ups, and which are counted live."""

    rolled_up: dict  # day -> InsightsDay pk
    live_ranges: list  # [(start, end)] instants
    last_rolled_up_at: datetime.datetime | None  # the last sweep that wrote roll-ups
    rows: int = 0  # roll-up rows of the days rolled up
    samples: int = 0  # and the samples they count

    @property
    def live_days(self):
        return sum(round((end - start).total_seconds() / 86400) for start, end in self.live_ranges)

    @property
    def worth_reading(self):
        """Whether reading the roll-ups saves work over sorting the samples themselves."""
        return (
            bool(self.rolled_up)
            and self.rows * LEAST_COMPRESSION <= self.samples
            and self.live_days <= MOST_LIVE_DAYS
        )


def coverage(first_day, last_day, *, topic=None, today=None, now=None):
    """One query. A day is read from its roll-up when it is over (before ``today``) and was
    rolled up after it ended; a topic's figures are always counted live (an article can
    move to another topic, which no roll-up would see)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    days = list(
        InsightsDay.objects.filter(time_zone=timezone.get_current_timezone_name())
        .filter(Q(day__gte=first_day, day__lte=last_day) | Q(day=today))
        .values_list("day", "computed_at", "pk", "rows", "samples")
    )
    last_rolled_up_at = max((computed_at for _, computed_at, *_ in days), default=None)
    rolled_up, counts = {}, [0, 0]
    if topic is None:
        for day, computed_at, pk, rows, samples in days:
            if (
                first_day <= day <= last_day
                and day < today
                and computed_at >= local_midnight(day + datetime.timedelta(days=1))
            ):
                rolled_up[day] = pk
                counts[0] += rows
                counts[1] += samples
    live_ranges = []
    day = first_day
    while day <= last_day:
        if day in rolled_up:
            day += datetime.timedelta(days=1)
            continue
        end = day
        while end + datetime.timedelta(days=1) <= last_day and (
            end + datetime.timedelta(days=1) not in rolled_up
        ):
            end += datetime.timedelta(days=1)
        live_ranges.append((local_midnight(day), local_midnight(end + datetime.timedelta(days=1))))
        day = end + datetime.timedelta(days=1)
    if len(live_ranges) > MOST_LIVE_RANGES:
        rolled_up, counts = {}, [0, 0]
        whole = (local_midnight(first_day), local_midnight(last_day + datetime.timedelta(days=1)))
        live_ranges = [whole]
    return Coverage(
        rolled_up=rolled_up,
        live_ranges=live_ranges,
        last_rolled_up_at=last_rolled_up_at,
        rows=counts[0],
        samples=counts[1],
    )


def rolled_up_rows(day_ids, measures, *, reviewer_ids=None):
    """The roll-up rows of the given ``InsightsDay`` ids: one query (none for no ids)."""
    if not day_ids:
        return []
    rows = InsightsRollup.objects.filter(rollup_day_id__in=day_ids, measure__in=measures)
    if reviewer_ids is not None:
        rows = rows.filter(reviewer_id__in=reviewer_ids)
    return list(map(SampleRow._make, rows.values_list(*SampleRow._fields)))


def coverage_of(period, *, today=None):
    return coverage(period.first_day, period.last_day, topic=period.topic, today=today)


def period_samples(period, found, *, measures=ALL_MEASURES, reviewer_ids=None):
    """Every ``SampleRow`` of ``period`` for ``measures``, given its ``Coverage``: one query
    for the roll-ups, one per measure for the days counted live."""
    rows = rolled_up_rows(list(found.rolled_up.values()), measures, reviewer_ids=reviewer_ids)
    if found.live_ranges:
        for measure in measures:
            rows += live_rows(
                measure, found.live_ranges, topic=period.topic, reviewer_ids=reviewer_ids
            )
    return rows
