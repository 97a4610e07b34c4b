"""Reader report → triage (issue 15) is measured to ``Feedback.triaged_at``: stamped the first
time a report is triaged, by the triage service or the admin, and never moved by a later
edit (which moves ``updated_at``)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from articles.models import Feedback, FeedbackKind, FeedbackStatus
from editorial import services
from editorial.insights import rollups
from editorial.insights.periods import Period
from editorial.insights.statistics import board_insights

pytestmark = pytest.mark.django_db


def triage_figures():
    turnaround = board_insights(Period.last_days(30)).turnarounds["triage"]
    return (turnaround.count, turnaround.median, turnaround.p90)


@pytest.fixture
def report(approved):
    article = approved.article
    article.refresh_from_db()
    report = Feedback.objects.create(
        article=article, revision=article.published_revision, kind=FeedbackKind.ERROR, message="?"
    )
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    Feedback.objects.filter(pk=report.pk).update(created_at=two_days_ago)
    report.refresh_from_db()
    return report


def test_the_triage_service_stamps_triaged_at(report, chair):
    assert report.triaged_at is None
    services.feedback_mark_valid(feedback=report, actor=chair)
    report.refresh_from_db()
    assert report.status == FeedbackStatus.VALID
    assert timezone.now() - report.triaged_at < datetime.timedelta(minutes=1)
    assert triage_figures() == (1, 2.0, 2.0)


def test_editing_a_triaged_report_later_does_not_change_the_figure(report, chair):
    services.feedback_mark_valid(feedback=report, actor=chair)
    report.refresh_from_db()
    triaged_at = report.triaged_at
    before = triage_figures()
    assert before == (1, 2.0, 2.0)

    # Three days later the chair adds a note and then calls it answered.
    later = triaged_at + datetime.timedelta(days=3)
    report.chair_note = "Fixed in revision 3."
    report.save()
    report.status = FeedbackStatus.ANSWERED
    report.save(update_fields=["status", "updated_at"])
    Feedback.objects.filter(pk=report.pk).update(updated_at=later)
    report.refresh_from_db()
    assert report.triaged_at == triaged_at
    assert report.updated_at == later
    assert triage_figures() == before
    rollups.roll_up_days([timezone.localdate() - datetime.timedelta(days=n) for n in range(5)])
    assert triage_figures() == before


def test_marking_a_report_in_the_admin_stamps_it_once(report, admin_client):
    from django.urls import reverse

    url = reverse("admin:articles_feedback_changelist")
    admin_client.post(url, {"action": "mark_invalid", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.status == FeedbackStatus.INVALID
    first = report.triaged_at
    assert first is not None
    admin_client.post(url, {"action": "mark_answered", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.status == FeedbackStatus.ANSWERED
    assert report.triaged_at == first


def test_the_migration_dates_reports_triaged_before_it_from_their_last_change(report):
    triaged_on = timezone.now() - datetime.timedelta(days=1)
    Feedback.objects.filter(pk=report.pk).update(
        status=FeedbackStatus.INVALID, triaged_at=None, updated_at=triaged_on
    )
    untouched = Feedback.objects.create(
        article=report.article, kind=FeedbackKind.ERROR, message="!"
    )
    migration = importlib.import_module("articles.migrations.0011_feedback_triaged_at")
    migration.backfill_triaged_at(apps, None)
    report.refresh_from_db()
    untouched.refresh_from_db()
    assert report.triaged_at == triaged_on
    assert untouched.triaged_at is None
