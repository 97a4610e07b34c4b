"""Fixed-window rate limits kept in the cache (atomic ``incr`` on Redis), so no address or
account is ever stored in the database. Used by the feedback form and password reset."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def rate_limited(*, bucket, key, limit, window_seconds):
    """Count one attempt for ``key`` in ``bucket`` and say whether it is over ``limit`` in
    the window. If the cache is down the form still works: better an unlimited form than
    a broken one."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rate:{settings.RATE_LIMIT_KEY_PREFIX}{bucket}:{digest}"
    try:
        cache.add(cache_key, 0, window_seconds)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, window_seconds)
            count = 1
    except Exception:  # noqa: BLE001 - see docstring
        logger.warning("Rate limit %s unavailable (cache unreachable).", bucket, exc_info=True)
        return False
    return count > limit
