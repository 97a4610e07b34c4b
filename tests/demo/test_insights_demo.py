"""Issue 15 on the demo: the chair's insights page shows the demo board's figures with
charts; a dossier of the B12 article downloads as PDF and JSON; /board/ shows ORCID iDs.

The demo is replayed in seconds, so every turnaround is 0 days: the counts are what tell."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from articles.models import Article
from editorial.dossiers import verify_dossier_json

pytestmark = pytest.mark.django_db

B12 = "vitamin-b12-deficiency-restless-legs"


@pytest.fixture
def chair_client(client, seeded_demo):
    client.force_login(get_user_model().objects.get(username="chair"))
    return client


def table(client, key):
    response = client.get(reverse("admin:editorial_insights"), {"range": "90", "csv": key})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def test_the_insights_page_shows_the_demo_boards_figures_with_charts(chair_client):
    response = chair_client.get(reverse("admin:editorial_insights"))
    assert response.status_code == 200
    assert response.text.count('class="insights-chart"') == 6
    assert "No reviews in this period." not in response.text
    assert table(chair_client, "open") == [
        ["Invited, awaiting a response", "3"],
        ["Accepted, in review", "2"],
        ["Overdue now", "1"],
        ["Escalated to the chair, still open", "0"],
        ["Escalations in this period", "0"],
    ]
    assert table(chair_client, "turnaround") == [
        ["Invitation → response", "16", "0.0", "0.0"],
        ["Acceptance → decision", "10", "0.0", "0.0"],
        ["Submission → approval", "4", "0.0", "0.0"],
        ["Reader report → triage", "0", "", ""],
    ]
    assert [row[:4] for row in table(chair_client, "reviewers")] == [
        ["Dr. Adaeze Okafor", "1", "5", "2"],
        ["Dr. Priya Raman", "2", "5", "4"],
        ["Dr. Tomás Ferreira", "2", "5", "10"],
    ]
    assert table(chair_client, "declines") == []
    assert "0 of 16 invitations answered in this period were declined (0%)." in response.text
    assert len(table(chair_client, "trend")) == 1  # everything happened this month
    assert table(chair_client, "horizon") == [
        ["Past due", "0"],
        ["Within 30 days", "0"],
        ["Within 60 days", "0"],
        ["Within 90 days", "0"],
    ]


def test_a_dossier_of_the_b12_article_downloads_as_pdf_and_json(chair_client):
    article = Article.objects.get(slug=B12)
    url = reverse("admin:editorial_dossier", args=[article.pk, "json"])
    data = json.loads(chair_client.get(url).content)
    assert data["audit_verification"]["intact"]
    assert verify_dossier_json(data) == []
    hashes = [r["content_hash"] for r in data["revisions"] if r["content_hash"]]
    assert hashes
    pdf = chair_client.get(reverse("admin:editorial_dossier", args=[article.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    compact = text.replace("\n", "").replace(" ", "")
    assert all(content_hash in compact for content_hash in hashes)


def test_the_board_page_shows_the_demo_orcid_ids(client, seeded_demo):
    html = client.get(reverse("reviewers:board")).text
    for orcid in ("0000-0001-9273-3583", "0000-0002-6610-1547", "0000-0001-7751-2096"):
        assert f"https://orcid.org/{orcid}" in html
    assert html.count("(self-reported)") == 4
