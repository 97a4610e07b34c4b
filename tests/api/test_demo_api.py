"""The demo of ``make run`` answers on the API and its docs page."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_demo_serves_its_articles_and_the_docs_page(client, seeded_demo):
    listing = client.get("/api/v1/articles/")
    assert listing.status_code == 200
    slugs = [row["slug"] for row in listing.json()["results"]]
    assert "vitamin-b12-deficiency-restless-legs" in slugs
    detail = client.get("/api/v1/articles/vitamin-b12-deficiency-restless-legs/").json()
    assert detail["review"]["reviewers"] and detail["references"]
    record = client.get(detail["review_record_url"].removeprefix(settings.SITE_URL))
    assert record.status_code == 200
    assert client.get("/api/docs/").status_code == 200
