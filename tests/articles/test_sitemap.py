"""The sitemap lists approved articles only, with lastmod from their last review."""

import datetime
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from editorial.models import EditorialPolicy
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_lists_approved_articles_with_last_review(client, submitted):
    policy = EditorialPolicy.load()
    policy.publish_pending = True  # pending pages are visible but noindex: not listed
    policy.save()
    revision = RevisionFactory(article=ArticleFactory(slug="approved-one"), number=1)
    reviewed_at = timezone.now() - datetime.timedelta(days=3)
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="map"), approved_at=reviewed_at)

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {
        url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod")
        for url in ElementTree.fromstring(response.content).findall(f"{SITEMAP}url")
    }
    article_url = next(loc for loc in urls if loc.endswith("/articles/approved-one/"))
    assert urls[article_url].text == timezone.localdate(reviewed_at).isoformat()
    assert not any(submitted.article.slug in loc for loc in urls)
    assert any(loc.endswith("/editorial-policy/") for loc in urls)
    assert any(loc.endswith("/board/") for loc in urls)
