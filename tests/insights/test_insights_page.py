"""The chair's insights page (issue 15): charts as valid SVG with a title and description,
each beside its table with a CSV download that round-trips; a constant number of
queries; bad input as form errors; the chair's page is 403 to a reviewer."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import BoardMemberFactory, ChairFactory
from tests.insights import dataset

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
MARCH = {"range": "dates", "first_day": "2026-03-01", "last_day": "2026-03-31"}


@pytest.fixture
def chair_client(client):
    client.force_login(ChairFactory(username="the-chair"))
    return client


def insights(client, **params):
    return client.get(reverse("admin:editorial_insights"), params)


def charts(html):
    """Every chart of the page, parsed as XML (any SVG that is not XML fails)."""
    found, start = [], 0
    while (start := html.find("<svg xmlns=", start)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = end
    return [svg for svg in found if svg.get("class") == "insights-chart"]


def test_the_page_draws_every_table_as_an_accessible_svg_chart(chair_client):
    dataset.build()
    response = insights(chair_client, **MARCH)
    assert response.status_code == 200
    svgs = charts(response.text)
    assert len(svgs) == 6
    for svg in svgs:
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text
        assert desc is not None and desc.text
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert svg.find(f".//{SVG}script") is None
    turnaround = next(s for s in svgs if s.get("aria-labelledby").startswith("chart-turnaround"))
    assert "Invitation → response: Median (days) 2 days, 90th percentile (days) 4.8 days" in (
        turnaround.find(f"{SVG}desc").text
    )
    assert "<script" not in response.text.split('<div id="content-main">')[1]


def test_each_csv_round_trips_to_the_table_on_the_page(chair_client):
    dataset.build()
    response = insights(chair_client, **MARCH, csv="turnaround")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="insights-turnaround-2026-03-01-2026-03-31.csv"'
        in (response["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Step", "Samples", "Median (days)", "90th percentile (days)"],
        ["Invitation → response", "5", "2.0", "4.8"],
        ["Acceptance → decision", "2", "7.0", "9.4"],
        ["Submission → approval", "1", "7.0", "7.0"],
        ["Reader report → triage", "1", "2.0", "2.0"],
    ]
    horizon = insights(chair_client, **MARCH, csv="horizon").content.decode()
    assert list(csv.reader(io.StringIO(horizon)))[1:] == [
        ["Past due", "1"],
        ["Within 30 days", "1"],
        ["Within 60 days", "2"],
        ["Within 90 days", "3"],
    ]
    assert insights(chair_client, **MARCH, csv="nope").status_code == 404


def test_the_page_runs_the_same_queries_however_much_data(chair_client, django_assert_num_queries):
    dataset.build()
    insights(chair_client, **MARCH)  # warm the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        insights(chair_client, **MARCH)
    for _ in range(3):
        dataset.build_more()
    with django_assert_num_queries(len(small.captured_queries)):
        insights(chair_client, **MARCH)


def test_an_empty_period_says_so(chair_client):
    dataset.build()
    response = insights(chair_client, range="dates", first_day="2025-01-01", last_day="2025-01-31")
    assert response.status_code == 200
    assert "No reviews in this period." in response.text
    assert "Decline rate</dt><dd>—" in response.text


def test_an_inverted_date_range_is_a_form_error(chair_client):
    response = insights(chair_client, range="dates", first_day="2026-03-31", last_day="2026-03-01")
    assert response.status_code == 400
    assert "The start date (31 Mar 2026) is after the end date (1 Mar 2026)." in response.text
    assert charts(response.text) == []
    assert insights(chair_client, range="dates").status_code == 400
    assert insights(chair_client, range="dates", first_day="not a date").status_code == 400
    assert insights(chair_client, range="7").status_code == 400


def test_a_reviewer_opening_the_chairs_insights_gets_403(client):
    member = BoardMemberFactory()
    client.force_login(member.user)
    assert insights(client).status_code == 403
    assert insights(client, csv="open").status_code == 403


def test_the_chairs_index_links_to_the_insights(chair_client):
    html = chair_client.get(reverse("admin:index")).text
    assert reverse("admin:editorial_insights") in html
