"""The board's statistics (issue 15) against figures worked out by hand on the fixed data
set in tests/insights/dataset.py: empty periods, one-sample periods, open reviews, and a
sample near midnight that belongs to another month in another time zone."""

import datetime

import pytest
from django.utils import timezone

from editorial.insights.aggregates import interpolated_percentile
from editorial.insights.periods import Period
from editorial.insights.statistics import board_insights, re_review_horizon
from tests.insights import dataset
from tests.insights.dataset import TODAY, at

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def data():
    return dataset.build()


def figures(turnaround):
    return (turnaround.count, turnaround.median, turnaround.p90)


def test_percentile_interpolates_as_postgresql_does():
    assert interpolated_percentile([6, 0.5, 3, 1, 2], 0.5) == 2
    # Position 0.9 × 4 = 3.6: 3 + 0.6 × (6 − 3).
    assert interpolated_percentile([6, 0.5, 3, 1, 2], 0.9) == pytest.approx(4.8)
    assert interpolated_percentile([7], 0.9) == 7
    assert interpolated_percentile([], 0.5) is None


def test_march_figures_match_the_hand_computed_ones(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):  # 12, and which days are rolled up
        insights = board_insights(MARCH, today=TODAY)

    assert insights.open_by_state == {
        "Invited, awaiting a response": 1,
        "Accepted, in review": 1,
    }
    assert insights.overdue == 1
    assert insights.escalated_open == 1
    assert insights.escalations_in_period == 1
    # Responses: 1, 3, 2, 6 and 0.5 days. Sorted 0.5 1 2 3 6: median 2, p90 4.8.
    assert figures(insights.turnarounds["response"]) == (5, 2.0, 4.8)
    # Decisions: 4 and 10 days. Median 7; p90 at position 0.9: 4 + 0.9 × 6 = 9.4.
    assert figures(insights.turnarounds["decision"]) == (2, 7.0, 9.4)
    # One approval (7 days): a one-sample period.
    assert figures(insights.turnarounds["approval"]) == (1, 7.0, 7.0)
    # One error report triaged after 2 days; the new one and the question do not count.
    assert figures(insights.turnarounds["triage"]) == (1, 2.0, 2.0)
    assert insights.decline_rate == 0.4  # 2 of 5 answers
    assert insights.decline_reasons == [("Too busy", 2)]  # "Too busy " counts as the same
    assert insights.reminders_per_completed_review == 1.5  # 3 reminders, 2 reviews
    assert re_review_horizon(MARCH) == {
        "past_due": 1,
        "within_30": 1,
        "within_60": 2,
        "within_90": 3,
    }
    assert insights.has_reviews


def test_per_reviewer_figures(data):
    rows = {row.name: row for row in board_insights(MARCH, today=TODAY).reviewers}
    raman, okafor = rows["Dr. A Raman"], rows["Dr. B Okafor"]
    assert (raman.open_load, raman.capacity) == (1, 4)
    # 1, 3 and 0.5 days: median 1; p90 at 1.8: 1 + 0.8 × 2 = 2.6.
    assert figures(raman.responses) == (3, 1.0, 2.6)
    assert figures(raman.decisions) == (2, 7.0, 9.4)
    assert (okafor.open_load, okafor.capacity) == (1, 2)
    # 2 and 6 days: median 4; p90 2 + 0.9 × 4 = 5.6.
    assert figures(okafor.responses) == (2, 4.0, 5.6)
    assert figures(okafor.decisions) == (0, None, None)


def test_by_month_shows_january_and_march_only_when_asked(data):
    insights = board_insights(
        Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)), today=TODAY
    )
    months = dict(insights.months)
    assert list(months) == [datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)]
    january = months[datetime.date(2026, 1, 1)]
    assert figures(january["response"]) == (1, 4.0, 4.0)
    assert figures(january["decision"]) == (1, 15.0, 15.0)
    assert figures(january["approval"]) == (0, None, None)
    assert figures(months[datetime.date(2026, 3, 1)]["response"]) == (5, 2.0, 4.8)


def test_a_topic_narrows_every_figure(data):
    insights = board_insights(Period(MARCH.first_day, MARCH.last_day, data["topic"]), today=TODAY)
    # The 6-day decline was on a neurology article.
    assert figures(insights.turnarounds["response"]) == (4, 1.5, 2.7)
    assert insights.decline_rate == 0.25
    assert insights.decline_reasons == [("Too busy", 1)]


def test_an_empty_period_has_no_figures_and_no_division_by_zero(data):
    insights = board_insights(
        Period(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)), today=TODAY
    )
    assert not insights.has_reviews
    assert insights.decline_rate is None
    assert insights.reminders_per_completed_review is None
    assert all(t.count == 0 and t.median is None for t in insights.turnarounds.values())
    assert insights.months == []
    assert insights.decline_reasons == []
    # What is open now does not depend on the period.
    assert insights.overdue == 1


def test_an_answer_just_after_local_midnight_belongs_to_the_local_day(data, settings):
    settings.TIME_ZONE = "Europe/Berlin"  # UTC+1 in winter
    reviewer = data["raman"]
    # 28 February 23:30 UTC is 1 March 00:30 in Berlin.
    answered = datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC)
    dataset._assignment(
        reviewer,
        data["topic"],
        invited=answered - datetime.timedelta(days=1),
        responded=answered,
        state="declined",
        review_due=None,
    )
    march = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert march.start == timezone.make_aware(datetime.datetime(2026, 3, 1))
    insights = board_insights(march, today=TODAY)
    assert insights.turnarounds["response"].count == 6
    february = board_insights(
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)), today=TODAY
    )
    assert february.turnarounds["response"].count == 0
    settings.TIME_ZONE = "UTC"
    in_utc = board_insights(
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)), today=TODAY
    )
    assert in_utc.turnarounds["response"].count == 1
    assert dict(in_utc.months)[datetime.date(2026, 2, 1)]["response"].count == 1
    assert at(1) == timezone.make_aware(datetime.datetime(2026, 3, 1))


def test_the_sqlite_demo_computes_the_same_percentiles():
    """``make run`` uses SQLite: the aggregate registered there interpolates the same way."""
    import json
    import sqlite3

    from editorial.insights.aggregates import _SQLitePercentiles

    connection = sqlite3.connect(":memory:")
    connection.create_aggregate("imprimatur_percentiles", 2, _SQLitePercentiles)
    connection.execute("CREATE TABLE t (seconds REAL, kept INTEGER)")
    connection.executemany(
        "INSERT INTO t VALUES (?, ?)", [(6, 1), (0.5, 1), (3, 1), (1, 1), (2, 1), (100, 0)]
    )
    (result,) = connection.execute(
        "SELECT imprimatur_percentiles(seconds, '[0.5, 0.9]') FILTER (WHERE kept = 1) FROM t"
    ).fetchone()
    assert json.loads(result) == [2, pytest.approx(4.8)]
    (empty,) = connection.execute(
        "SELECT imprimatur_percentiles(seconds, '[0.5]') FROM t WHERE kept = 2"
    ).fetchone()
    assert empty is None
