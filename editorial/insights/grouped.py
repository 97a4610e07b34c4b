"""Every sample of a period aggregated in one statement: count, median and 90th percentile
(PostgreSQL's ``percentile_cont``, over the exact durations), declines and reminders, for
each measure overall, per month and per reviewer (``GROUPING SETS``), and the decline
reasons. The samples come from ``samples.period_samples_sql``: the narrow daily roll-ups for
the days rolled up, the source rows for the rest.

On SQLite (the embedded demo, a few hundred rows) the same samples are read and grouped
here, with the same interpolation."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction

from editorial.insights.aggregates import interpolated_percentile
from editorial.insights.samples import ALL_MEASURES, period_samples_sql
from editorial.models import MEASURE_BY_CODE

FRACTIONS = (0.5, 0.9)
# The statement sorts each grouping's samples in memory (about 25 MB for a year of a
# 150,000-assignment board); PostgreSQL's default of 4 MB would sort on disk.
WORK_MEM = "64MB"

OVERALL, PER_MONTH, PER_REVIEWER, REASONS = 3, 1, 2, 4  # GROUPING(s_month, s_reviewer)
# What the statement reads of each sample (narrower rows sort faster).
READ = ("s_measure", "s_month", "s_reviewer", "s_seconds", "s_declined", "s_reason", "s_reminders")

STATEMENT = """
WITH samples AS NOT MATERIALIZED ({samples})
SELECT GROUPING(s_month, s_reviewer), s_measure, s_month, s_reviewer,
    count(*), count(s_seconds),
    percentile_cont(ARRAY[{fractions}]) WITHIN GROUP (ORDER BY s_seconds),
    count(*) FILTER (WHERE s_declined), coalesce(sum(s_reminders), 0), NULL
FROM samples
GROUP BY GROUPING SETS (
    (s_measure),
    (s_measure, s_month),
    (s_measure, s_reviewer)
)
UNION ALL
SELECT {reasons}, NULL, NULL, NULL, count(*), 0, NULL, 0, 0, s_reason
FROM samples WHERE s_declined GROUP BY s_reason
"""


@dataclass(frozen=True)
class Group:
    """The figures of one group of samples."""

    count: int = 0  # samples
    timed: int = 0  # samples with a duration (all but escalations)
    percentiles: tuple | None = None  # seconds, at ``FRACTIONS``; None for no duration
    declined: int = 0
    reminders: int = 0


@dataclass
class Grouped:
    overall: dict = field(default_factory=dict)  # measure -> Group
    months: dict = field(default_factory=dict)  # (month, measure) -> Group
    reviewers: dict = field(default_factory=dict)  # (reviewer id, measure) -> Group
    reasons: Counter = field(default_factory=Counter)  # decline reason -> declines


def grouped_samples(period, found, *, measures=ALL_MEASURES, reviewer_ids=None):
    """The samples of ``period`` for ``measures`` (given its ``Coverage``), grouped: one
    statement (on PostgreSQL two, the first setting its sort memory)."""
    sql, params = period_samples_sql(
        period, found, measures=measures, reviewer_ids=reviewer_ids, columns=READ
    )
    if not sql:
        return Grouped()
    if connection.vendor == "postgresql":
        return _in_postgresql(sql, params)
    return _in_python(sql, params)


def _in_postgresql(sql, params):
    statement = STATEMENT.format(
        samples=sql, fractions=", ".join(repr(f) for f in FRACTIONS), reasons=REASONS
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    grouped = Grouped()
    for grouping, code, month, reviewer, count, timed, found, declined, reminders, reason in rows:
        measure = MEASURE_BY_CODE.get(code)
        group = Group(count, timed, tuple(found) if found else None, declined, reminders)
        if grouping == OVERALL:
            grouped.overall[measure] = group
        elif grouping == PER_MONTH:
            grouped.months[(month, measure)] = group
        elif grouping == PER_REVIEWER:
            if reviewer is not None:
                grouped.reviewers[(reviewer, measure)] = group
        else:
            grouped.reasons[reason] += count
    return grouped


def _in_python(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(READ, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["s_measure"] = MEASURE_BY_CODE[row["s_measure"]]
    keys = {
        "overall": lambda row: row["s_measure"],
        "months": lambda row: (_date(row["s_month"]), row["s_measure"]),
        "reviewers": lambda row: (row["s_reviewer"], row["s_measure"]),
    }
    grouped = Grouped()
    for name, key in keys.items():
        members = defaultdict(list)
        for row in rows:
            if name != "reviewers" or row["s_reviewer"] is not None:
                members[key(row)].append(row)
        setattr(grouped, name, {k: _group(v) for k, v in members.items()})
    grouped.reasons = Counter(row["s_reason"] for row in rows if row["s_declined"])
    return grouped


def _group(rows):
    seconds = [row["s_seconds"] for row in rows if row["s_seconds"] is not None]
    return Group(
        count=len(rows),
        timed=len(seconds),
        percentiles=(
            tuple(interpolated_percentile(seconds, f) for f in FRACTIONS) if seconds else None
        ),
        declined=sum(1 for row in rows if row["s_declined"]),
        reminders=sum(row["s_reminders"] or 0 for row in rows),
    )


def _date(value):
    return datetime.date.fromisoformat(value[:10]) if isinstance(value, str) else value
