"""Address ranges (CIDR blocks) as the networks that read them, and whether a set of ranges
admits the whole internet: `0.0.0.0/1` and `128.0.0.0/1` together are as open as
`0.0.0.0/0`. One helper for every rule that asks (security group ingress, a Service's
load-balancer source ranges, an IAM `IpAddress` condition)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# At most this many ranges are read for one union (AWS allows 1,000 rules per security
# group): a template with more cannot make a scan slow.
MAX_RANGES = 4096

# ASCII digits: `\d` also takes '٣', in a range AWS and Kubernetes refuse (Go's net package).
_DOTTED_QUAD = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(/[0-9]{1,3})?")
_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_WORLD = {4: ipaddress.ip_network("0.0.0.0/0"), 6: ipaddress.ip_network("::/0")}


def parse_cidr(text: object) -> Network | None:
    """The network `text` names, or None. Read as the cloud reads it: surrounding spaces
    dropped, host bits allowed (AWS canonicalizes `100.68.0.18/18` to `100.68.0.0/18`),
    leading zeros in an IPv4 octet read as decimal (`000.000.000.000/0`, as Kubernetes'
    sloppy parser reads them), and an IPv4-mapped IPv6 range (`::ffff:0.0.0.0/96`) as the
    IPv4 range it maps, as Go's net package (Kubernetes, AWS controllers) reads it."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    text = text.strip()
    quad = _DOTTED_QUAD.fullmatch(text)
    if quad:
        text = ".".join(str(int(octet)) for octet in quad.groups()[:4]) + (quad[5] or "")
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_MAPPED):
        mapped = network.network_address.ipv4_mapped
        return ipaddress.IPv4Network((int(mapped or 0), network.prefixlen - 96))
    return network


def covers_world(networks: Iterable[Network | None]) -> Network | None:
    """`0.0.0.0/0` or `::/0` when the union of `networks` (None ignored; at most MAX_RANGES
    read) is every IPv4 or every IPv6 address, else None. The sizes are added up first, so
    ranges that cannot add up to a whole family are never sorted."""
    families: dict[int, list[Network]] = {4: [], 6: []}
    for count, network in enumerate(networks):
        if count >= MAX_RANGES:
            break
        if network is not None:
            if network.prefixlen == 0:
                return _WORLD[network.version]
            families[network.version].append(network)
    for version, found in families.items():
        whole = _WORLD[version].num_addresses
        if sum(n.num_addresses for n in found) >= whole and _WORLD[version] in set(
            ipaddress.collapse_addresses(found)
        ):
            return _WORLD[version]
    return None


def is_every_interface(host_ip: object) -> bool:
    """Whether a host IP to bind to means every interface, as Docker reads it: none given, or
    the unspecified address in any spelling (`0.0.0.0`, `000.0.0.0`, `::`, `[0:0::0]`,
    `0:0:0:0:0:0:0:0`, the IPv4-mapped `::ffff:0.0.0.0`). A zone (`::%eth0`) or a prefix is no
    address Docker binds to."""
    if not isinstance(host_ip, str):
        return False
    text = host_ip.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text:
        return host_ip.strip() == ""
    if "/" in text or "%" in text:
        return False
    network = parse_cidr(text)
    return network is not None and network.network_address.is_unspecified
