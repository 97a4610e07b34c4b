"""The uncached article page runs one SQL query whatever the size of the article
(articles/reader_query.py; a pending article, four); the cached page runs none. (Each
process also asks PostgreSQL for recent page changes at most once every
READER_CACHE_CHECK_SECONDS, one query, made here beforehand.)"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import page_cache, stored_html
from articles.models import RelatedQuestion, ReviewRecord
from articles.rendering import RENDERER_VERSION
from editorial.models import EditorialPolicy
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory

pytestmark = pytest.mark.django_db


def build_article(size):
    """An approved article with ``size`` references (all cited), reviewers, approvals in
    its history, curated related questions and same-topic articles."""
    article = ArticleFactory(slug=f"big-{size}")
    citations = " ".join(f"[{n}]" for n in range(1, size + 1))
    revision = RevisionFactory(article=article, number=1, body=f"Evidence {citations}.")
    for position in range(1, size + 1):
        ReferenceFactory(revision=revision, position=position, title=f"Study {position}")
    reviewers = make_reviewers(size, tag=f"q{size}")
    start = timezone.now() - datetime.timedelta(days=size + 1)
    lock_and_publish(revision, reviewers=reviewers, approved_at=start)
    ReviewRecord.objects.bulk_create(
        ReviewRecord(
            article=article,
            revision=revision,
            approved_at=start + datetime.timedelta(days=day),
            content_hash=revision.content_hash,
            reviewers=article.reviewed_by,
            is_re_review=True,
        )
        for day in range(1, size)
    )
    for index in range(size):
        curated = RevisionFactory(article=ArticleFactory(), number=1, title=f"Curated {index}?")
        lock_and_publish(curated, reviewers=reviewers[:1])
        RelatedQuestion.objects.create(article=article, related=curated.article, position=index)
        same = RevisionFactory(
            article=ArticleFactory(topic=article.topic), number=1, title=f"Same topic {index}?"
        )
        lock_and_publish(same, reviewers=reviewers[:1])
    return article


@pytest.fixture
def polled(settings):
    """This process has just asked for page changes and will not ask again in the test."""
    settings.READER_CACHE_CHECK_SECONDS = 600

    def poll():
        page_cache.reset()
        assert page_cache.refresh()

    return poll


@pytest.mark.parametrize("size", [1, 50])
def test_uncached_article_page_runs_one_query(client, size, django_assert_num_queries, polled):
    article = build_article(size)
    stored_html.revision_store_rendered(article.published_revision)  # as at submission
    cache.clear()
    polled()
    with django_assert_num_queries(1):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Reader-Cache"] == "miss"
    html = response.content.decode()
    assert html.count('<li id="ref-') == size
    assert html.count('href="/board/#reviewer-') >= size
    assert "Curated 0?" in html

    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert response["X-Reader-Cache"] == "hit"


def test_pending_article_page_runs_three_queries_once_the_policy_is_cached(
    client, submitted, django_assert_num_queries, polled
):
    """The page's row, the revision in review with its stored HTML, related questions: the
    references are in the stored HTML (rendered at submission), so they are not read."""
    policy = EditorialPolicy.load()
    policy.publish_pending = True
    policy.save()
    cache.clear()
    polled()
    client.get("/editorial-policy/")  # loads the policy into the cache
    with django_assert_num_queries(3):
        response = client.get(submitted.article.get_absolute_url())
    assert response.status_code == 200
    assert "pending human review" in response.content.decode()


def test_the_first_read_of_a_revision_without_stored_html_stores_it(
    client, django_assert_num_queries, polled
):
    """Revisions submitted before HTML was stored: rendered and stored on first read, one
    more query (the upsert, in a savepoint); the next render reads it."""
    article = build_article(1)
    polled()
    with django_assert_num_queries(1 + 3):  # SAVEPOINT, INSERT … ON CONFLICT, RELEASE
        assert client.get(article.get_absolute_url()).status_code == 200
    assert article.published_revision.rendered.renderer_version == RENDERER_VERSION
    cache.clear()
    page_cache.reset()
    polled()
    with django_assert_num_queries(1):
        assert client.get(article.get_absolute_url()).status_code == 200
