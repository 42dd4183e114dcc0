"""Which addresses the webhook worker may connect to: public ones only, in every IPv4 and IPv6 form."""

from __future__ import annotations

import ipaddress

import pytest

from webhook_service.webhooks.addresses import is_public


@pytest.mark.rule("DELIVERY-SSRF")
@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:4700:4700::1111", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("100.64.0.1", False), ("169.254.169.254", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("255.255.255.255", False), ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False),
    ("ff02::1", False), ("::ffff:127.0.0.1", False), ("::ffff:8.8.8.8", False), ("::127.0.0.1", False),
    ("64:ff9b::a00:1", False), ("2002:7f00:1::", False), ("2001:db8::1", False), ("2001::1", False),
])
def test_address_policy(address, public):
    assert is_public(ipaddress.ip_address(address)) is public
