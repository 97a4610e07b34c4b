"""The uncached article page runs at most four SQL queries whatever the size of the
article; the cached page runs none."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import RelatedQuestion, ReviewRecord
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


@pytest.mark.parametrize("size", [1, 50])
def test_uncached_article_page_runs_four_queries(client, size, django_assert_num_queries):
    article = build_article(size)
    cache.clear()
    with django_assert_num_queries(4):
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


def test_pending_article_page_runs_four_queries_once_the_policy_is_cached(
    client, submitted, django_assert_num_queries
):
    policy = EditorialPolicy.load()
    policy.publish_pending = True
    policy.save()
    cache.clear()
    client.get("/editorial-policy/")  # loads the policy into the cache
    with django_assert_num_queries(4):
        response = client.get(submitted.article.get_absolute_url())
    assert response.status_code == 200
    assert "pending human review" in response.content.decode()
