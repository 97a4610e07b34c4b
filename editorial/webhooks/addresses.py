"""Where a webhook may go (SSRF): ``https`` to public addresses only; with
``WEBHOOK_ALLOW_LOOPBACK`` (development, tests) also ``http``/``https`` to a loopback
address. Checked when the chair registers an endpoint and again before every delivery,
on the addresses the name resolves to then; the delivery connects to the address checked,
so a name cannot be re-pointed between the check and the request."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeAddress(Exception):  # noqa: N818 - reads as the refusal it reports
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address to connect to


def _kind(ip):
    """Why ``ip`` is not a public address, or "" if it is."""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if not ip.is_global or ip.is_multicast:
        return "reserved"
    return ""


def check(url, *, resolve=socket.getaddrinfo):
    """The ``Target`` to deliver ``url`` to, or ``UnsafeAddress`` saying why not."""
    parts = urlsplit(url)
    allow_loopback = settings.WEBHOOK_ALLOW_LOOPBACK
    if parts.scheme not in ("https", "http"):
        raise UnsafeAddress("Webhook URLs must start with https://.")
    if parts.username or parts.password:
        raise UnsafeAddress("Put no user name or password in a webhook URL.")
    if not parts.hostname:
        raise UnsafeAddress("The webhook URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeAddress("The webhook URL's port is not a number from 1 to 65535.") from None
    try:
        found = resolve(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeAddress(f"{parts.hostname} could not be resolved.") from None
    addresses = sorted({info[4][0] for info in found})
    if not addresses:
        raise UnsafeAddress(f"{parts.hostname} could not be resolved.")
    for address in addresses:
        kind = _kind(ipaddress.ip_address(address.split("%")[0]))
        if kind == "loopback" and allow_loopback:
            continue
        if kind:
            where = parts.hostname if parts.hostname == address else f"{parts.hostname} ({address})"
            raise UnsafeAddress(
                f"{where} is a {kind} address: webhooks are sent to public addresses only."
            )
    if parts.scheme == "http" and not (
        allow_loopback and all(_kind(ipaddress.ip_address(a)) == "loopback" for a in addresses)
    ):
        raise UnsafeAddress("Webhook URLs must start with https://.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])
