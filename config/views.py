"""Operational endpoints."""

import logging

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from editorial.sweep import sweep_health

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    cache.set("healthz", "ok", 5)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@never_cache
def healthz(request):
    checks, down = {}, []
    for name, check in (("database", _database), ("cache", _cache), ("broker", _broker)):
        try:
            checks[name] = check() or "ok"
        except Exception:  # noqa: BLE001 - any failure means "down"
            # Anyone may call this: say what is down, keep why (hosts, ports) in the log.
            logger.exception("healthz: %s is down", name)
            checks[name] = "down"
            down.append(name)
    sweep, last_sweep = "unknown", None
    try:
        health = sweep_health()
    except Exception:  # noqa: BLE001 - the database check above names the cause
        health = None
    if health is not None:
        # Red when beat (or the worker) stopped: the last sweep is over two intervals old.
        sweep = "stale" if health.stale else ("ok" if health.last else "not run yet")
        if health.stale:
            down.append("sweep")
        if health.last:
            last_sweep = {
                "finished_at": health.last.finished_at.isoformat(),
                "counts": health.last.counts,
                "error": bool(health.last.error),
            }
    body = {
        "status": "ok" if not down else "unavailable",
        "checks": checks,
        "down": down,
        "sweep": sweep,
        "last_sweep": last_sweep,
    }
    return JsonResponse(body, status=503 if down else 200)
