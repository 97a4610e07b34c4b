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
is still current. A change replaces the token when it is saved *and* again when its
transaction commits: the second replacement discards any page rendered from the old rows
between save and commit, the first keeps an uncommitted change (a shell session, a test)
from being masked. The token is read *before* the page's rows are, so a page rendered
across a change is stored under the old token and never served. A token lost to eviction
is simply a new generation.

Two tiers. Each web process keeps the pages it served in memory and asks the shared cache
for the current token at most once every ``READER_CACHE_CHECK_SECONDS`` (default 1 s):
a cached page then costs no network round trip at all, which is what lets it run at the
speed of a trivial view (bench/bench_reader_page.py). The price is that a change made in
one process reaches the pages of the *other* processes up to that many seconds after its
commit; the process that made it sees it at once. Set it to 0 to ask on every request.

Nothing in a cached page depends on the visitor: the feedback form, which needs each
visitor's CSRF token, is a page of its own. (A per-visitor token costs Django 64 calls to
the system's random source per new visitor, a third of the cost of the cached page.)
"""

import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "reader:generation"
POLICY_KEY = "reader:policy"
PAGE_TIMEOUT = 60 * 60  # bounds staleness should an invalidation ever fail to reach the cache
# Local memory (the embedded default of `make run`) is private to one process: a change
# written by another process (a management command) cannot reach it, so keep pages briefly.
LOCAL_MEMORY_PAGE_TIMEOUT = 60
LOCAL_PAGES_MAX = 512  # pages kept in each process's memory, least recently used dropped

# Saving or deleting any of these may change what a public page shows. Revisions are
# absent on purpose: drafts are saved often and never public, and a submitted revision
# cannot change (its submission's save is what makes it public). Apps above this one add
# their own models with ``watch`` (editorial: submissions and the policy).
WATCHED_MODELS = (
    "articles.Article",
    "articles.Topic",
    "articles.RelatedQuestion",
    "articles.ReviewRecord",
    "articles.Notice",
)


class _Local:
    """This process's view of the generation and the pages it has served."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self, generation=None):
        self.generation = generation
        self.checked_at = time.monotonic() if generation else float("-inf")
        self.pages = OrderedDict()


_local = _Local()


def page_key(slug, audience):
    return f"reader:page:{slug}:{audience}"


def _shared_generation():
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            token = cache.get(GENERATION_KEY)
        return token
    except Exception:  # noqa: BLE001 - a cache outage must cost speed, not the page
        logger.warning("Reader cache unreachable; rendering without it.", exc_info=True)
        return None


def current_generation():
    """The current generation token: this process's copy if checked within
    ``READER_CACHE_CHECK_SECONDS``, else the shared one. None if the cache is unreachable
    (the page is then rendered, not cached)."""
    if time.monotonic() - _local.checked_at < settings.READER_CACHE_CHECK_SECONDS:
        return _local.generation
    token = _shared_generation()
    with _local.lock:
        if token != _local.generation:
            _local.forget(token)
        else:
            _local.checked_at = time.monotonic()
    return token


def cached_page(slug, audience):
    """The cached HTML (bytes) of a page if it belongs to the current generation, else
    None. No network round trip when this process has it."""
    generation = current_generation()
    if generation is None:
        return None
    key = page_key(slug, audience)
    with _local.lock:
        entry = _local.pages.get(key)
        if _current(entry, generation):
            _local.pages.move_to_end(key)  # recently used: dropped last
            return entry[1]
    try:
        entry = cache.get(key)
    except Exception:  # noqa: BLE001 - see _shared_generation
        return None
    if not _current(entry, generation):
        return None
    _remember(key, entry)
    return entry[1]


def _current(entry, generation):
    """An entry is ``(generation, html, expires_at)``; this process's copy expires with
    the shared one."""
    return entry is not None and entry[0] == generation and entry[2] > time.time()


def store_page(slug, audience, html, *, generation):
    if generation is None:
        return
    key = page_key(slug, audience)
    timeout = _page_timeout()
    entry = (generation, html, time.time() + timeout)
    _remember(key, entry)
    try:
        cache.set(key, entry, timeout)
    except Exception:  # noqa: BLE001 - see _shared_generation
        logger.warning("Could not store a reader page in the cache.", exc_info=True)


def _page_timeout():
    backend = settings.CACHES["default"]["BACKEND"]
    return LOCAL_MEMORY_PAGE_TIMEOUT if backend.endswith("LocMemCache") else PAGE_TIMEOUT


def _remember(key, entry):
    with _local.lock:
        if entry[0] != _local.generation:
            return
        _local.pages[key] = entry
        if len(_local.pages) > LOCAL_PAGES_MAX:
            _local.pages.popitem(last=False)


def cached_value(key, loader, timeout=PAGE_TIMEOUT):
    """``loader()``'s value through the cache (used for the policy row)."""
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - see _shared_generation
        return loader()
    if value is None:
        value = loader()
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001 - see _shared_generation
            logger.warning("Could not store %s in the cache.", key, exc_info=True)
    return value


def invalidate_public_pages():
    """Start a new generation of cached public pages (and forget the cached policy)."""
    token = uuid.uuid4().hex
    with _local.lock:
        _local.forget(token)
    try:
        cache.set(GENERATION_KEY, token, None)
        cache.delete(POLICY_KEY)
    except Exception:  # noqa: BLE001 - see _shared_generation; pages expire in PAGE_TIMEOUT
        logger.error("Could not invalidate cached reader pages.", exc_info=True)
        with _local.lock:
            _local.forget()


def public_content_changed(**kwargs):
    """Signal receiver, and the function to call after any write that changes a public
    page without saving one of ``WATCHED_MODELS`` (a queryset ``update()``, raw SQL)."""
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages, robust=True)


def watch(model):
    """Invalidate the public pages whenever ``model`` (an "app_label.Model" label) is
    saved or deleted."""
    for signal in (post_save, post_delete):
        signal.connect(
            public_content_changed,
            sender=model,
            weak=False,
            dispatch_uid=f"reader-cache-{signal is post_save}-{model}",
        )


def connect_signals():
    for model in WATCHED_MODELS:
        watch(model)
