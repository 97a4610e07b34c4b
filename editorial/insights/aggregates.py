"""Percentiles computed by the database: PostgreSQL's ``percentile_cont`` (linear
interpolation between the two nearest samples); on SQLite (the embedded demo) the same
function registered in Python on the connection, so both give the same figures."""

import math

from django.db.models import Aggregate, DurationField, ExpressionWrapper, F


def interpolated_percentile(values, fraction):
    """``percentile_cont``: the value at position ``fraction * (n - 1)`` of the sorted
    ``values``, interpolated linearly; None for no values."""
    ordered = sorted(value for value in values if value is not None)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class _SQLitePercentile:
    def __init__(self):
        self.values, self.fraction = [], 0.5

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return interpolated_percentile(self.values, self.fraction)


class Percentile(Aggregate):
    """``Percentile(expression, 0.9)``: the 90th percentile of a duration (or number)."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, fraction, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction is between 0 and 1.")
        extra.setdefault("output_field", DurationField())
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_aggregate("imprimatur_percentile", 2, _SQLitePercentile)
        return self.as_sql(
            compiler,
            connection,
            function="imprimatur_percentile",
            template="%(function)s(%(expressions)s, %(fraction)s)",
            **extra_context,
        )


def elapsed(end, start):
    """The time from ``start`` to ``end`` (field names) as a duration expression."""
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def days(duration):
    """A duration in days, to one decimal; None stays None."""
    if duration is None:
        return None
    return round(duration.total_seconds() / 86400, 1)
