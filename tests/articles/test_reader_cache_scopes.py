"""Per-article invalidation (issue 12): a change drops the cached pages built from what it
changed and no others, across processes; READER_PAGE_CACHE turns the cache off."""

import pytest
from django.core.cache import cache
from django.test import Client

from articles import page_cache
from articles.models import PageChange
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory, TopicFactory
from tests.realservices import manage_env, run_python


def published(title, *, topic=None, tag):
    article = ArticleFactory(**({"topic": topic} if topic else {}))
    revision = RevisionFactory(article=article, number=1, title=title)
    lock_and_publish(revision, reviewers=make_reviewers(1, tag=tag))
    return article


def cache_state(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response["X-Reader-Cache"]


@pytest.mark.django_db(transaction=True)
def test_approving_a_in_another_process_leaves_b_cached_and_drops_a(settings, chair):
    settings.READER_CACHE_CHECK_SECONDS = 0  # ask PostgreSQL on every request
    cache.clear()
    a = published("Article A?", topic=TopicFactory(), tag="a")
    b = published("Article B?", topic=TopicFactory(), tag="b")
    linking = published("Links to A?", topic=b.topic, tag="l")
    linking.related_links.create(related=a, position=1)
    client = Client()
    for article in (a, b, linking):
        assert cache_state(client, article) == "miss"
        assert cache_state(client, article) == "hit"

    other_process = run_python(
        "from articles.models import Article\n"
        f"article = Article.objects.get(pk={a.pk})\n"
        "article.next_review_due = None\narticle.save()\n",
        env=manage_env(),
    )
    assert other_process.returncode == 0, other_process.stderr

    assert cache_state(client, b) == "hit"
    assert cache_state(client, a) == "miss"
    assert cache_state(client, linking) == "miss", "it shows A's title"
    assert PageChange.objects.filter(scope=page_cache.article_scope(a.pk)).exists()


@pytest.mark.django_db
def test_a_policy_change_drops_every_page(client):
    from editorial.models import EditorialPolicy

    article = published("Any article?", tag="p")
    cache_state(client, article)
    assert cache_state(client, article) == "hit"
    policy = EditorialPolicy.load()
    policy.policy_text = "New words."
    policy.save()
    assert cache_state(client, article) == "miss"


@pytest.mark.django_db
def test_reader_page_cache_off_renders_every_time(client, settings):
    settings.READER_PAGE_CACHE = False
    article = published("Never cached?", tag="off")
    assert cache_state(client, article) == "miss"
    assert cache_state(client, article) == "miss"
    assert "Never cached?" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_process_that_cannot_ask_postgresql_serves_nothing_from_cache(client, monkeypatch):
    article = published("Unknown changes?", tag="db")
    cache_state(client, article)
    assert cache_state(client, article) == "hit"

    def unreachable(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("server closed the connection")

    monkeypatch.setattr(page_cache.PageChange.objects, "filter", unreachable)
    page_cache._local.polled_at = float("-inf")
    assert page_cache.cached_page(article.slug, "professional") is None
