"""The rendered reader page, cached (Redis in production, local memory on the embedded
default), and how it is invalidated.

Why one site-wide generation rather than a version per article: a page shows more than
its own article. Its related questions list other articles (their titles, and which of
them are approved in the same topic), its banner depends on the editorial policy, and a
newly approved article changes the pages of its whole topic. A per-article key would miss
those. Changes that alter public pages (approvals, submissions, related links, topics, the
policy) are rare next to reads, so starting every page afresh after one is cheap and
cannot be wrong.

How: the generation is a random token under ``GENERATION_KEY``. A page is stored under a
key per (slug, audience) as ``(generation, html)`` and served only while the generation
is still current, so a read is one cache round trip (``get_many``) and no SQL. A change
replaces the token when it is saved *and* again when its transaction commits: the second
replacement discards any page rendered from the old rows between save and commit, the
first keeps an uncommitted change (a shell session, a test) from being masked. The token
is read *before* the page's rows are, so a page rendered across a change is stored under
the old token and never served. A token lost to eviction is simply a new generation.

The cached HTML holds a placeholder where the feedback form's CSRF token goes; the view
puts each visitor's own token in (``fill_csrf``).
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

GENERATION_KEY = "reader:generation"
POLICY_KEY = "reader:policy"
PAGE_TIMEOUT = 60 * 60  # bounds staleness should an invalidation ever fail to reach the cache
CSRF_PLACEHOLDER = "__reader_csrf_token_placeholder__"

# Saving or deleting any of these may change what a public page shows. Revisions are
# absent on purpose: drafts are saved often and never public, and a submitted revision
# cannot change (its submission's save is what makes it public).
WATCHED_MODELS = (
    "articles.Article",
    "articles.Topic",
    "articles.RelatedQuestion",
    "articles.ReviewRecord",
    "editorial.Submission",
    "editorial.EditorialPolicy",
)


def page_key(slug, audience):
    return f"reader:page:{slug}:{audience}"


def current_generation():
    """The current generation token, creating one if there is none. None if the cache is
    unreachable (the page is then rendered, not cached)."""
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            token = cache.get(GENERATION_KEY)
        return token
    except Exception:  # noqa: BLE001 - a cache outage must cost speed, not the page
        logger.warning("Reader cache unreachable; rendering without it.", exc_info=True)
        return None


def cached_page(slug, audience):
    """The cached HTML of a page if it belongs to the current generation, else None.
    One cache round trip."""
    key = page_key(slug, audience)
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # noqa: BLE001 - see current_generation
        logger.warning("Reader cache unreachable; rendering without it.", exc_info=True)
        return None
    entry = found.get(key)
    if entry is None or found.get(GENERATION_KEY) is None:
        return None
    generation, html = entry
    return html if generation == found[GENERATION_KEY] else None


def store_page(slug, audience, html, *, generation):
    if generation is None:
        return
    try:
        cache.set(page_key(slug, audience), (generation, html), PAGE_TIMEOUT)
    except Exception:  # noqa: BLE001 - see current_generation
        logger.warning("Could not store a reader page in the cache.", exc_info=True)


def fill_csrf(request, html):
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


def cached_value(key, loader, timeout=PAGE_TIMEOUT):
    """``loader()``'s value through the cache (used for the policy row)."""
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - see current_generation
        return loader()
    if value is None:
        value = loader()
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001 - see current_generation
            logger.warning("Could not store %s in the cache.", key, exc_info=True)
    return value


def invalidate_public_pages():
    """Start a new generation of cached public pages (and forget the cached policy)."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
        cache.delete(POLICY_KEY)
    except Exception:  # noqa: BLE001 - see current_generation; pages expire in PAGE_TIMEOUT
        logger.error("Could not invalidate cached reader pages.", exc_info=True)


def public_content_changed(**kwargs):
    """Signal receiver, and the function to call after any write that changes a public
    page without saving one of ``WATCHED_MODELS`` (a queryset ``update()``, raw SQL)."""
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages, robust=True)


def connect_signals():
    for model in WATCHED_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(
                public_content_changed,
                sender=model,
                weak=False,
                dispatch_uid=f"reader-cache-{signal is post_save}-{model}",
            )
