"""Rate limits: anonymous clients per address (``API_ANONYMOUS_RATE``), partners per key
(``API_KEY_RATE``). Counted in the shared cache, like the reader's feedback form."""

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiKey

logger = logging.getLogger(__name__)


def _key(request):
    return request.auth if isinstance(request.auth, ApiKey) else None


class _Throttle(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - a cache outage costs the limit, never the answer
            logger.warning("Rate-limit cache unreachable; request allowed.", exc_info=True)
            return True


class AddressThrottle(_Throttle):
    scope = "address"
    setting = "API_ANONYMOUS_RATE"

    def get_cache_key(self, request, view):
        if _key(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class KeyThrottle(_Throttle):
    scope = "key"
    setting = "API_KEY_RATE"

    def get_cache_key(self, request, view):
        key = _key(request)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.pk}
