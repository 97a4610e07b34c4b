"""The scheduler is observable (issue 13): each sweep records when it ran and what it did;
``/healthz`` and the chair's admin index show the last sweep and turn red when it is more
than two intervals old (beat or the worker stopped)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from editorial.models import SweepRun
from editorial.sweep import run_sweep

pytestmark = pytest.mark.django_db


def test_each_sweep_records_when_it_ran_and_what_it_did(approved):
    run_sweep()
    call_command("send_reminders", stdout=StringIO())
    runs = list(SweepRun.objects.all())
    assert len(runs) == 2
    assert runs[0].finished_at >= runs[0].started_at
    assert set(runs[0].counts) >= {"re_reviews_opened", "reminders_claimed", "outbox_resent"}
    assert runs[0].error == ""


def age(run, **delta):
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now() - timedelta(**delta))


def test_healthz_shows_the_last_sweep_and_turns_red_when_it_is_two_intervals_old(client, settings):
    settings.SWEEP_INTERVAL_SECONDS = 900
    body = client.get("/healthz").json()
    assert body["sweep"] == "not run yet" and body["last_sweep"] is None
    run_sweep()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["sweep"] == "ok"
    assert "reminders_claimed" in response.json()["last_sweep"]["counts"]
    age(SweepRun.objects.get(), minutes=29)
    assert client.get("/healthz").status_code == 200
    age(SweepRun.objects.get(), minutes=31)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["sweep"] and response.json()["sweep"] == "stale"


def test_the_chairs_admin_index_shows_the_last_sweep_in_red_when_stale(client, chair):
    client.force_login(chair)
    assert "No reminder sweep has run yet" in client.get("/admin/").content.decode()
    run_sweep()
    page = client.get("/admin/").content.decode()
    assert "Last reminder sweep" in page and "is celery beat running?" not in page
    age(SweepRun.objects.get(), hours=1)
    page = client.get("/admin/").content.decode()
    assert 'class="errornote"' in page and "is celery beat running?" in page
