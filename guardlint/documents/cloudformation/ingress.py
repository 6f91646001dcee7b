"""Security group ingress from the whole internet: which rules admit 0.0.0.0/0 or ::/0 (by
CidrIp, CidrIpv6, or a prefix list of the template whose entries are every address), or
together with other rules of their group every address (`0.0.0.0/1` and `128.0.0.0/1` on
the same ports), on which protocol and ports, and where each is written."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic, referenced_id
from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.scenarios import scenarios
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import list_items
from guardlint.knowledge.database_ports import DATABASE_PORTS, default_port
from guardlint.model.documents import Document
from guardlint.parse.cidr import MAX_RANGES, Network, covers_world, parse_cidr
from guardlint.parse.located import YamlMap
from guardlint.parse.scalars import whole_number

ALL_PORTS = (0, 65535)
_ALL_PROTOCOLS = frozenset({"-1", "all"})
_PROTOCOL_NAMES = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp"}
_MAX_SCENARIOS = 2000  # rules judged once per deployment of their ports, per document
_CACHE = "cfn_world_ingress"
_MAX_UNIONS = 64  # unions computed for one group and protocol: a hostile group stays cheap
_SHOWN_RANGES = 4  # ranges named in a finding on several rules


@dataclass
class Ingress:
    """One ingress rule from the world, or several rules of one group whose ranges together
    are every address (`cidr` names them all; `rule` and `cidr_key` locate the first):
    which ports it opens and where it is written."""

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


@dataclass
class _Partial:
    """An ingress rule from a range narrower than the world, in template order."""

    order: int
    ingress: Ingress
    network: Network

    @property
    def ports(self) -> tuple[int, int]:
        return self.ingress.ports or ALL_PORTS


def world_ingress(document: Document) -> list[Ingress]:
    """Every ingress rule that admits 0.0.0.0/0 or ::/0, inline or standalone, then every
    set of narrower rules of one group whose ranges together admit every address on some
    ports (made once per document: four rules ask)."""
    found = document.meta.get(_CACHE)
    if found is None:
        found = document.meta[_CACHE] = list(_world_ingress(document))
    return found


def _world_ingress(document: Document) -> Iterator[Ingress]:
    template = template_of(document)
    partial: dict[str, list[_Partial]] = {}
    seen: set[tuple] = set()
    prefix_lists: dict[tuple[int, str], str | None] = {}  # read once per list and deployment
    budget = _MAX_SCENARIOS
    for group, resource, item in _sources(document, template):
        # One deployment at a time: both ends of `FromPort: !If [C, 3389, 22]`, `ToPort: !If
        # [C, 3389, 22]` take the same branch (and so does a source on C), so the range is 22
        # or 3389, never unknown. Past the budget, a rule is judged as written (ports on
        # branches unknown, as before), which keeps a hostile group cheap.
        views = [template]
        if budget > 0:
            read = (item.get("FromPort"), item.get("ToPort"))
            views = scenarios(template, template.resources.get(resource.logical_id), read)
            budget -= len(views)
        for view in views:
            for ingress, narrow in _rule_ingress(view, resource, item, prefix_lists):
                found = (id(item), ingress.cidr_key, ingress.cidr, ingress.protocol, ingress.ports)
                if found in seen:
                    continue
                seen.add(found)
                if narrow is None:
                    yield ingress
                else:
                    rules = partial.setdefault(group, [])
                    rules.append(_Partial(len(rules), ingress, narrow))
    for rules in partial.values():
        yield from _unions(rules)


def _rule_ingress(
    template: Template, resource: Resource, item: YamlMap, prefix_lists: dict
) -> Iterator[tuple[Ingress, Network | None]]:
    """The rule's ingress from the world (with None), or from a narrower range it always
    names (with that range, for unions), on each protocol and port range it may open."""
    for key in ("CidrIp", "CidrIpv6"):
        cidrs = template.resolved_strings(item.get(key))
        networks = [parse_cidr(cidr) for cidr in cidrs]
        world = next((c for c, n in zip(cidrs, networks, strict=True) if covers_world([n])), None)
        # A range the template may set to several values joins no union.
        narrow = networks[0] if world is None and len(set(networks)) == 1 else None
        if world is not None or narrow is not None:
            yield from _opened(template, resource, item, key, world or cidrs[0], narrow)
    # A managed prefix list of the template (by Ref or GetAtt PrefixListId) is its entries.
    listed = referenced_id(item.get("SourcePrefixListId"))
    if listed is None or template.resource_type(listed) != "AWS::EC2::PrefixList":
        return
    read = (id(template), listed)
    if read not in prefix_lists:
        prefix_lists[read] = _world_prefix_list(template, listed)
    if prefix_lists[read] is not None:
        yield from _opened(template, resource, item, "SourcePrefixListId", prefix_lists[read], None)


def _world_prefix_list(template: Template, prefix_list: str) -> str | None:
    """The entries of a prefix list of the template, as a finding names them, when they
    admit every address together (every branch's entries); else None."""
    entries = template.properties(prefix_list).get("Entries")
    cidrs = [
        cidr
        for _, _, entry in list_items(template, entries)
        for cidr in template.resolved_strings(entry.get("Cidr"))
    ][:MAX_RANGES]
    networks = [parse_cidr(cidr) for cidr in cidrs]
    if covers_world(networks) is None:
        return None
    alone = (c for c, n in zip(cidrs, networks, strict=True) if covers_world([n]))
    return next(alone, None) or _shown_ranges(cidrs)


def _opened(
    template: Template,
    resource: Resource,
    item: YamlMap,
    key: str,
    cidr: str,
    narrow: Network | None,
) -> Iterator[tuple[Ingress, Network | None]]:
    """The rule's ingress from `cidr` (written at `key`) on each protocol it may name."""
    for protocol in template.resolved_strings(item.get("IpProtocol")):
        ports = _port_range(template, item, protocol)
        if ports is not False:
            name = _PROTOCOL_NAMES.get(protocol.strip().lower(), "all")
            yield Ingress(resource, item, key, cidr, name, ports), narrow


def _sources(document: Document, template: Template) -> Iterator[tuple[str, Resource, YamlMap]]:
    """(group, resource, rule) for every ingress rule: a group's inline rules, and each
    AWS::EC2::SecurityGroupIngress with the group it names (by Ref, GetAtt, literal ID, or
    the literal GroupName a group of the template is given: a default VPC's rule may name
    its group so)."""
    named: dict[str, str] = {}
    for group in resources_of(document, "AWS::EC2::SecurityGroup"):
        own_name = group.props.get("GroupName")
        if isinstance(own_name, str) and own_name.strip():
            named.setdefault(own_name.strip(), group.logical_id)
        for item in _inline_rules(template, group.props.get("SecurityGroupIngress")):
            yield group.logical_id, group, item
    for ingress in resources_of(document, "AWS::EC2::SecurityGroupIngress"):
        props = ingress.props
        target = _group_name(props.get("GroupId", props.get("GroupName")))
        yield named.get(target or "", target) or f"resource {ingress.logical_id}", ingress, props


def _inline_rules(template: Template, value: Any) -> Iterator[YamlMap]:
    """A group's inline rules: the items of its list, or the lone rule written as a map
    instead of a one-item list (as cfndsl writes it, and cfn_nag's examples)."""
    for _, _, item in list_items(template, value):
        if isinstance(item, YamlMap):
            yield item
    for candidate in template.possible_values(value):
        if isinstance(candidate, YamlMap) and intrinsic(candidate) is None:
            yield candidate


def _group_name(value: Any) -> str | None:
    """The security group a reference names: `!Ref Group`, `!GetAtt Group.GroupId`, `sg-1`."""
    if intrinsic(value) is None:
        return value.strip() if isinstance(value, str) and value.strip() else None
    return referenced_id(value)


def _unions(rules: list[_Partial]) -> Iterator[Ingress]:
    """The rules of one group whose ranges together admit every address: those of every
    protocol first, then per tcp/udp port range (rules of every protocol count for each)."""
    every = [rule for rule in rules if rule.ingress.ports is None]
    if covers_world(rule.network for rule in every):
        yield _joined(every, "all", None)
        every = []
    for protocol in ("tcp", "udp"):
        own = [rule for rule in rules if rule.ingress.protocol == protocol]
        if own:
            for ports, members in _open_port_ranges(own + every):
                yield _joined(members, protocol, ports)


def _open_port_ranges(
    rules: list[_Partial],
) -> Iterator[tuple[tuple[int, int], list[_Partial]]]:
    """The widest port ranges on which the rules open to the world together, each with the
    rules that do: a sweep over the ports where some rule starts or ends, which keeps the
    open rules' sizes as it goes and computes a union only where they can make one."""
    rules = [rule for rule in rules if rule.ports[0] <= rule.ports[1]]
    starts = sorted(rules, key=lambda rule: rule.ports[0])
    ends = sorted(rules, key=lambda rule: rule.ports[1])
    bounds = sorted({rule.ports[0] for rule in rules} | {rule.ports[1] + 1 for rule in rules})
    active: dict[int, _Partial] = {}
    sizes = {4: 0, 6: 0}
    added = removed = unions = 0
    current: tuple[int, int, list[_Partial]] | None = None
    for low, after in itertools.pairwise(bounds):
        while added < len(starts) and starts[added].ports[0] <= low:
            rule = active[id(starts[added])] = starts[added]
            sizes[rule.network.version] += rule.network.num_addresses
            added += 1
        while removed < len(ends) and ends[removed].ports[1] < low:
            rule = active.pop(id(ends[removed]))
            sizes[rule.network.version] -= rule.network.num_addresses
            removed += 1
        if not (sizes[4] >= 2**32 or sizes[6] >= 2**128) or unions >= _MAX_UNIONS:
            continue
        unions += 1
        members = list(active.values())
        if covers_world(rule.network for rule in members) is None:
            continue
        if current is not None and current[1] == low - 1:
            current = (current[0], after - 1, current[2] + members)
            continue
        if current is not None:
            yield (current[0], current[1]), current[2]
        current = (low, after - 1, members)
    if current is not None:
        yield (current[0], current[1]), current[2]


def _joined(members: list[_Partial], protocol: str, ports: tuple[int, int] | None) -> Ingress:
    """One finding for rules that together open to the world, located at the first."""
    members = sorted({id(m): m for m in members}.values(), key=lambda m: m.order)
    shown = _shown_ranges([m.ingress.cidr for m in members])
    first = members[0].ingress
    return Ingress(first.resource, first.rule, first.cidr_key, shown, protocol, ports)


def _shown_ranges(cidrs: list[str]) -> str:
    """Ranges that together admit every address, as a finding names them."""
    cidrs = list(dict.fromkeys(cidr.strip() for cidr in cidrs))
    shown = " + ".join(cidrs[:_SHOWN_RANGES])
    if len(cidrs) > _SHOWN_RANGES:
        shown += f" + {len(cidrs) - _SHOWN_RANGES} more ranges"
    return shown


def _port_range(template: Template, item: dict, protocol: str) -> tuple[int, int] | bool | None:
    """(from, to) for tcp/udp, None for every protocol, False when unknown or not port-based."""
    protocol = protocol.strip().lower()
    if protocol in _ALL_PROTOCOLS:
        return None
    if protocol not in _PROTOCOL_NAMES:
        return False  # icmp and others: no ports
    low, high = (_port_number(template, item.get(k)) for k in ("FromPort", "ToPort"))
    if low is None or high is None:
        return False
    if low == -1 and high == -1:
        return ALL_PORTS
    return (low, high)


def _port_number(template: Template, value: Any) -> int | None:
    """A rule's FromPort or ToPort. A database's port attribute (`Fn::GetAtt [Db,
    Endpoint.Port]`, what the CDK writes for `connections.allowDefaultPortFrom(...)`) is the
    port that database of the template listens on: its Port, or else its default."""
    call = intrinsic(value)
    if call is None or call[0] != "Fn::GetAtt":
        return whole_number(template.resolve(value))
    arg = call[1]
    if isinstance(arg, str):
        arg = arg.split(".", 1)
    if not (isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg)):
        return None
    resource = template.resources.get(arg[0])
    resource_type = resource.get("Type") if isinstance(resource, dict) else None
    kind = DATABASE_PORTS.get(resource_type) if isinstance(resource_type, str) else None
    if kind is None or arg[1] not in kind.attributes:
        return None
    props = resource.get("Properties")
    props = props if isinstance(props, dict) else {}
    if props.get("Port") is not None:
        return whole_number(template.resolve(props.get("Port")))
    if kind.default is not None:
        return kind.default
    engine = template.resolve(props.get("Engine"))
    return default_port(engine) if isinstance(engine, str) else None
