"""``ETag`` / ``Last-Modified`` for API responses, and ``304 Not Modified``.

Validators come from the reader pages' cache generation (``articles.page_cache``): every
change that can alter a public page starts a new generation, so the API is invalidated by
exactly the same events as the pages, and a conditional GET that matches costs no database
query. ``Last-Modified`` is when this generation was first seen: never earlier than the
change that started it. With the cache unreachable there are no validators (never a stale
304)."""

import hashlib

from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from articles import page_cache

BORN_KEY = "api:generation-born:{}"


def validators(request):
    """``(etag, last_modified_timestamp)`` for this request, or None."""
    generation = page_cache.current_generation()
    if generation is None:
        return None
    try:
        now = int(timezone.now().timestamp())
        key = BORN_KEY.format(generation)
        cache.add(key, now, page_cache.PAGE_TIMEOUT * 24)
        born = cache.get(key) or now
    except Exception:  # noqa: BLE001 - a cache outage costs validators, not the response
        return None
    digest = hashlib.sha256(f"{generation}|{request.get_full_path()}".encode()).hexdigest()
    return quote_etag(digest[:32]), born


def not_modified(request, etag, born):
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and born <= since


def set_headers(response, etag, born):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(born)
    response["Cache-Control"] = "no-cache"
    return response
