"""Finding 8 of issue 13: behind a reverse proxy every reader had the proxy's address, so
all shared one feedback rate-limit bucket. ``TRUSTED_PROXY_COUNT`` says how many proxies
of ours stand in front; the client is read from X-Forwarded-For that many hops from the
right, and the header is ignored without a proxy. Every rate limit uses it."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from articles.client_ip import client_ip
from articles.feedback import RATE_LIMIT
from articles.models import FeedbackKind
from tests.articles.reader_support import b12_article, lock_and_publish, make_reviewers
from tests.articles.test_reader_feedback import feedback_url

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def address(forwarded=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address("203.0.113.9") == PROXY
    assert address() == PROXY


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert address("203.0.113.9") == "203.0.113.9"
    # A client cannot choose its bucket: what it wrote stands left of what nginx appended.
    assert address("198.51.100.1, 203.0.113.9") == "203.0.113.9"
    assert address() == PROXY  # not through the proxy
    assert address("not-an-address") == PROXY


def test_behind_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert address("198.51.100.1, 203.0.113.9, 10.0.0.2") == "203.0.113.9"


def post_through_proxy(client, article, forwarded):
    data = {
        "kind": FeedbackKind.ERROR,
        "message": "The ferritin threshold in the third section looks wrong.",
        "revision": article.published_revision_id,
    }
    return client.post(
        feedback_url(article), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
    )


def test_feedback_behind_a_proxy_limits_each_reader_not_everyone(client, settings, author):
    article, revision = b12_article(author=author)
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="ip"))
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(RATE_LIMIT + 3):  # many readers, one proxy: none is limited
        response = post_through_proxy(client, article, f"203.0.113.{number}")
        assert response.status_code == 303, number
    for _ in range(RATE_LIMIT + 1):  # one reader writing again and again is
        response = post_through_proxy(client, article, "198.51.100.1, 203.0.113.77")
    assert response.status_code == 429
