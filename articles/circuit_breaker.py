"""A circuit breaker for calls to Redis (the shared cache and the Celery broker).

After a failure the breaker is *open* for ``reset_after`` seconds: every call made through
it fails at once with ``CircuitOpenError`` instead of waiting for another timeout, so a Redis
that has gone away or stopped answering costs one short timeout per process every few
seconds, not one per call. When the time is up the next call is let through (half-open);
its success closes the breaker, its failure opens it again.

Forty lines with their own tests rather than a dependency (pybreaker would also do). It
lives in the lowest app because both the reader cache (``articles``, with the cache backend
in ``config.cache``) and the notification delivery (``editorial``) use it.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)


class CircuitOpenError(ConnectionError):
    """Raised instead of calling while the breaker is open. A ``ConnectionError``, so code
    that already treats an unreachable Redis as such needs no change."""


class CircuitBreaker:
    def __init__(self, name, *, reset_after=5.0, clock=time.monotonic):
        self.name = name
        self.reset_after = reset_after
        self._clock = clock
        self._lock = threading.Lock()
        self._opened_at = None

    @property
    def is_open(self):
        with self._lock:
            return self._opened_at is not None and (
                self._clock() - self._opened_at < self.reset_after
            )

    def call(self, function, *args, **kwargs):
        if self.is_open:
            raise CircuitOpenError(f"{self.name} is unavailable (circuit open)")
        try:
            result = function(*args, **kwargs)
        except Exception:
            self.record_failure()
            raise
        self.record_success()
        return result

    def record_failure(self):
        with self._lock:
            if self._opened_at is None:
                logger.warning("%s failed: not trying again for %ss", self.name, self.reset_after)
            self._opened_at = self._clock()

    def record_success(self):
        with self._lock:
            self._opened_at = None

    def reset(self):
        self.record_success()
