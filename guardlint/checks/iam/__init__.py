"""Python checks of the IAM pack (rules/iam.yaml), and the pack's answer to the engine
(guardlint.engine.hooks). The engine imports this module to ask before any check runs: it
imports nothing heavy."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from guardlint.model.documents import SourceFile
from guardlint.model.rules import Rule

# An Action key's value, after `Action`: a flow list (up to its `]`, found separately), a
# quoted string, else the rest of the line (short of a quote or an escape: no JSON string's)
# and a block list's items on the lines below it.
_ACTION_VALUE = re.compile(
    rb"""['"]?[ \t]*:[ \t]*(?:(\[)|"[^"\n]*"|'[^'\n]*'|[^\n"\\]*(?:\n[ \t]*-[ \t][^\n]*)*)"""
)
# One entry of such a value: what lies between quotes, brackets, commas and white space.
_ENTRY = re.compile(rb"""[^\s'"\[\],]+""")
_SERVICE_WILDCARD = re.compile(r"([A-Za-z0-9-]*[*?][A-Za-z0-9*?-]*):[A-Za-z0-9*?_-]+")
_ACTION = b"Action"
# Service parts with a wildcard looked at in a file: past them, it is taken to need the
# database (each is matched against every service prefix).
MAX_SERVICE_GLOBS = 64


def _action_entries(content: bytes) -> set[str]:
    """The entries of every Action list of a file, read loosely (a JSON or YAML list or a
    scalar, an entry between quotes, brackets, commas and white space): linear, each list
    read once."""
    entries: set[str] = set()
    next_close = -1  # the first `]` at or after the last flow list's start
    at = content.find(_ACTION)
    while at >= 0:
        value = _ACTION_VALUE.match(content, at + len(_ACTION))
        end = at + len(_ACTION)
        if value is not None and value.group(1):
            if next_close < value.end():
                next_close = content.find(b"]", value.end())
            end = next_close if next_close >= 0 else len(content)
        elif value is not None:
            end = value.end()
        for entry in _ENTRY.findall(content, at + len(_ACTION), end):
            entries.add(entry.decode("ascii", "replace"))
        at = content.find(_ACTION, max(end, at + len(_ACTION)))
    return entries


def _may_grant_every_action(content: bytes) -> bool:
    """Whether a policy's checks may expand an Action entry of the file over every service,
    which builds the whole database: a NotAction, `*`, or entries whose service parts together
    fit every service (`*:Get*`, `?*:*`, or `a*:*`, `b*:*` ... `x*:*`), in whichever place of
    their list. The lists are found at each `Action` (a few in a template): one regex search of
    the whole text cost a CloudFormation scan a third of what the database costs."""
    if b"NotAction" in content:
        return True
    globs: set[str] = set()
    for entry in _action_entries(content):
        if entry == "*":
            return True
        if (form := _SERVICE_WILDCARD.fullmatch(entry)) is not None:
            globs.add(form.group(1).lower())
    if len(globs) > MAX_SERVICE_GLOBS:
        return True
    return bool(globs) and _every_service_among(globs)


def _every_service_among(globs: set[str]) -> bool:
    """Whether the service globs together fit every service the database lists (its index,
    imported here: only a file with such an entry needs it)."""
    from guardlint.knowledge.iam_actions import known_services, services_matching

    fitted = {service for glob in globs for service in services_matching(glob)}
    return all(service in fitted for service in known_services())


def _build_every_action() -> None:
    from guardlint.knowledge.iam_actions import expand

    expand("*")


def loaded_before_workers(
    source: SourceFile, content: bytes, rules: Mapping[str, Rule]
) -> Callable[[], None] | None:
    """The IAM action database, for a file that may hold a policy whose Action entries expand
    over every service or a NotAction: 40-90 ms a process, built once before the workers fork
    instead of in each."""
    return _build_every_action if _may_grant_every_action(content) else None
