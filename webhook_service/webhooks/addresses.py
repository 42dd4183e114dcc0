"""Which addresses a webhook may reach, and the resolution that checks them (SSRF defence).

The database refuses URLs that are wrong on their face (private_webhook_url_problem); a name can
still resolve anywhere, so the worker resolves it, refuses if any address is not public unicast,
and connects to the address it checked: no second lookup that DNS rebinding could switch.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Callable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# getaddrinfo's shape, so tests can hand in a resolver stub instead of touching /etc/hosts.
Resolver = Callable[[str, int], Sequence[str]]

# IPv6 blocks that embed or translate an IPv4 address (and so could name any of them), which
# Python's is_global does not treat as non-global in every version.
_IPV4_IN_IPV6 = [ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48", "2001::/32", "2002::/16")]


class RefusedAddress(Exception):
    """The URL's host resolves to an address webhooks may not reach (or to none)."""


# rule: DELIVERY-SSRF
def is_public(ip: IPAddress) -> bool:
    """Public unicast only: not loopback, private, link-local, multicast, reserved, unspecified,
    shared or documentation space, nor an IPv4-mapped/-compatible/translated form of anything."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None or ip.sixtofour is not None or ip.teredo is not None:
            return False
        if any(ip in net for net in _IPV4_IN_IPV6) or int(ip) >> 32 == 0:  # ::a.b.c.d compatible
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
                                 or ip.is_private or ip.is_unspecified)


def system_resolver(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


# rule: DELIVERY-SSRF, DELIVERY-LOOPBACK-SETTING
def checked_address(host: str, port: int, resolver: Resolver, *, allow_loopback: bool = False) -> str:
    """The address to connect to for `host`, after every address it resolves to passed."""
    try:
        found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolver(host, port)]
    except (OSError, ValueError) as exc:
        raise RefusedAddress(f"cannot resolve {host}: {exc}") from None
    if not found:
        raise RefusedAddress(f"{host} resolves to no address")
    for ip in found:
        if not (is_public(ip) or (allow_loopback and ip.is_loopback)):
            raise RefusedAddress(f"{host} resolves to {ip}, which is not a public address")
    return str(found[0])
