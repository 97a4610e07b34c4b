"""The period the chair looks at: the last 30, 90 or 365 days, or two dates, in the site's
time zone (a day starts at local midnight), optionally one topic."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from articles.models import Topic

RANGE_CHOICES = [
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last 365 days"),
    ("dates", "Between dates"),
]
LONGEST_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class Period:
    """From the start of ``first_day`` to the end of ``last_day``, local time."""

    first_day: datetime.date
    last_day: datetime.date
    topic: Topic | None = None

    @classmethod
    def last_days(cls, count, *, topic=None, today=None):
        today = today or timezone.localdate()
        return cls(today - datetime.timedelta(days=count - 1), today, topic)

    @property
    def start(self):
        return _local_midnight(self.first_day)

    @property
    def end(self):
        """The first instant after the period (exclusive)."""
        return _local_midnight(self.last_day + datetime.timedelta(days=1))

    def __str__(self):
        span = f"{self.first_day:%-d %b %Y} to {self.last_day:%-d %b %Y}"
        return f"{span}, {self.topic.name}" if self.topic else span


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PeriodForm(forms.Form):
    """The insights page's filter, read from the query string."""

    range = forms.ChoiceField(choices=RANGE_CHOICES, initial="90", required=False)
    first_day = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.order_by("name"),
        required=False,
        empty_label="All topics",
        to_field_name="slug",
    )

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("range") or "90"
        cleaned["range"] = choice
        if choice != "dates":
            return cleaned
        first_day, last_day = cleaned.get("first_day"), cleaned.get("last_day")
        if first_day is None or last_day is None:
            raise forms.ValidationError("Give both dates, or choose one of the last-days ranges.")
        if first_day > last_day:
            raise forms.ValidationError(
                f"The start date ({first_day:%-d %b %Y}) is after the end date "
                f"({last_day:%-d %b %Y})."
            )
        if (last_day - first_day).days > LONGEST_PERIOD_DAYS:
            raise forms.ValidationError("Choose a period of at most ten years.")
        return cleaned

    def period(self, *, today=None):
        """The chosen ``Period``; call after ``is_valid()``."""
        data = self.cleaned_data
        if data["range"] == "dates":
            return Period(data["first_day"], data["last_day"], data.get("topic"))
        return Period.last_days(int(data["range"]), topic=data.get("topic"), today=today)
