"""The rendered page is cached per audience and every change that alters it shows up:
a new approval, an update under review, a policy change, a related-question change."""

import subprocess
import sys
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client, override_settings

from articles import page_cache
from articles.models import PageChange, RelatedQuestion
from articles.services import revision_draft_for_edit, revision_update_draft
from editorial import services
from editorial.models import EditorialPolicy
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import ArticleFactory, RevisionFactory
from tests.realservices import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def published(under_review, chair):
    """An article approved through the editorial services."""
    services.submission_approve(
        submission=under_review, actor=chair, reviewers=[chair.board_member]
    )
    return under_review.article


def get(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_page_is_cached_per_audience(client, published):
    assert get(client, published)[0]["X-Reader-Cache"] == "miss"
    assert get(client, published)[0]["X-Reader-Cache"] == "hit"
    response, html = get(client, published, audience="patient")
    assert response["X-Reader-Cache"] == "miss"
    assert 'value="patient" aria-describedby="audience-hint" checked' in html
    assert get(client, published)[0]["X-Reader-Cache"] == "hit"  # the cookie says patient
    assert get(client, published, audience="professional")[0]["X-Reader-Cache"] == "hit"


def test_the_cached_page_is_the_same_for_every_visitor_and_sets_no_cookie(published):
    first = Client().get(published.get_absolute_url())
    second = Client().get(published.get_absolute_url())
    assert second["X-Reader-Cache"] == "hit"
    assert first.content == second.content
    assert not second.cookies
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert second["Vary"] == "Cookie"


def test_a_new_approval_shows_up(client, published, author, chair):
    get(client, published)
    draft = revision_draft_for_edit(article=published, actor=author)
    revision_update_draft(revision=draft, title="Can the answer change after review?")
    submission = services.submission_submit(article=published, revision=draft, actor=author)
    services.submission_start_review(submission=submission, actor=chair)
    services.submission_approve(submission=submission, actor=chair, reviewers=[chair.board_member])

    response, html = get(client, published)
    assert response["X-Reader-Cache"] == "miss"
    assert "Can the answer change after review?" in html
    assert "update approved" in html


def test_an_update_under_review_shows_up(client, published, author):
    _, html = get(client, published)
    assert "An update to this article is under review." not in html
    draft = revision_draft_for_edit(article=published, actor=author)
    services.submission_submit(article=published, revision=draft, actor=author)
    _, html = get(client, published)
    assert "An update to this article is under review." in html


def test_a_policy_change_shows_up(client, submitted):
    article = submitted.article
    assert client.get(article.get_absolute_url()).status_code == 404
    policy = EditorialPolicy.load()
    policy.publish_pending = True
    policy.policy_text = "Every answer is checked by two physicians."
    policy.save()
    assert "pending human review" in get(client, article)[1]
    assert (
        "Every answer is checked by two physicians."
        in client.get("/editorial-policy/").content.decode()
    )
    policy.publish_pending = False
    policy.save()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_related_question_change_shows_up(client, published):
    other = RevisionFactory(article=ArticleFactory(), number=1, title="Another question?")
    lock_and_publish(other, reviewers=make_reviewers(1, tag="cache"))
    assert "Another question?" not in get(client, published)[1]
    link = RelatedQuestion.objects.create(article=published, related=other.article)
    assert "Another question?" in get(client, published)[1]
    link.delete()
    assert "Another question?" not in get(client, published)[1]


def test_a_newly_approved_article_in_the_topic_shows_up_as_related(client, published):
    get(client, published)
    same_topic = RevisionFactory(
        article=ArticleFactory(topic=published.topic), number=1, title="Same topic, newer?"
    )
    lock_and_publish(same_topic, reviewers=make_reviewers(1, tag="topic"))
    assert "Same topic, newer?" in get(client, published)[1]


def test_commit_discards_a_page_rendered_from_the_rows_before_it(
    client, published, django_capture_on_commit_callbacks
):
    """A reader who read the old rows while the change was in flight started rendering
    before the commit; the commit marks the change seen after that, so the page is
    never served."""
    scopes = page_cache.page_scopes(article_id=published.pk, topic_id=published.topic_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        published.topic.name = "Renamed topic"
        published.topic.save()
        started = page_cache.render_started()
        stale = b"<p>stale page rendered before the commit</p>"

        def another_request():  # its connection cannot see the uncommitted change
            page_cache.store_page(
                published.slug, "professional", stale, rendered_at=started, scopes=scopes
            )
            return page_cache.cached_page(published.slug, "professional")

        assert in_another_thread(another_request) == stale
    assert callbacks, "nothing was scheduled on commit"
    for callback in callbacks:
        callback()
    assert page_cache.cached_page(published.slug, "professional") is None
    assert "Renamed topic" in get(client, published)[1]


def in_another_thread(function):
    results = []

    def run():
        try:
            results.append(function())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return results[0]


def test_a_page_rendered_before_a_change_to_what_it_shows_is_never_served(published):
    scopes = page_cache.page_scopes(article_id=published.pk, topic_id=published.topic_id)
    started = page_cache.render_started()
    page_cache.page_changed(page_cache.topic_scope(published.topic_id))
    page_cache.store_page(
        published.slug, "professional", b"<p>old</p>", rendered_at=started, scopes=scopes
    )
    assert page_cache.cached_page(published.slug, "professional") is None


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_the_page_still_renders_when_the_cache_is_down(client, published):
    published.refresh_from_db()
    response, html = get(client, published)
    assert response["X-Reader-Cache"] == "miss"
    assert published.published_revision.title in html


def test_a_change_made_by_another_process_arrives_within_the_check_interval(
    client, published, settings
):
    get(client, published)
    # Another web process committed a change: its row is in PostgreSQL, this process has
    # not looked since.
    settings.READER_CACHE_CHECK_SECONDS = 60
    PageChange.objects.create(scope=page_cache.article_scope(published.pk))
    assert get(client, published)[0]["X-Reader-Cache"] == "hit"
    settings.READER_CACHE_CHECK_SECONDS = 0  # the interval is over
    assert get(client, published)[0]["X-Reader-Cache"] == "miss"
    assert get(client, published)[0]["X-Reader-Cache"] == "hit"


def test_a_page_expires_even_if_no_change_is_ever_seen(client, published, monkeypatch):
    """Pages leave the shared cache after PAGE_TIMEOUT; this process's copy expires with
    the shared one."""
    get(client, published)
    later = time.time() + page_cache.PAGE_TIMEOUT + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert get(client, published)[0]["X-Reader-Cache"] == "miss"


def test_each_process_keeps_the_pages_it_served_last(monkeypatch):
    """Least recently used, not first in first out: a page read again stays in memory."""
    monkeypatch.setattr(page_cache, "LOCAL_PAGES_MAX", 3)
    started = page_cache.render_started() + 0.001
    for slug in ("a", "b", "c"):
        page_cache.store_page(slug, "pro", slug.encode(), rendered_at=started, scopes=())
    assert page_cache.cached_page("a", "pro") == b"a"  # "a" is now the most recently used
    cache.clear()  # from here on only this process's memory can answer

    page_cache.store_page("d", "pro", b"d", rendered_at=started, scopes=())

    assert list(page_cache._local.pages) == [
        page_cache.page_key(slug, "pro") for slug in ("c", "a", "d")
    ]


def test_the_check_interval_is_a_declared_setting_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.READER_CACHE_CHECK_SECONDS)"
    )
    outputs = []
    for value in (None, "5"):
        env = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.development",
            **({"READER_CACHE_CHECK_SECONDS": value} if value else {}),
        }
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.strip())
    assert outputs == ["1.0", "5.0"]
