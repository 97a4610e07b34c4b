"""The Redis cache backend behind a circuit breaker.

Django's ``RedisCache`` waits for the socket timeout on every call when Redis is down or
black-holed (and redis-py retries on top). Here every call goes through one breaker per
process: the first failure costs one short timeout (settings: ``socket_timeout``), later
calls fail at once for ``CACHE_BREAKER_SECONDS``, and callers (the reader page cache, the
feedback rate limit, ``/healthz``) already treat a failing cache as "no cache"."""

from django.conf import settings
from django.core.cache.backends.redis import RedisCache

from articles.circuit_breaker import CircuitBreaker

_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)

breaker = CircuitBreaker(
    "the cache (Redis)", reset_after=getattr(settings, "CACHE_BREAKER_SECONDS", 5.0)
)


class BreakerRedisCache(RedisCache):
    """``RedisCache`` whose every operation fails fast while the breaker is open."""


def _guarded(name):
    unguarded = getattr(RedisCache, name)

    def operation(self, *args, **kwargs):
        return breaker.call(unguarded, self, *args, **kwargs)

    operation.__name__ = name
    return operation


for _name in _OPERATIONS:
    setattr(BreakerRedisCache, _name, _guarded(_name))
