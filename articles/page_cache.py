"""The rendered reader page, cached per article, and how it is invalidated.

Scopes. A page depends on more than its own article: its related questions show other
articles' titles (and the newest approved articles of its topic), its banner depends on
the editorial policy. So each cached page carries the *scopes* it was built from:
``site`` (the policy), ``article:<id>`` for itself and for every article it links to,
``topic:<id>`` for its topic. A change names the scopes it touches (an approval of A:
``article:A`` and A's topic), and only the pages built from those are dropped; approving
A leaves an unrelated article B's page cached.

Invalidation lives in PostgreSQL, not in the cache. A change inserts ``PageChange`` rows
in its own transaction (signals on the watched models), so it commits or rolls back with
the change and no cache call ever runs inside a workflow transaction. Every web process
asks PostgreSQL for the recent changes at most once every ``READER_CACHE_CHECK_SECONDS``
(one indexed query) and records, per scope, *when it saw* a change. A page, whether from
this process's memory or from the shared cache (Redis), is served only if it was rendered
after every change to its scopes was seen: a page rendered from the rows before a commit
started before the commit, so before anyone saw it. Each poll re-reads the last
``CHANGE_WINDOW`` seconds, so a transaction that commits after a later one (ids and times
are taken at insert, visible at commit) is still seen; the process that made a change marks
it seen at its commit. Nothing here depends on reaching Redis: with Redis down or black-
holed pages are rendered (from stored HTML) and nothing stale is served.

The bound, stated in the README: a committed change reaches every process's pages within
``READER_CACHE_CHECK_SECONDS`` (default 1 s) of its commit, whatever Redis does. If a
process cannot ask PostgreSQL it serves nothing from cache.

Two tiers: each web process keeps the pages it served in memory (least recently used
dropped), so a cached page costs no network round trip at all (bench/bench_reader_page.py);
the shared cache spares other processes the render. ``READER_PAGE_CACHE = False`` turns
both off for pages (the policy row stays cached). Nothing in a cached page depends on the
visitor: the feedback form, which needs each visitor's CSRF token, is a page of its own.
"""

import contextlib
import contextvars
import functools
import logging
import threading
import time
from collections import OrderedDict, namedtuple
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from articles.models import PageChange
from articles.rendering import RENDERER_VERSION

logger = logging.getLogger(__name__)

SITE = "site"
POLICY_KEY = "reader:policy"
PAGE_TIMEOUT = 60 * 60  # how long the shared cache keeps a page: space, not correctness
# Each poll re-reads this many seconds of changes: longer than any workflow transaction
# lasts (gunicorn kills a request after 30 s), plus clock skew between web hosts. A
# transaction that ran longer re-records its changes when it commits.
CHANGE_WINDOW = 60
LOCAL_PAGES_MAX = 512  # pages kept in each process's memory, least recently used dropped

# ``rendered_at``: time.time() before the page's rows were read; ``scopes``: what it shows.
Entry = namedtuple("Entry", "rendered_at scopes value expires_at")


def article_scope(article_id):
    return f"article:{article_id}"


def topic_scope(topic_id):
    return f"topic:{topic_id}"


def page_scopes(*, article_id, topic_id, related_ids=()):
    """The scopes of an article page: the site, its topic, itself and what it links to."""
    return (SITE, topic_scope(topic_id), article_scope(article_id)) + tuple(
        article_scope(pk) for pk in related_ids
    )


