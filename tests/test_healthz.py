"""``/healthz``: 200 when the database, the cache and the broker answer; 503 naming what is
down, quickly, when one does not. Real PostgreSQL and Redis; "down" is a Redis port where
nothing listens."""

import logging
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:6399/0"


@pytest.fixture
def dead_cache(settings):
    """Point the cache at the dead port. Changing ``CACHES`` sends ``setting_changed``, on
    which Django rebuilds its cache handler, so the view's ``cache`` uses this one."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    assert cache._servers == [DEAD_REDIS]


@pytest.fixture
def real_broker(settings):
    """Tasks go to the broker instead of running in-process, so the broker is checked."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def dead_broker(settings, real_broker):
    settings.CELERY_BROKER_URL = DEAD_REDIS


def get_healthz(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


def test_everything_up(client):
    response, _ = get_healthz(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    # The test settings run tasks in-process: there is no broker connection to check.
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "in-process"}


def test_a_real_broker_is_pinged(client, real_broker):
    response, _ = get_healthz(client)

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.parametrize(
    ("broken", "down"),
    [
        (["dead_cache"], ["cache"]),
        (["dead_broker"], ["broker"]),
        (["dead_cache", "dead_broker"], ["cache", "broker"]),
    ],
    ids=["cache", "broker", "cache-and-broker"],
)
def test_what_is_down_is_named_quickly(broken, down, request, client, caplog):
    for fixture in broken:
        request.getfixturevalue(fixture)

    with caplog.at_level(logging.ERROR, logger="config.views"):
        response, elapsed = get_healthz(client)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["down"] == down
    assert body["checks"]["database"] == "ok"
    for name in down:
        # Named, never explained: exception text (hosts, ports) goes to the log only.
        assert body["checks"][name] == "down"
        assert f"healthz: {name} is down" in caplog.text
        assert "6399" in caplog.text
    assert "6399" not in response.content.decode()
    assert "Error" not in response.content.decode()
    for name in {"cache", "broker"} - set(down):
        assert not body["checks"][name].startswith("down")
    assert elapsed < 5, f"/healthz took {elapsed:.1f}s with Redis down"


def test_the_cache_is_restored_after_a_settings_change(client):
    """The fixtures above leave nothing behind: the configured Redis answers again."""
    response, _ = get_healthz(client)

    assert response.json()["checks"]["cache"] == "ok"
    assert DEAD_REDIS not in caches["default"]._servers
