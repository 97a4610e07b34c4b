"""Percentiles computed by the database: PostgreSQL's ``percentile_cont`` (linear
interpolation between the two nearest samples), several fractions from one sort; on
SQLite (the embedded demo) the same function registered in Python on the connection, so
both give the same figures. Durations are taken in seconds (a float sorts faster than an
interval)."""

import json
import math

from django.db.models import Aggregate, DurationField, ExpressionWrapper, F, Field, FloatField, Func


def interpolated_percentile(values, fraction):
    """``percentile_cont``: the value at position ``fraction * (n - 1)`` of the sorted
    ``values``, interpolated linearly; None for no values."""
    ordered = sorted(value for value in values if value is not None)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class _SQLitePercentiles:
    def __init__(self):
        self.values, self.fractions = [], "[]"

    def step(self, value, fractions):
        self.fractions = fractions
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        return json.dumps(
            [interpolated_percentile(self.values, f) for f in json.loads(self.fractions)]
        )


class _PercentilesField(Field):
    """A list of floats: a PostgreSQL array, or the JSON text the SQLite function returns."""

    def get_internal_type(self):
        return "PercentilesField"  # no column has it; and no float() conversion of a list

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value


class Percentiles(Aggregate):
    """``Percentiles(seconds, (0.5, 0.9))``: the list of those percentiles (None for no
    rows)."""

    function = "percentile_cont"
    name = "Percentiles"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, fractions, **extra):
        if not all(0 <= f <= 1 for f in fractions):
            raise ValueError("A percentile's fraction is between 0 and 1.")
        self.fractions = tuple(float(f) for f in fractions)
        extra.setdefault("output_field", _PercentilesField())
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        extra_context.setdefault("fractions", ", ".join(repr(f) for f in self.fractions))
        return super().as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_aggregate("imprimatur_percentiles", 2, _SQLitePercentiles)
        # The FILTER clause wraps ``template``, so the SQLite form goes on a copy.
        clone = self.copy()
        clone.function = "imprimatur_percentiles"
        clone.template = "%(function)s(%(expressions)s, '%(fractions)s')"
        extra_context["fractions"] = json.dumps(list(self.fractions))
        return super(Percentiles, clone).as_sql(compiler, connection, **extra_context)


class Seconds(Func):
    """A duration expression in seconds, as a float."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8"
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps a SQLite duration in microseconds.
        return self.as_sql(compiler, connection, template="(%(expressions)s) / 1000000.0")


def elapsed(end, start):
    """The seconds from ``start`` to ``end`` (field names)."""
    return Seconds(ExpressionWrapper(F(end) - F(start), output_field=DurationField()))


def days(seconds):
    """Seconds in days, to one decimal; None stays None."""
    if seconds is None:
        return None
    return round(seconds / 86400, 1)
