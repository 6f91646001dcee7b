"""Whether a Resource entry reaches every resource an action can act on: the one notion behind
"on every resource" for the rules that judge grants by it (IAM003, and IAM006, IAM007, IAM012
through guardlint.documents.iam.grants).

`*` and an ARN of nothing but wildcards (`arn:*:*:*:*:*`) reach everything. Otherwise an ARN
reaches every resource of a type when its resource part is only wildcards after that type's
prefix: `arn:aws:iam::*:role/*` (every role of every account), `arn:aws:iam::123456789012:
role/*` (every role of the account), `arn:aws:iam::*:*` (every IAM resource),
`arn:aws:secretsmanager:*:*:secret:*`; as a `*` matches colons, so does an ARN cut short
(`arn:aws:iam::*`) or a type prefix cut short (`role*`). Partition, region and account may be
anything, CloudFormation's `${AWS::Partition}` and `${AWS::AccountId}` included: each names a whole
account or more. A name or path prefix (`role/deploy-*`, `role/app/*`) chooses some of the
resources, which is what scoping means, and a variable in the resource part (`role/${Name}`)
is not known to be a wildcard. The types come from the action database's ARN formats
(`Action.resource_heads`), so `sts:AssumeRole` on `arn:aws:iam::*:role/*` reaches every role
while `iam:PassRole` on `arn:aws:s3:::*` reaches nothing it acts on.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from guardlint.documents.iam.values import Item
from guardlint.knowledge.iam_actions import Action, expand, matches
from guardlint.knowledge.iam_wildcards import matches_every_text

_ANY_PARTITION = re.compile(r"^(\*+|aws[\w-]*)$", re.IGNORECASE)
# The resource part of a full ARN of wildcards: `*`, or `*/*` as some write it.
_ANY_RESOURCE_PART = re.compile(r"^\*+(/\*+)?$")
# arn:partition:service:region:account:resource (the resource part may hold colons).
_ARN = re.compile(r"^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$", re.DOTALL)
# A CloudFormation substitution (`${AWS::Partition}` holds colons of its own).
_SUBSTITUTION = re.compile(r"\$\{[^}]*\}")
# Wildcards that match every name (`*`, `?*`; `?` alone matches one character).
_EVERY_NAME = r"[*?]*\*[*?]*"
# Only wildcards, across types too: `*`, `*/*` (every object of every bucket), `*:*`.
_EVERY_TYPE = re.compile(rf"^{_EVERY_NAME}([/:]{_EVERY_NAME})*$")
# A literal resource type prefix, then only wildcards: `role/*`, `secret:*`.
_EVERY_OF_TYPE = re.compile(rf"^([A-Za-z0-9_.-]+[/:]){_EVERY_NAME}$")


def is_any_resource(item: Item) -> bool:
    """`*`, or an ARN made of nothing but wildcards (`arn:aws:*:*:*:*`, `arn:*`)."""
    return item.text is not None and is_any_resource_text(item.text)


def is_any_resource_text(text: str) -> bool:
    """`*`, or `arn:` and a partition followed by fields of only `*` (`arn:aws:*:*:*:*`), or
    cut short (`arn:*`, `arn:aws:*`): IAM's `*` matches colons, so the last one matches the
    rest of any ARN. An empty field (`arn:aws:*::*`) or a sixth one does not. A field no ARN
    leaves empty (partition, service, resource, or the rest of a short one) may also be `?*`,
    which matches every text but the empty one; a region or account may be empty (S3's)."""
    text = text.strip()
    fields = text.split(":", 6)
    if len(fields) == 1:
        return _stars(text)
    if fields[0].lower() != "arn" or len(fields) > 6:
        return False
    if len(fields) == 2:
        return matches_every_text(fields[1])  # `arn:*`: the partition's star takes the rest
    partition, *middle, last = fields[1:]
    return (
        (bool(_ANY_PARTITION.match(partition)) or matches_every_text(partition))
        and all(matches_every_text(part) for part in middle[:1])  # the service
        and all(_stars(part) for part in middle[1:])  # region and account
        and (
            matches_every_text(last) or (len(fields) == 6 and bool(_ANY_RESOURCE_PART.match(last)))
        )
    )


@functools.lru_cache(maxsize=1024)
def resource_pattern(text: str) -> re.Pattern[str]:
    """A Resource entry as IAM matches it: `*` any run of characters, `?` one, case kept
    (fnmatch's translation commits to each `*`'s leftmost match: no backtracking blow-up;
    `[` is a character in an ARN)."""
    return re.compile(fnmatch.translate(text.replace("[", "[[]")))


def without_variables(text: str) -> str:
    """A Sub pattern with each `${...}` written `x`. Only up to the last `}`: past it every
    `${` is unclosed, and `re` would scan from each of them to the end (quadratic)."""
    end = text.rfind("}") + 1
    return _SUBSTITUTION.sub("x", text[:end]) + text[end:]


@dataclass(frozen=True)
class Breadth:
    """A Resource entry that reaches every resource of a service (`type_prefix` None) or of
    one resource type."""

    service: str  # may hold IAM wildcards (`*`)
    type_prefix: str | None

    def reaches(self, action: Action) -> bool:
        """Whether it reaches every resource of one of the action's resource types."""
        for head in action.resource_heads:
            service, prefix = head.split(":", 1)
            if matches(self.service, service) and self.type_prefix in (None, prefix):
                return True
        return False


def breadth(item: Item) -> Breadth | None:
    """How far a Resource entry reaches, when it reaches every resource of a type; None when
    it names fewer (or cannot be read)."""
    text = item.pattern
    return _breadth_of_arn(text.strip()) if text is not None else None


@functools.lru_cache(maxsize=4096)
def _breadth_of_arn(text: str) -> Breadth | None:
    text = without_variables(text)
    arn = _ARN.match(text)
    if arn is None:
        return _truncated(text)
    service, resource = arn.groups()
    if _EVERY_TYPE.match(resource):
        return Breadth(service, None)
    of_type = _EVERY_OF_TYPE.match(resource)
    return Breadth(service, of_type.group(1)) if of_type else _of_type_stem(service, resource)


def _truncated(text: str) -> Breadth | None:
    """An ARN cut short by a wildcard that begins a field (`arn:*`, `arn:aws:iam::*`): IAM's
    `*` matches colons too, so it reaches every resource of the service (of every service
    when the service is not written)."""
    fixed = text.rstrip("*?")
    if "*" not in text[len(fixed) :] or "*" in fixed or "?" in fixed:
        return None
    fields = fixed.split(":")
    if fields[0].lower() != "arn" or len(fields) > 5 or fields[-1]:
        return None
    return Breadth(fields[2] if len(fields) > 3 else "*", None)


def _of_type_stem(service: str, resource: str) -> Breadth | None:
    """A resource part that is the start of one type's prefix, then only wildcards (`role*`,
    `param*`): every resource of that type, when the service has one type that starts so."""
    stem = resource.rstrip("*?")
    if not stem or "*" not in resource[len(stem) :] or "*" in stem or "?" in stem:
        return None
    prefixes = {p for p in _type_prefixes().get(service.lower(), ()) if p.startswith(stem)}
    return Breadth(service, prefixes.pop()) if len(prefixes) == 1 else None


@functools.cache
def _type_prefixes() -> dict[str, frozenset[str]]:
    """The resource type prefixes (`role/`, `secret:`) of each service's ARN formats, from the
    resource heads of every action: the few hundred tuples they share, each read once (the
    index of every action by type, _keys_by_type, took nine times as long)."""
    found: dict[str, set[str]] = {}
    for heads in {action.resource_heads for action in expand("*")}:
        for head in heads:
            service, prefix = head.split(":", 1)
            if prefix:
                found.setdefault(service, set()).add(prefix)
    return {service: frozenset(prefixes) for service, prefixes in found.items()}


# Distinct Resource entries of one statement with a wildcard in their service (`arn:aws:s*:...`)
# that Reach tests one by one; past them an entry is taken to reach every action: a statement
# written with thousands of them would cost their number for each of 20,000 actions.
MAX_WILDCARD_SERVICES = 16


@dataclass
class Reach:
    """What the Resource (or NotResource) entries of one statement reach in full, indexed by
    service and type so that asking for one action costs the same for one entry or thousands."""

    whole: set[tuple[str, str | None]] = field(default_factory=set)  # (service, type prefix)
    wildcard_services: list[Breadth] = field(default_factory=list)
    overflow: bool = False  # more wildcard services than MAX_WILDCARD_SERVICES

    @classmethod
    def of(cls, items: Iterable[Item]) -> Reach:
        reach = cls()
        for item in items:
            found = breadth(item)
            if found is None:
                continue
            if "*" not in found.service and "?" not in found.service:
                reach.whole.add((found.service.lower(), found.type_prefix))
            elif found not in reach.wildcard_services:
                reach.overflow = len(reach.wildcard_services) >= MAX_WILDCARD_SERVICES
                reach.wildcard_services += [] if reach.overflow else [found]
        return reach

    def __bool__(self) -> bool:
        return bool(self.whole or self.wildcard_services or self.overflow)

    def reached_keys(self) -> frozenset[str]:
        """The keys of every action one of the entries with a literal service reaches in
        full, from an index of the database: in time of the answer, not of 20,000 actions."""
        by_service, by_head = _keys_by_type()
        found: set[str] = set()
        for service, prefix in self.whole:
            found.update(
                by_service.get(service, ())
                if prefix is None
                else by_head.get((service, prefix), ())
            )
        return frozenset(found)

    def reaches(self, action: Action) -> bool:
        """Whether one of the entries reaches every resource of one of the action's types."""
        if self.overflow:
            return True
        for head in action.resource_heads:
            service, prefix = head.split(":", 1)
            if (service, None) in self.whole or (service, prefix) in self.whole:
                return True
        return any(found.reaches(action) for found in self.wildcard_services)


@functools.cache
def _keys_by_type() -> tuple[dict[str, frozenset[str]], dict[tuple[str, str], frozenset[str]]]:
    """Action keys by the service of a resource type they act on, and by that type."""
    by_service: dict[str, set[str]] = {}
    by_head: dict[tuple[str, str], set[str]] = {}
    for action in expand("*"):
        for head in action.resource_heads:
            service, prefix = head.split(":", 1)
            by_service.setdefault(service, set()).add(action.key)
            by_head.setdefault((service, prefix), set()).add(action.key)
    return (
        {service: frozenset(keys) for service, keys in by_service.items()},
        {head: frozenset(keys) for head, keys in by_head.items()},
    )


# Distinct Resource entries of one Deny statement read for what they cover in full (covered_keys);
# past them an entry covers nothing more, which only ever counts a Deny for less.
MAX_COVERING = 16
_PARTITION = "${AWS::Partition}"
Cover = tuple[str, str, str, str]  # service, region, account, resource prefix


def _stars(text: str) -> bool:
    return bool(text) and text.strip("*") == ""


def _literal(text: str) -> bool:
    return not any(mark in text for mark in ("*", "?", "${"))


def _cover(text: str) -> Cover | None:
    """A Deny's Resource entry as (service, region, account, resource prefix) when it matches
    every ARN that starts so: partition any (`*`, the stack's, or written out: the policy's
    own), service literal, region and account each `*` or literal (`` for S3's and IAM's),
    the resource a literal prefix then only `*`."""
    parts = text.strip().split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    _, partition, service, region, account, resource = parts
    prefix = resource.rstrip("*")
    if prefix == resource or not _literal(prefix) or not _literal(service) or not service:
        return None
    if not (_stars(partition) or partition == _PARTITION or _literal(partition)):
        return None
    if not all(_stars(part) or _literal(part) for part in (region, account)):
        return None
    region, account = ("*" if _stars(part) else part for part in (region, account))
    return service, region, account, prefix


def _covered(covers: list[Cover], arn: str) -> bool:
    """Whether one of a service's covers matches every ARN of a format (variables `*`)."""
    _, _, _, region, account, resource = arn.split(":", 5)
    head = resource.split("*", 1)[0]
    return any(
        (cover_region == "*" or ("*" not in region and cover_region == region))
        and (cover_account == "*" or ("*" not in account and cover_account == account))
        and head.startswith(prefix)
        for _, cover_region, cover_account, prefix in covers
    )


def covered_keys(items: Iterable[Item]) -> frozenset[str]:
    """The keys of the actions a Deny's Resource entries refuse everywhere: every ARN of every
    resource type of the action matches one of them, in every account and region (actions of
    no resource type are asked on `*`, which none of them matches)."""
    covers: set[Cover] = set()
    for item in items:
        text = item.template_text
        cover = _cover(text) if text is not None else None
        if cover is not None and len(covers) < MAX_COVERING:
            covers.add(cover)
    return _covered_keys(frozenset(covers)) if covers else frozenset()


@functools.lru_cache(maxsize=256)
def _covered_keys(covers: frozenset[Cover]) -> frozenset[str]:
    """Worked out over the ARN formats of the covers' services (a hundred for EC2), then the
    actions of the formats covered."""
    formats_by_service, sets_by_format, keys_by_set = _arn_formats()
    by_service: dict[str, list[Cover]] = {}
    for cover in covers:
        by_service.setdefault(cover[0], []).append(cover)
    covered = {
        arn
        for service, its_covers in by_service.items()
        for arn in formats_by_service.get(service, ())
        if _covered(its_covers, arn)
    }
    keys: set[str] = set()
    for arns in {arns for arn in covered for arns in sets_by_format[arn]}:
        if all(arn in covered for arn in arns):
            keys.update(keys_by_set[arns])
    return frozenset(keys)


Formats = tuple[str, ...]


@functools.cache
def _arn_formats() -> tuple[
    dict[str, Formats], dict[str, tuple[Formats, ...]], dict[Formats, frozenset[str]]
]:
    """The ARN formats (variables `*`) by their service; the sets of formats actions act on,
    by format; the keys of the actions acting on each set (far fewer sets than actions)."""
    keys_by_set: dict[Formats, set[str]] = {}
    for action in expand("*"):
        keys_by_set.setdefault(action.resource_arns, set()).add(action.key)
    by_service: dict[str, set[str]] = {}
    sets_by_format: dict[str, list[Formats]] = {}
    for arns in keys_by_set:
        for arn in arns:
            parts = arn.split(":", 5)
            if len(parts) == 6:
                by_service.setdefault(parts[2], set()).add(arn)
            sets_by_format.setdefault(arn, []).append(arns)
    return (
        {service: tuple(sorted(arns)) for service, arns in by_service.items()},
        {arn: tuple(sets) for arn, sets in sets_by_format.items()},
        {arns: frozenset(keys) for arns, keys in keys_by_set.items()},
    )
