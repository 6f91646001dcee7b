"""Security group ingress from the whole internet: which rules admit 0.0.0.0/0 or ::/0, on
which protocol and ports, and where each is written."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import list_items
from guardlint.model import Document
from guardlint.parse.located import YamlMap
from guardlint.parse.scalars import whole_number

ALL_PORTS = (0, 65535)
_ALL_PROTOCOLS = frozenset({"-1", "all"})
_PROTOCOL_NAMES = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp"}


@dataclass
class Ingress:
    """One ingress rule from the world: which ports it opens and where it is written."""

    resource: Resource
    rule: YamlMap
    cidr_key: str
    cidr: str
    protocol: str  # tcp, udp, or all
    ports: tuple[int, int] | None  # None: every port of every protocol

    @property
    def opens_every_port(self) -> bool:
        return self.ports is None or (self.ports[0] <= 1 and self.ports[1] >= ALL_PORTS[1])

    def opens(self, port: int) -> bool:
        """Whether the rule's port range includes `port` (a rule of every protocol has none)."""
        return self.ports is not None and self.ports[0] <= port <= self.ports[1]

    @property
    def ports_text(self) -> str:
        if self.ports is None:
            return "all protocols"
        low, high = self.ports
        return (
            f"{self.protocol} port {low}" if low == high else f"{self.protocol} ports {low}-{high}"
        )


def world_ingress(document: Document) -> Iterator[Ingress]:
    """Every ingress rule that admits 0.0.0.0/0 or ::/0, inline or standalone."""
    template = template_of(document)
    sources: list[tuple[Resource, YamlMap]] = []
    for group in resources_of(document, "AWS::EC2::SecurityGroup"):
        for _, _, item in list_items(template, group.props.get("SecurityGroupIngress")):
            sources.append((group, item))
    for ingress in resources_of(document, "AWS::EC2::SecurityGroupIngress"):
        sources.append((ingress, ingress.props))
    for resource, item in sources:
        for key in ("CidrIp", "CidrIpv6"):
            world = next(
                (c for c in template.resolved_strings(item.get(key)) if _is_world(c)), None
            )
            if world is None:
                continue
            for protocol in template.resolved_strings(item.get("IpProtocol")):
                ports = _port_range(template, item, protocol)
                if ports is not False:
                    name = _PROTOCOL_NAMES.get(protocol.strip().lower(), "all")
                    yield Ingress(resource, item, key, world, name, ports)


def _is_world(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _port_range(template: Template, item: dict, protocol: str) -> tuple[int, int] | bool | None:
    """(from, to) for tcp/udp, None for every protocol, False when unknown or not port-based."""
    protocol = protocol.strip().lower()
    if protocol in _ALL_PROTOCOLS:
        return None
    if protocol not in _PROTOCOL_NAMES:
        return False  # icmp and others: no ports
    low, high = (whole_number(template.resolve(item.get(k))) for k in ("FromPort", "ToPort"))
    if low is None or high is None:
        return False
    if low == -1 and high == -1:
        return ALL_PORTS
    return (low, high)
