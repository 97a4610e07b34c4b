"""Writing the daily roll-ups of the insights (``editorial.models.InsightsRollup``).

The sweep calls ``sweep_rollups`` every run: it rolls up again the days touched by a change
since its last run (a response, review, escalation, approval, triage or reminder whose row
changed), every day from its last run to today, and a few days never rolled up, newest
first. ``manage.py rollup_insights`` does the same for every day at once, and ``--rebuild``
starts again from nothing. Rolling a day up again replaces it whole, so running twice, or
two sweeps at once, leaves the same rows."""

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Feedback
from editorial.insights.samples import (
    ALL_MEASURES,
    COLUMNS,
    live_samples,
    local_midnight,
    union_sql,
)
from editorial.models import (
    Assignment,
    InsightsDay,
    InsightsRollup,
    Notification,
    NotificationKind,
    Submission,
)

# A row saved just before the last run but committed just after it is still seen as changed.
CHANGE_MARGIN = datetime.timedelta(minutes=10)
# Days never rolled up that one sweep fills in, newest first: a year in four sweeps
# (``rollup_insights`` fills them all at once).
BACKFILL_PER_SWEEP = 92
# Days rolled up in one transaction by ``roll_up_range``'s callers.
CHUNK_DAYS = 31
ONE_DAY = datetime.timedelta(days=1)


def _time_zone():
    return timezone.get_current_timezone_name()


def roll_up_range(first_day, last_day):
    """Roll up every local day from ``first_day`` to ``last_day``: one transaction, whose
    ``INSERT … SELECT`` copies the samples of those days from the very query the page runs
    for a day counted live. Returns the number of days written, 0 if another process was
    rolling up the same days at the same time (its rows stand)."""
    # Taken before reading: a day that had ended by then is complete in its roll-up.
    now = timezone.now()
    time_zone = _time_zone()
    count = (last_day - first_day).days + 1
    span = [(local_midnight(first_day), local_midnight(last_day + ONE_DAY))]
    select, params = union_sql(live_samples(measure, span) for measure in ALL_MEASURES)
    columns = ", ".join(f"samples.{column}" for column in COLUMNS)
    try:
        with transaction.atomic():
            InsightsDay.objects.filter(
                time_zone=time_zone, day__gte=first_day, day__lte=last_day
            ).delete()
            days = InsightsDay.objects.bulk_create(
                InsightsDay(time_zone=time_zone, day=first_day + n * ONE_DAY, computed_at=now)
                for n in range(count)
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""INSERT INTO {InsightsRollup._meta.db_table} (rollup_day_id, measure,
                        day, month, reviewer_id, article_id, seconds, declined, reason,
                        reminders)
                    SELECT d.id, {columns}
                    FROM ({select}) AS samples
                    JOIN {InsightsDay._meta.db_table} AS d
                        ON d.day = samples.s_day AND d.time_zone = %s""",
                    [*params, time_zone],
                )
            counts = dict(
                InsightsRollup.objects.filter(rollup_day__in=days)
                .order_by()
                .values_list("rollup_day_id")
                .annotate(n=Count("pk"))
            )
            for day in days:
                day.samples = counts.get(day.pk, 0)
            InsightsDay.objects.bulk_update(days, ["samples"], batch_size=500)
    except IntegrityError:  # another sweep rolled up these days first
        return 0
    return count


def roll_up_days(days, *, progress=None):
    """Roll up each of ``days`` (local dates), in runs of consecutive days. ``progress``,
    if given, is called with the number of days done after each run."""
    written = 0
    for first, last in _runs(sorted(set(days))):
        written += roll_up_range(first, last)
        if progress is not None:
            progress((last - first).days + 1)
    return written


def _runs(days):
    """Consecutive days as ``(first, last)`` pairs, none longer than ``CHUNK_DAYS``."""
    runs = []
    for day in days:
        if runs and day == runs[-1][1] + ONE_DAY and (day - runs[-1][0]).days < CHUNK_DAYS:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _local_days(queryset, field):
    return set(
        queryset.filter(**{f"{field}__isnull": False})
        .annotate(local_day=TruncDate(field))
        .order_by()
        .values_list("local_day", flat=True)
        .distinct()
    )


def changed_days(since):
    """The local days whose samples may have changed since ``since``: those on which a
    row changed since then had ended a response, review, escalation, approval or triage,
    or reviews that reminders sent since then were about."""
    assignments = Assignment.objects.filter(updated_at__gte=since)
    days = (
        _local_days(assignments, "responded_at")
        | _local_days(assignments, "completed_at")
        | _local_days(assignments, "escalated_at")
        | _local_days(Submission.objects.filter(updated_at__gte=since), "decided_at")
        | _local_days(Feedback.objects.filter(updated_at__gte=since), "triaged_at")
    )
    reminded = Assignment.objects.filter(
        pk__in=Notification.objects.filter(
            kind=NotificationKind.REMINDER, created_at__gte=since
        ).values("assignment_id")
    )
    return days | _local_days(reminded, "completed_at")


def first_day_with_data():
    """The earliest local day a sample can have ended on (every sample ends after an
    invitation, a submission or a report began); None for an empty board."""
    starts = [
        Assignment.objects.aggregate(first=Min("invited_at"))["first"],
        Submission.objects.aggregate(first=Min("submitted_at"))["first"],
        Feedback.objects.aggregate(first=Min("created_at"))["first"],
    ]
    starts = [start for start in starts if start is not None]
    return timezone.localdate(min(starts)) if starts else None


def missing_days(today):
    """The days from the first with data to ``today`` never rolled up in this time zone,
    newest first."""
    first = first_day_with_data()
    if first is None or first > today:
        return []
    rolled_up = set(
        InsightsDay.objects.filter(
            time_zone=_time_zone(), day__gte=first, day__lte=today
        ).values_list("day", flat=True)
    )
    count = (today - first).days + 1
    return [day for day in (today - n * ONE_DAY for n in range(count)) if day not in rolled_up]


def days_due(now, *, backfill=BACKFILL_PER_SWEEP):
    """The days a sweep at ``now`` rolls up: those changed since the last run (with a
    margin), every day from the last run's to today, and up to ``backfill`` days never
    rolled up (None: all of them)."""
    today = timezone.localdate(now)
    last_run = InsightsDay.objects.filter(time_zone=_time_zone()).aggregate(
        last=Max("computed_at")
    )["last"]
    days = {today}
    if last_run is not None:
        days |= changed_days(last_run - CHANGE_MARGIN)
        day = min(timezone.localdate(last_run), today)
        while day < today:
            days.add(day)
            day += ONE_DAY
    missing = [day for day in missing_days(today) if day not in days]
    days |= set(missing if backfill is None else missing[:backfill])
    return sorted(day for day in days if day <= today)


def sweep_rollups(*, now=None):
    """One sweep's roll-ups. Returns the number of days rolled up."""
    return roll_up_days(days_due(now or timezone.now()))


def every_day(today):
    """Every day from the first with data to ``today`` (just today for an empty board)."""
    first = first_day_with_data()
    if first is None or first > today:
        return [today]
    return [first + n * ONE_DAY for n in range((today - first).days + 1)]


def clear():
    """Delete every roll-up, of every time zone: until rolled up again, every day is
    counted live."""
    InsightsDay.objects.all().delete()
