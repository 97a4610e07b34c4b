"""The reader's address, for every rate limit (feedback, sign-in lockouts, password reset).

Behind reverse proxies ``REMOTE_ADDR`` is the nearest proxy's address, so every reader
would share one bucket. ``TRUSTED_PROXY_COUNT`` says how many proxies of our own stand in
front of the app (nginx in ``make stack`` and docker-compose: 1). Each appends the address
it received from to ``X-Forwarded-For``, so the client is the entry that many places from
the right; anything further left was written by the client and is not trusted. With 0
(the default, no proxy) the header is ignored altogether.
"""

import ipaddress

from django.conf import settings

UNKNOWN = "unknown"


def _address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part for part in header.split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through them all (or a proxy
        # is misconfigured); the nearest address is the only one we can trust.
        return remote
    return _address(forwarded[-proxies]) or remote


def client_ip_for_axes(request, credentials=None):
    """``AXES_CLIENT_IP_CALLABLE``: the same address for sign-in lockouts (None when
    unknown: axes stores addresses in an IP field)."""
    address = client_ip(request)
    return None if address == UNKNOWN else address
