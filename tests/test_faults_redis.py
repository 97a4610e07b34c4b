"""Redis faults (issue 13, findings 1 and 2), driven through a TCP fault proxy between the
app and a Redis server of the test's own: a black-holed Redis costs one short timeout, never
a held request, a 500 or a stale page; every case ends with the workflow state, the audit
chain and the outbox consistent, and each email sent exactly once."""

import json
import time

import pytest
from django.test import Client, override_settings

from articles import page_cache
from articles.circuit_breaker import CircuitBreaker, CircuitOpenError
from config import cache as breaker_cache
from editorial.audit import verify_chain
from editorial.models import Notification, Submission, SubmissionState
from tests.articles.reader_support import lock_and_publish, make_reviewers
from tests.factories import TEST_PASSWORD, ArticleFactory, RevisionFactory
from tests.faultproxy import FaultProxy
from tests.realservices import manage_env, run_python, start_worker_process, wait_for


@pytest.fixture
def redis_proxy(own_redis):
    proxy = FaultProxy(own_redis.port)
    yield proxy
    proxy.close()


def proxied_cache(proxy):
    return {
        "default": {
            "BACKEND": "config.cache.BreakerRedisCache",
            "LOCATION": proxy.url("redis", "/0"),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


# --- The breaker ----------------------------------------------------------------------


def test_the_breaker_fails_fast_after_a_failure_and_tries_again_later():
    now = [0.0]
    breaker = CircuitBreaker("thing", reset_after=5, clock=lambda: now[0])
    calls = []

    def failing():
        calls.append(1)
        raise TimeoutError

    with pytest.raises(TimeoutError):
        breaker.call(failing)
    with pytest.raises(CircuitOpenError):
        breaker.call(failing)
    assert len(calls) == 1, "the open breaker must not call through"
    now[0] = 5.1  # half-open: one call goes through
    assert breaker.call(lambda: "ok") == "ok"
    assert not breaker.is_open


# --- Reader pages -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reader_page_with_redis_black_holed_answers_in_half_a_second(redis_proxy):
    revision = RevisionFactory(article=ArticleFactory(), number=1, title="Black hole?")
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="bh"))
    url = revision.article.get_absolute_url()
    breaker_cache.breaker.reset()
    with override_settings(CACHES=proxied_cache(redis_proxy)):
        client = Client()
        assert client.get(url)["X-Reader-Cache"] == "miss"
        redis_proxy.set("blackhole")
        page_cache.reset()  # another process: nothing in memory, must ask Redis
        started = time.monotonic()
        first = client.get(url)
        first_took = time.monotonic() - started
        timings = []
        for _ in range(5):
            page_cache.reset()
            started = time.monotonic()
            response = client.get(url)
            timings.append(time.monotonic() - started)
            assert response.status_code == 200
            assert "Black hole?" in response.content.decode()
    breaker_cache.breaker.reset()
    assert first.status_code == 200
    assert first_took < 1.5, f"first request after the failure took {first_took:.2f}s"
    assert max(timings) <= 0.5, f"reader pages took {timings}"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_redis_is_unreachable_is_not_served_stale_by_another_process(
    own_redis, redis_proxy, settings, article, chair
):
    """Finding 1: another process approves a correction while it cannot reach Redis; this
    process, which has the old page in memory and in Redis, serves the new one within
    READER_CACHE_CHECK_SECONDS (the README's bound)."""
    revision = RevisionFactory(article=article, number=1, title="Dose: 10 mg?")
    lock_and_publish(revision, reviewers=make_reviewers(1, tag="stale"))
    settings.READER_CACHE_CHECK_SECONDS = 1
    breaker_cache.breaker.reset()
    with override_settings(CACHES=proxied_cache(redis_proxy)):
        client = Client()
        assert "Dose: 10 mg?" in client.get(article.get_absolute_url()).content.decode()
        assert client.get(article.get_absolute_url())["X-Reader-Cache"] == "hit"

        redis_proxy.set("blackhole")
        correction = run_python(
            "from django.contrib.auth import get_user_model\n"
            "from articles.models import Article\n"
            "from articles.services import revision_draft_for_edit, revision_update_draft\n"
            "from editorial import services\n"
            "chair = get_user_model().objects.get(username='chair')\n"
            f"article = Article.objects.get(pk={article.pk})\n"
            "author = article.authors.get()\n"
            "draft = revision_draft_for_edit(article=article, actor=author)\n"
            "revision_update_draft(revision=draft, title='Dose: 5 mg?')\n"
            "s = services.submission_submit(article=article, revision=draft, actor=author)\n"
            "services.submission_start_review(submission=s, actor=chair)\n"
            "services.submission_approve(submission=s, actor=chair, reviewers=[chair.board_member],"
            " comment='Dose correction')\n",
            env=manage_env(REDIS_URL=redis_proxy.url("redis", "/0")),
        )
        assert correction.returncode == 0, correction.stderr
        redis_proxy.set("pass")
        deadline = time.monotonic() + settings.READER_CACHE_CHECK_SECONDS + 0.2
        time.sleep(settings.READER_CACHE_CHECK_SECONDS + 0.05)
        html = client.get(article.get_absolute_url()).content.decode()
        assert time.monotonic() < deadline + 1
    breaker_cache.breaker.reset()
    assert "Dose: 5 mg?" in html
    assert "Dose: 10 mg?" not in html
    assert verify_chain()[1] is None