class _Local:
    """This process's knowledge of recent changes, and the pages it has served."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self, *, not_before=0.0):
        self.pages = OrderedDict()
        self.seen = {}  # scope -> time.time() when this process first saw it change
        self.seen_ids = {}  # PageChange id -> changed_at, while it may be polled again
        self.polled_at = float("-inf")  # time.monotonic() of the last poll
        self.polled_since = None  # timezone.now() when the last good poll started
        self.ok = False  # could the last poll ask PostgreSQL?
        self.not_before = not_before  # pages rendered earlier are never served
        # The newest change PostgreSQL recorded, as far as this process has read (its
        # ``changed_at``, the same in every process), or since when none is known.
        self.latest_change = None
        self.quiet_since = None


_local = _Local()


def reset(*, not_before=None):
    """Forget everything this process knows (tests: a new database state)."""
    with _local.lock:
        _local.reset(not_before=time.time() if not_before is None else not_before)


def page_key(slug, audience):
    return f"reader:page:r{RENDERER_VERSION}:{slug}:{audience}"


def enabled():
    return settings.READER_PAGE_CACHE


def refresh():
    """Read the changes PostgreSQL recorded since the last poll, at most once every
    ``READER_CACHE_CHECK_SECONDS``. False if it could not be asked."""
    if time.monotonic() - _local.polled_at < settings.READER_CACHE_CHECK_SECONDS:
        return _local.ok
    started = timezone.now()
    first = _local.polled_since is None
    since = (started - timedelta(seconds=PAGE_TIMEOUT)) if first else _local.polled_since
    try:
        rows = list(
            PageChange.objects.filter(
                changed_at__gt=since - timedelta(seconds=CHANGE_WINDOW)
            ).values_list("pk", "scope", "changed_at")
        )
    except DatabaseError:
        logger.warning("Cannot read page changes; serving no cached pages.", exc_info=True)
        with _local.lock:
            _local.ok = False
            _local.polled_at = time.monotonic()
        return False
    with _local.lock:
        if first:
            _local.quiet_since = since
        newest = max((at for _pk, _scope, at in rows), default=None)
        if newest is not None and (_local.latest_change is None or newest > _local.latest_change):
            _local.latest_change = newest
        fresh = [(pk, scope, at) for pk, scope, at in rows if pk not in _local.seen_ids]
        for pk, _scope, changed_at in fresh:
            _local.seen_ids[pk] = changed_at
        _mark_seen_locked({scope for _pk, scope, _at in fresh})
        horizon = started - timedelta(seconds=2 * CHANGE_WINDOW)
        _local.seen_ids = {pk: at for pk, at in _local.seen_ids.items() if at > horizon}
        _local.polled_since = started
        _local.polled_at = time.monotonic()
        _local.ok = True
    return True


def public_version():
    """A version of everything public, for responses that show the whole site (the API's
    ETag and Last-Modified): ``(token, last_modified)`` where ``last_modified`` is a
    datetime, or None if PostgreSQL could not be asked. It changes with every recorded
    change, within the same ``READER_CACHE_CHECK_SECONDS`` bound as the pages; no query
    between polls."""
    if not refresh():
        return None
    with _local.lock:
        latest = _local.latest_change or _local.quiet_since
    return latest.isoformat(), latest


def _mark_seen_locked(scopes):
    if not scopes:
        return
    now = time.time()
    for scope in scopes:
        _local.seen[scope] = now
    stale = [key for key, entry in _local.pages.items() if scopes.intersection(entry.scopes)]
    for key in stale:
        del _local.pages[key]
    if len(_local.seen) > 4 * LOCAL_PAGES_MAX:  # older than any page still kept
        oldest = now - PAGE_TIMEOUT
        _local.seen = {scope: at for scope, at in _local.seen.items() if at > oldest}


def _valid(entry):
    if entry is None or entry.expires_at <= time.time():
        return False
    if entry.rendered_at < _local.not_before:
        return False
    seen = _local.seen
    return all(seen.get(scope, 0.0) < entry.rendered_at for scope in entry.scopes)


def _lookup(key):
    """A valid entry for ``key`` from this process's memory, else from the shared cache."""
    if not refresh():
        return None
    with _local.lock:
        entry = _local.pages.get(key)
        if entry is not None:
            # Valid when kept (``_remember`` follows ``_valid``) and dropped as soon as a
            # change to one of its scopes is seen: only its age is left to check.
            if entry.expires_at > time.time():
                _local.pages.move_to_end(key)  # recently used: dropped last
                return entry
            del _local.pages[key]
    try:
        entry = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must cost speed, not the page
        return None
    if not isinstance(entry, Entry) or not _valid(entry):
        return None
    _remember(key, entry)
    return entry


def _store(key, value, *, rendered_at, scopes):
    entry = Entry(rendered_at, tuple(scopes), value, time.time() + PAGE_TIMEOUT)
    with _local.lock:
        if not _valid(entry):  # a change was seen while it was being rendered
            return
        _remember_locked(key, entry)
    try:
        cache.set(key, entry, PAGE_TIMEOUT)
    except Exception:  # noqa: BLE001 - see _lookup
        logger.info("Could not store %s in the shared cache.", key)


def _remember(key, entry):
    """Keep a page in this process's memory. Checked under the lock that marking a change
    seen also takes, so a page is never kept after the change that drops it."""
    with _local.lock:
        if _valid(entry):
            _remember_locked(key, entry)


def _remember_locked(key, entry):
    _local.pages[key] = entry
    _local.pages.move_to_end(key)
    if len(_local.pages) > LOCAL_PAGES_MAX:
        _local.pages.popitem(last=False)


