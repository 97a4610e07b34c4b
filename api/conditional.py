"""``ETag`` / ``Last-Modified`` for API responses, and ``304 Not Modified``.

Validators come from the same record of public changes as the reader pages' cache
(``articles.page_cache.public_version``): every change that can alter a public page moves
it, so the API is invalidated by exactly the same events as the pages, and a conditional GET
that matches costs no database query between the page cache's polls. ``Last-Modified`` is
the newest recorded change. If PostgreSQL's change record cannot be read there are no
validators (never a stale 304)."""

import hashlib
import math

from django.utils.http import http_date, parse_http_date_safe, quote_etag

from articles import page_cache


def validators(request):
    """``(etag, last_modified_timestamp)`` for this request, or None."""
    version = page_cache.public_version()
    if version is None:
        return None
    token, changed_at = version
    born = math.ceil(changed_at.timestamp())
    digest = hashlib.sha256(f"{token}|{request.get_full_path()}".encode()).hexdigest()
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
