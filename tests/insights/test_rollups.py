"""The insights' daily roll-ups (issue 15, speed): figures read from roll-ups for closed days
are the very figures counted live from the rows, on the fixed data set of
tests/insights/dataset.py with its edges (time zones at midnight, empty periods, reviews
still open); a day without a roll-up, or rolled up before it ended, is counted live; the
sweep rolls up again what changed since its last run."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Feedback
from editorial.insights import rollups, samples
from editorial.insights.periods import Period
from editorial.insights.statistics import board_insights, reviewer_rows
from editorial.models import (
    MEASURE_CODES,
    Assignment,
    AssignmentState,
    InsightsDay,
    InsightsRollup,
    Notification,
    RollupMeasure,
    Submission,
)
from editorial.sweep import run_sweep
from tests.factories import ChairFactory
from tests.insights import dataset
from tests.insights.dataset import TODAY, at

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
PERIODS = [
    MARCH,
    Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),  # two months with samples
    Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),  # empty
    Period(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)),  # before any data
    Period(datetime.date(2026, 3, 12), datetime.date(2026, 3, 12)),  # one day, one decline
    Period(datetime.date(2025, 12, 1), datetime.date(2026, 12, 31)),  # into the future
]


def figures(insights):
    """Every figure the page shows (not where they came from)."""
    return {
        "open": insights.open_by_state,
        "overdue": insights.overdue,
        "escalated_open": insights.escalated_open,
        "escalations": insights.escalations_in_period,
        "responded": insights.responded,
        "declined": insights.declined,
        "completed": insights.completed,
        "reminders": insights.reminders_for_completed,
        "turnarounds": insights.turnarounds,
        "months": insights.months,
        "reviewers": insights.reviewers,
        "declines": insights.decline_reasons,
        "horizon": insights.horizon,
    }


def live_and_rolled_up(period):
    """(the figures with no roll-ups, the figures after a full roll-up)."""
    rollups.clear()
    live = board_insights(period, today=TODAY)
    assert live.rolled_up_at is None
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    rolled = board_insights(period, today=TODAY)
    return live, rolled


@pytest.fixture
def data():
    return dataset.build()


def test_durations_to_the_second_are_read_from_the_roll_ups(data):
    """Real timestamps make every duration different: the roll-ups hold one row per
    sample, and the page still reads them, with the figures counted live."""
    generator = random.Random(15)
    for n in range(40):
        answered = at(2 + n % 25, generator.randrange(24), generator.randrange(60))
        answered += datetime.timedelta(seconds=generator.randrange(60))
        dataset._assignment(
            data["okafor"] if n % 2 else data["raman"],
            data["other_topic"] if n % 3 else data["topic"],
            invited=answered - datetime.timedelta(seconds=generator.randrange(3600, 14 * 86400)),
            responded=answered,
            completed=answered + datetime.timedelta(seconds=generator.randrange(86400, 30 * 86400))
            if n % 4
            else None,
        )
    live, rolled = live_and_rolled_up(MARCH)
    assert rolled.rolled_up_at is not None
    found = samples.coverage(MARCH.first_day, MARCH.last_day, today=TODAY)
    assert len(found.rolled_up) == 30  # and "today", 31 March, is counted live
    assert figures(rolled) == figures(live)
    assert rolled.turnarounds["response"].count == 45
    durations = InsightsRollup.objects.filter(
        measure=MEASURE_CODES[RollupMeasure.RESPONSE]
    ).values_list("seconds", flat=True)
    assert len(set(durations)) == len(durations) == 46  # one row a sample, January's too


def add_late_response(data, when, **state):
    return dataset._assignment(
        data["raman"],
        data["topic"],
        invited=when - datetime.timedelta(hours=30),
        responded=when,
        **state,
    )


def settle(minutes=60):
    """Date every row's last change ``minutes`` ago, and the last roll-up (if any) half as
    long ago: as if nothing had changed since the last sweep."""
    ago = timezone.now() - datetime.timedelta(minutes=minutes)
    Assignment.objects.update(updated_at=ago)
    Submission.objects.update(updated_at=ago)
    Feedback.objects.update(updated_at=ago)
    Notification.objects.update(created_at=ago)
    InsightsDay.objects.update(computed_at=ago + datetime.timedelta(minutes=minutes // 2))


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_rolled_up_figures_are_the_live_figures(data, period):
    live, rolled = live_and_rolled_up(period)
    assert figures(rolled) == figures(live)
    if period.first_day.year == 2026:  # the days before the first sample are not rolled up
        assert rolled.rolled_up_at is not None


def test_the_hand_computed_march_figures_come_from_the_roll_ups(data):
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    assert InsightsRollup.objects.filter(day__month=3, day__year=2026).exists()
    insights = board_insights(MARCH, today=TODAY)
    assert insights.rolled_up_at is not None
    response = insights.turnarounds["response"]
    assert (response.count, response.median, response.p90) == (5, 2.0, 4.8)
    assert insights.decline_reasons == [("Too busy", 2)]
    assert insights.reminders_per_completed_review == 1.5
    rows = {row.name: row for row in insights.reviewers}
    assert (rows["Dr. A Raman"].responses.median, rows["Dr. A Raman"].responses.p90) == (1.0, 2.6)


def test_fractional_durations_and_repeated_values_stay_exact(data):
    """Durations in seconds, several samples with the same duration on one day: the
    histogram gives the same interpolated percentiles as the samples themselves."""
    for minutes in (7, 7, 7, 1441, 2000):
        add_late_response(data, at(18, 9, minutes % 60) + datetime.timedelta(minutes=minutes))
    live, rolled = live_and_rolled_up(MARCH)
    assert figures(rolled) == figures(live)
    assert rolled.turnarounds["response"].count == 10


def test_an_answer_just_after_local_midnight_rolls_up_into_the_local_day(data, settings):
    settings.TIME_ZONE = "Europe/Berlin"  # UTC+1 in winter
    answered = datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC)  # 1 March, 00:30
    add_late_response(data, answered, state=AssignmentState.DECLINED, review_due=None)
    february = Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    for period in (MARCH, february):
        live, rolled = live_and_rolled_up(period)
        assert figures(rolled) == figures(live)
    assert board_insights(MARCH, today=TODAY).turnarounds["response"].count == 6
    assert InsightsRollup.objects.filter(day=datetime.date(2026, 3, 1), declined=True).exists()

    # Berlin's days are not UTC's: in UTC the roll-ups are not used, the answer is February's.
    settings.TIME_ZONE = "UTC"
    in_utc = board_insights(february, today=TODAY)
    assert in_utc.rolled_up_at is None
    assert in_utc.turnarounds["response"].count == 1
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    assert figures(board_insights(february, today=TODAY)) == figures(in_utc)
    assert InsightsDay.objects.filter(time_zone="UTC").exists()
    assert InsightsDay.objects.filter(time_zone="Europe/Berlin").exists()


def test_a_day_not_rolled_up_is_counted_live(data):
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    InsightsDay.objects.filter(day=datetime.date(2026, 3, 12)).delete()  # the sweep missed it
    add_late_response(data, at(12, 15))  # and a response came in that day
    insights = board_insights(MARCH, today=TODAY)
    assert insights.rolled_up_at is not None
    assert insights.turnarounds["response"].count == 6
    rollups.clear()
    assert figures(board_insights(MARCH, today=TODAY)) == figures(insights)


def test_a_day_rolled_up_before_it_ended_is_counted_live(data):
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    InsightsDay.objects.filter(day=datetime.date(2026, 3, 20)).update(computed_at=at(20, 18))
    add_late_response(data, at(20, 23, 59))
    assert board_insights(MARCH, today=TODAY).turnarounds["response"].count == 6


def test_today_is_always_counted_live():
    today = timezone.localdate()
    rollups.roll_up_days([today - datetime.timedelta(days=n) for n in range(40)])
    assert InsightsDay.objects.filter(day=today).exists()
    period = Period.last_days(30)
    found = board_insights(period)
    assert found.rolled_up_at is not None  # the days before today came from roll-ups
    assert today not in samples.coverage(period.first_day, period.last_day).rolled_up


def test_the_sweep_rolls_up_again_the_days_that_changed(data):
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    settle()
    today = timezone.localdate()
    assert rollups.days_due(timezone.now()) == [today]  # nothing changed since
    before = board_insights(MARCH, today=TODAY)
    # A decline recorded after the roll-up (declined: what is open now stays the same).
    late = add_late_response(
        data, at(25, 10), state=AssignmentState.DECLINED, review_due=None, close_reason="Away"
    )
    stale = board_insights(MARCH, today=TODAY)
    assert figures(stale) == figures(before)  # the roll-up of 25 March is as of its sweep

    assert rollups.days_due(timezone.now()) == [datetime.date(2026, 3, 25), today]
    result = run_sweep()
    assert result.insights_days_rolled_up >= 1
    assert "insights days rolled up" in result.summary()
    after = board_insights(MARCH, today=TODAY)
    assert after.turnarounds["response"].count == 6
    assert after.decline_reasons == [("Too busy", 2), ("Away", 1)]
    rollups.clear()
    assert figures(board_insights(MARCH, today=TODAY)) == figures(after)
    assert late.responded_at == at(25, 10)


def test_rolling_up_twice_writes_the_same_rows(data):
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    first = sorted(
        InsightsRollup.objects.values_list("day", "measure", "reviewer_id", "article_id", "seconds")
    )
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    rollups.sweep_rollups()
    again = sorted(
        InsightsRollup.objects.values_list("day", "measure", "reviewer_id", "article_id", "seconds")
    )
    assert again == first
    days = list(InsightsDay.objects.values_list("time_zone", "day"))
    assert len(days) == len(set(days))


def test_the_first_sweep_rolls_up_today_and_fills_in_recent_days(data):
    assert rollups.sweep_rollups() == 1 + rollups.BACKFILL_PER_SWEEP
    today = timezone.localdate()
    assert InsightsDay.objects.filter(day=today).exists()
    oldest = today - datetime.timedelta(days=rollups.BACKFILL_PER_SWEEP)
    assert InsightsDay.objects.filter(day=oldest).exists()
    assert not InsightsDay.objects.filter(day__lt=oldest).exists()


def test_a_reviewers_own_figures_read_the_roll_ups(data):
    live = reviewer_rows(MARCH, reviewer_ids=[data["raman"].pk], today=TODAY)
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    assert reviewer_rows(MARCH, reviewer_ids=[data["raman"].pk], today=TODAY) == live


def test_a_topic_is_read_from_the_roll_ups(data):
    topic = Period(MARCH.first_day, MARCH.last_day, data["topic"])
    live, rolled = live_and_rolled_up(topic)
    assert rolled.rolled_up_at is not None
    assert figures(rolled) == figures(live)
    response = rolled.turnarounds["response"]
    assert (response.count, response.median, response.p90) == (4, 1.5, 2.7)  # hand-computed


def test_an_article_moved_to_another_topic_moves_its_rolled_up_samples(data):
    """The roll-ups keep each sample's article, and a topic is matched through the
    article as it is now: a move shows at once, with no roll-up to redo."""
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    neurology = Period(MARCH.first_day, MARCH.last_day, data["other_topic"])
    assert board_insights(neurology, today=TODAY).turnarounds["response"].count == 1
    Article.objects.filter(pk=data["a1"].submission.article_id).update(topic=data["other_topic"])
    moved = board_insights(neurology, today=TODAY)
    assert moved.rolled_up_at is not None
    assert moved.turnarounds["response"].count == 2
    rollups.clear()
    assert figures(board_insights(neurology, today=TODAY)) == figures(moved)


def test_rollup_insights_rebuilds_with_a_progress_bar(data, capsys):
    out = io.StringIO()
    call_command("rollup_insights", "--rebuild", stdout=out)
    days = (timezone.localdate() - datetime.date(2026, 1, 1)).days + 1
    assert f"Rolled up {days} day(s) in UTC." in out.getvalue()
    assert f"Days: 100%|██████████| {days}/{days}" in capsys.readouterr().err
    assert InsightsDay.objects.count() == days
    settle()
    out = io.StringIO()
    call_command("rollup_insights", "--no-progress", stdout=out)
    assert "Rolled up 1 day(s)" in out.getvalue()  # today only: nothing else changed


def test_the_page_says_up_to_when_its_figures_go(client):
    dataset.build()
    client.force_login(ChairFactory(username="the-chair"))
    url = reverse("admin:editorial_insights")
    page = client.get(url, {"range": "365"}).text
    assert "Figures up to now: every day counted live" in page
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    rolled_at = InsightsDay.objects.latest("computed_at").computed_at
    page = client.get(url, {"range": "365"}).text
    stamp = timezone.localtime(rolled_at).strftime("%-d %b %Y, %H:%M")
    assert f"Figures up to {stamp}" in page


def test_the_page_runs_the_same_queries_with_roll_ups(client, django_assert_num_queries):
    dataset.build()
    client.force_login(ChairFactory(username="the-chair"))
    url = reverse("admin:editorial_insights")
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    client.get(url, {"range": "365"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url, {"range": "365"})
    with CaptureQueriesContext(connection) as topic:
        client.get(url, {"range": "365", "topic": "hematology"})
    for _ in range(3):
        dataset.build_more()
    rollups.roll_up_days(rollups.every_day(timezone.localdate()))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url, {"range": "365"})
    with django_assert_num_queries(len(topic.captured_queries)):
        client.get(url, {"range": "365", "topic": "hematology"})
    assert len(topic.captured_queries) == len(small.captured_queries) + 1  # the topic
