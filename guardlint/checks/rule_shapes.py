"""What each key of a rule pack or of one of its rules holds (guardlint.rulebook), checked before
anything reads it: a pack is data, and a list where a string belongs must be an error naming the
line, not a traceback. Also a rule's ID, and what its `resource_types` and `superseded_by` say."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from guardlint.checks.templates import TEMPLATES

# \Z, not $: `$` also matches before a final newline, which would let "ACME001\n" through.
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,7}[0-9]{3}\Z")

# What a rule may say of itself to the engine, true or false (guardlint.model.rules.Rule).
FLAG_KEYS = ("defers_to_specific_secret_rules", "judges_never_created", "finds_secrets")
_TEXT_KEYS = (
    "pack", "name", "title", "severity", "category", "description", "remediation",
    "finding_type", "example_filename", "precision", "check", "template",
)  # fmt: skip
SHAPES: dict[str, tuple[type, tuple[type, ...]]] = {
    **dict.fromkeys(_TEXT_KEYS, (str, ())),
    "kinds": (list, (str,)),
    "resource_types": (list, (str,)),
    "references": (list, (str,)),
    "cwe": (list, (str, int)),
    "examples": (dict, (str,)),
    "options": (dict, (object,)),
    "option_types": (dict, (object,)),
    "match": (dict, (object,)),
    "params": (dict, (object,)),
    "rules": (list, (dict,)),
    **dict.fromkeys(FLAG_KEYS, (bool, ())),
    "superseded_by": (dict, (object,)),
}
_PLURALS = {str: "strings", int: "integers", dict: "maps"}


def shape_problem(key: str, value: Any) -> str | None:
    """Why `value` cannot be the pack's or rule's `key`, if it cannot."""
    container, items = SHAPES[key]
    if container is str:
        return None if isinstance(value, str) else f"{key}: must be a string"
    if container is bool:
        return None if isinstance(value, bool) else f"{key}: must be true or false"
    values = value.values() if isinstance(value, dict) else value
    if isinstance(value, container) and all(isinstance(item, items) for item in values):
        return None
    what = "map" if container is dict else "list"
    if items == (object,):
        return f"{key}: must be a {what}"
    return f"{key}: must be a {what} of {' or '.join(_PLURALS[t] for t in items)}"


def rule_resource_types(
    data: dict[str, Any],
    template: str | None,
    params: dict[str, Any],
    custom: bool,
    fail: Callable[..., Exception],
) -> frozenset[str]:
    """The types a rule finds nothing without (guardlint.model.rules.Rule.resource_types): its own
    `resource_types`, or those its template reads from its params. A built-in rule's only: a
    custom rule's match may read any part of a template."""
    declared = data.get("resource_types")
    if declared is not None and (custom or template):
        raise fail("resource_types: only a built-in rule with a check declares them",
                   "resource_types")  # fmt: skip
    of_template = TEMPLATES[template].resource_types if template else None
    return frozenset(of_template(params) if of_template else declared or ())


def supersession(
    data: dict[str, Any], custom: bool, fail: Callable[..., Exception]
) -> tuple[tuple[str, ...], str]:
    """A deprecated rule's `superseded_by: {rules: [IDS], resource_type: TYPE}`: the rules that
    took over its parts, and the resources (a CloudFormation type) on which what names the old
    ID applies to them. Built-in packs only."""
    value = data.get("superseded_by")
    if value is None:
        return (), ""
    if custom:
        raise fail("superseded_by: only built-in rules are superseded", "superseded_by")
    rules, covered_type = value.get("rules"), value.get("resource_type")
    if not (
        isinstance(rules, list)
        and rules
        and all(isinstance(r, str) and RULE_ID.match(r) for r in rules)
        and isinstance(covered_type, str)
        and covered_type
    ):
        raise fail("superseded_by: needs rules (a list of rule IDs) and a resource_type")
    return tuple(rules), covered_type