# --- Workflow writes ---------------------------------------------------------------------

SUBMIT_AND_APPROVE = """
import json, time
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from articles.models import Article, Revision
from editorial import services
from editorial.models import Submission

User = get_user_model()
chair, author = User.objects.get(username="chair"), User.objects.get(username="author")
article = Article.objects.get(pk={article})
draft = Revision.objects.get(pk={draft})
started = time.monotonic()
submission = services.submission_submit(article=article, revision=draft, actor=author)
submit_took = time.monotonic() - started
services.submission_start_review(submission=submission, actor=chair)

client = Client()
client.force_login(chair)
url = reverse("admin:editorial_submission_override", args=[submission.pk])
started = time.monotonic()
response = client.post(url, {{"outcome": "approve", "reason": "Approved while Redis hangs.",
                              "password": "{password}", "confirm": "1"}})
approve_took = time.monotonic() - started
print(json.dumps({{"submit": submit_took, "approve": approve_took,
                  "status": response.status_code, "submission": submission.pk}}))
"""


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_submit_and_approve_with_redis_black_holed_commit_fast_and_mail_goes_out_later(
    article, draft, author, chair, smtp_server, own_redis, redis_proxy
):
    """Finding 2: with Redis accepting connections but never answering, submit and approve
    (through the admin) each answer within 3 s, commit, and their emails are sent once when
    Redis is back (the sweep re-sends what the broker did not take)."""
    env = manage_env(
        REDIS_URL=redis_proxy.url("redis", "/0"),
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        OUTBOX_RESEND_GRACE_SECONDS="0",
    )
    redis_proxy.set("blackhole")
    run = run_python(
        SUBMIT_AND_APPROVE.format(article=article.pk, draft=draft.pk, password=TEST_PASSWORD),
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["submit"] <= 3, result
    assert result["approve"] <= 3, result
    assert result["status"] == 302, result  # the admin's redirect after success, not a 500
    submission = Submission.objects.get(pk=result["submission"])
    assert submission.state == SubmissionState.APPROVED
    rows = Notification.objects.filter(submission=submission)
    expected = rows.count()
    assert expected >= 1
    assert rows.filter(sent_at__isnull=True).count() == expected  # the broker took none
    assert smtp_server.messages == []

    redis_proxy.set("pass")
    worker = start_worker_process({**env, "REDIS_URL": own_redis.url})
    try:
        for _ in range(2):  # two sweeps: the second must find nothing left to send
            sweep = run_python("from editorial.tasks import sweep; sweep.delay()", env=env)
            assert sweep.returncode == 0, sweep.stderr
        assert wait_for(lambda: len(smtp_server.messages) >= expected, timeout=30)
        time.sleep(1.5)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    assert len(smtp_server.messages) == expected, "an email was lost or doubled"
    assert not rows.filter(sent_at__isnull=True).exists()
    assert verify_chain()[1] is None