def render_started():
    """Call before reading the rows of a page; pass the result to ``store_page``."""
    return time.time()


def cached_page(slug, audience):
    """The cached HTML (bytes) of a page if no change to what it shows has been seen since
    it was rendered, else None. No network round trip when this process has it."""
    if not enabled():
        return None
    entry = _lookup(page_key(slug, audience))
    return None if entry is None else entry.value


def store_page(slug, audience, html, *, rendered_at, scopes):
    if enabled():
        _store(page_key(slug, audience), html, rendered_at=rendered_at, scopes=scopes)


def cached_value(key, loader, *, scopes=(SITE,), scopes_of=None):
    """``loader()``'s value through the cache, dropped when ``scopes`` change (the policy
    row: ``site``), and the scopes ``scopes_of(value)`` names, if given (what the value
    turned out to show: the board list, its members' topics)."""
    started = render_started()
    entry = _lookup(key)
    if entry is not None:
        return entry.value
    value = loader()
    if scopes_of is not None:
        scopes = (*scopes, *scopes_of(value))
    _store(key, value, rendered_at=started, scopes=scopes)
    return value


_batch = contextvars.ContextVar("page_changes_batch", default=None)


@contextlib.contextmanager
def changes_batched():
    """Record the page changes made within the block once, when it ends: a service that
    saves several watched rows of one article (an approval saves the submission, the
    article and its review record) then writes one set of change rows, not one per save.
    Inside the caller's transaction; if the block raises, nothing is recorded (the
    transaction is rolling back)."""
    if _batch.get() is not None:  # nested: the outer block records
        yield
        return
    scopes = set()
    token = _batch.set(scopes)
    try:
        yield
    finally:
        _batch.reset(token)
    page_changed(*scopes)


def page_changed(*scopes):
    """Record that the public pages built from ``scopes`` changed, inside the caller's
    transaction (a database write only). Call it after a write the signals cannot see (a
    queryset ``update()``, raw SQL)."""
    batch = _batch.get()
    if batch is not None:
        batch.update(scopes)
        return
    scopes = sorted(set(scopes))
    if not scopes:
        return
    PageChange.objects.bulk_create([PageChange(scope=scope) for scope in scopes])
    with _local.lock:
        _local.polled_at = float("-inf")  # this process sees its own change on its next read
    transaction.on_commit(functools.partial(_committed, scopes, time.monotonic()), robust=True)


def _committed(scopes, inserted_at):
    with _local.lock:
        _mark_seen_locked(set(scopes))
    if time.monotonic() - inserted_at > CHANGE_WINDOW / 2:
        # A long transaction: other processes may already have polled past its rows.
        try:
            PageChange.objects.bulk_create([PageChange(scope=scope) for scope in scopes])
        except DatabaseError:
            logger.error("Could not re-record page changes %s.", scopes, exc_info=True)


def prune(older_than=timedelta(days=1)):
    """Delete change rows no process can still need. Returns how many."""
    cutoff = timezone.now() - max(older_than, timedelta(seconds=PAGE_TIMEOUT + CHANGE_WINDOW))
    return PageChange.objects.filter(changed_at__lt=cutoff).delete()[0]


# Saving or deleting any of these may change what a public page shows, in these scopes.
# Revisions are absent on purpose: drafts are saved often and never public, and a submitted
# revision cannot change (its submission's save is what makes it public). Apps above this
# one add their own models with ``watch`` (editorial: submissions and the policy).
WATCHED_MODELS = {
    "articles.Article": lambda a: (article_scope(a.pk), topic_scope(a.topic_id)),
    "articles.Topic": lambda t: (topic_scope(t.pk),),
    "articles.RelatedQuestion": lambda r: (article_scope(r.article_id),),
    "articles.ReviewRecord": lambda r: (article_scope(r.article_id),),
    # A notice (correction, retraction…) shows on its article's page and in the listings.
    "articles.Notice": lambda n: (SITE, article_scope(n.article_id)),
}


def watch(model, scopes_of=lambda instance: (SITE,)):
    """Record a page change whenever ``model`` (an "app_label.Model" label) is saved or
    deleted; ``scopes_of(instance)`` names the scopes it touches (default: every page)."""

    def changed(instance, **kwargs):
        page_changed(*scopes_of(instance))

    for signal in (post_save, post_delete):
        signal.connect(
            changed,
            sender=model,
            weak=False,
            dispatch_uid=f"reader-cache-{signal is post_save}-{model}",
        )


def connect_signals():
    for model, scopes_of in WATCHED_MODELS.items():
        watch(model, scopes_of)
