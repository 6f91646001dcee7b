"""What a CloudFormation value may be, through the evaluator: the maps and list items behind
Fn::If, and whether a flag may be true or false. A value that cannot be resolved is neither
true nor false: it never yields a finding. A property whose value may be `!Ref AWS::NoValue`
(an Fn::If branch the stack may take) may be missing: CloudFormation removes it. One that a
macro called in its map (AWS::Include) may write is not known to be missing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.conditions import taken_branches
from guardlint.documents.cloudformation.intrinsics import (
    MAX_VALUES,
    UNRESOLVED,
    intrinsic,
    scalar_text,
    sub_references,
)
from guardlint.documents.cloudformation.template import Template
from guardlint.parse.located import YamlMap
from guardlint.parse.scalars import truth


def get_map(container: Any, key: str) -> YamlMap | None:
    """`container[key]` when it is a literal map (not an intrinsic)."""
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, dict) and intrinsic(value) is None else None


def map_values(template: Template, value: Any) -> list[Any]:
    """The maps `value` may be (Fn::If branches expanded); UNRESOLVED when unknown."""
    return [v if isinstance(v, dict) else UNRESOLVED for v in template.possible_values(value)]


def list_items(template: Template, value: Any) -> Iterator[tuple[Any, int, Any]]:
    """(list, index, item) for every literal map item of a list that may sit behind Fn::If;
    an item that is itself an Fn::If yields each branch that is a map."""
    for candidate in template.possible_values(value):
        if not isinstance(candidate, list):
            continue
        for index, item in enumerate(candidate):
            for option in template.possible_values(item):
                if isinstance(option, dict) and intrinsic(option) is None:
                    yield candidate, index, option


_NO_VALUE = ("Ref", "AWS::NoValue")
_MAX_NESTING = 30  # Fn::If inside Fn::If: deeper is not a template anyone writes


def branches(template: Template, value: Any, depth: int = 0) -> Iterator[Any]:
    """The values `value` may be as written: itself, or each branch of an Fn::If (nested
    ones too) that the stack may take (a branch a known condition rules out is left out)."""
    call = intrinsic(value)
    if call is None or call[0] != "Fn::If" or depth > _MAX_NESTING:
        yield value
        return
    for branch in taken_branches(template.condition_values, call[1]) or []:
        yield from branches(template, branch, depth + 1)


def may_be_no_value(template: Template, value: Any) -> bool:
    """True when `value` is `!Ref AWS::NoValue`, or an Fn::If with such a branch that the
    stack may take."""
    return any(intrinsic(branch) == _NO_VALUE for branch in branches(template, value))


# A macro called as a key of a map (`Fn::Transform: {Name: AWS::Include, ...}`) writes keys of
# its own into that map: which ones the template does not say.
_MACRO = "Fn::Transform"


def writes_unknown_keys(container: Any) -> bool:
    """True when a macro inserts keys into `container`, so a key not written there may
    still be set."""
    return isinstance(container, dict) and _MACRO in container


def may_be_missing(template: Template, container: Any, key: str | None) -> bool:
    """True when `container[key]` is not written (and no macro may write it), or may be
    removed by AWS::NoValue."""
    if not isinstance(container, dict) or key not in container:
        return not writes_unknown_keys(container)
    return may_be_no_value(template, container[key])


def is_false_or_missing(template: Template, container: Any, key: str) -> bool:
    """True when `container[key]` is absent (or may be AWS::NoValue) or may resolve to false;
    a value that cannot be resolved is neither."""
    if may_be_missing(template, container, key):
        return True
    return may_be_false(template, container, key)


def may_be_false(template: Template, container: Any, key: str) -> bool:
    """True when `container[key]` is written and may resolve to false (an Fn::If branch too)."""
    return (
        isinstance(container, dict)
        and key in container
        and any(v is False for v in _truths(template, container[key]))
    )


def _truths(template: Template, value: Any) -> list[bool | None]:
    return [truth(v) for v in template.possible_values(value)]


def may_be_true(template: Template, container: Any, key: str) -> bool:
    """True when `container[key]` may resolve to true (a branch of Fn::If included)."""
    return isinstance(container, dict) and any(
        v is True for v in _truths(template, container.get(key))
    )


def may_be_empty(template: Template, container: Any, key: str) -> bool:
    """True when `container[key]` is written and may resolve to an empty string (a literal
    "", a parameter whose default is "", an Fn::If branch) or be AWS::NoValue; a value that
    cannot be resolved is not empty."""
    if not isinstance(container, dict) or key not in container:
        return False
    value = container[key]
    return may_be_no_value(template, value) or any(
        v is None or (isinstance(v, str) and not v.strip()) for v in template.possible_values(value)
    )


def is_set(template: Template, container: Any, key: str) -> bool:
    """True when `container[key]` is written and never empty nor AWS::NoValue (a value that
    cannot be resolved is set): a snapshot to restore, a key to encrypt with."""
    return (
        isinstance(container, dict)
        and key in container
        and not may_be_empty(template, container, key)
    )


def may_equal(template: Template, value: Any, *choices: str) -> str | None:
    """The first resolved value of `value` among `choices` (case-insensitive), if any."""
    wanted = {c.lower(): c for c in choices}
    for text in template.resolved_strings(value):
        if text.lower() in wanted:
            return text
    return None


def written_choices(
    template: Template, container: Any, key: Any, depth: int = 0
) -> Iterator[tuple[Any, Any]]:
    """(container, key) of each place in the template that `container[key]` may take its value
    from as written: itself, each branch of an Fn::If the stack may take (nested ones too), each
    Mappings entry an Fn::FindInMap may find. A Ref's value is the parameter's, not written
    here."""
    name, arguments = intrinsic(container[key]) or (None, None)
    taken = taken_branches(template.condition_values, arguments) if name == "Fn::If" else None
    if taken is not None and depth <= _MAX_NESTING:
        for index in (1, 2):
            if any(branch is arguments[index] for branch in taken):
                yield from written_choices(template, arguments, index, depth + 1)
    elif name == "Fn::FindInMap":
        yield from _map_entries(template, arguments)
    else:
        yield container, key


def _map_entries(template: Template, arguments: Any) -> Iterator[tuple[Any, Any]]:
    """(second-level map, key) of each entry Fn::FindInMap [map, top, second] may find: under
    every top-level key when that key is not written literally (a parameter chosen at
    deployment, the region), the first MAX_VALUES of them as the evaluator, so that many calls
    over one large map stay linear."""
    if not isinstance(arguments, list) or len(arguments) < 3:
        return
    seconds = template.resolved_strings(arguments[2])
    for map_name in template.resolved_strings(arguments[0]):
        mapping = template.mappings.get(map_name)
        if not isinstance(mapping, dict):
            continue
        top = arguments[1]
        levels = [mapping.get(top)] if isinstance(top, str) else mapping.values()
        for level in itertools.islice(levels, MAX_VALUES):
            for second in seconds:
                if isinstance(level, dict) and second in level:
                    yield level, second


# What written_text writes at most, in characters and steps: a credential is short, and a
# Fn::Sub naming a variable thousands of times, whose value names another thousands of times,
# would write text exponentially longer than the template.
MAX_WRITTEN = 100_000


class _Budget:
    def __init__(self, left: int) -> None:
        self.left = left

    def spend(self, amount: int) -> bool:
        self.left -= amount
        return self.left >= 0


def written_text(value: Any) -> str | None:
    """The text of a Fn::Sub or Fn::Join written wholly from the template's own literals (a
    Fn::Sub's variables given literals in its map, a Fn::Join's literal items, nested ones
    too): a credential split into literal pieces is written in the template all the same.
    None for any other value, when a part is filled at deployment (a parameter, an attribute,
    a pseudo parameter), and past MAX_WRITTEN."""
    return _written(value, 0, _Budget(MAX_WRITTEN))


def _written(value: Any, depth: int, budget: _Budget) -> str | None:
    name, argument = intrinsic(value) or (None, None)
    if depth > _MAX_NESTING:
        return None
    if name == "Fn::Sub":
        text, variables = argument if _is_pair(argument) else (argument, {})
        if isinstance(text, str) and isinstance(variables, dict):
            return _substituted(text, variables, depth, budget)
    elif name == "Fn::Join" and _is_pair(argument):
        separator, items = argument
        if isinstance(separator, str) and isinstance(items, list):
            parts = []
            for item in items:
                part = _part_text(item, depth, budget)
                if part is None or not budget.spend(len(part) + len(separator) + 1):
                    return None
                parts.append(part)
            return separator.join(parts)
    return None


def _is_pair(argument: Any) -> bool:
    return isinstance(argument, list) and len(argument) == 2


def _substituted(text: str, variables: dict, depth: int, budget: _Budget) -> str | None:
    parts, position = [], 0
    for match in sub_references(text):
        name = match.group(1).strip()
        if name.startswith("!"):  # `${!Literal}` is written as `${Literal}`
            written: str | None = "${" + name[1:] + "}"
        else:
            written = _part_text(variables.get(name), depth, budget)
        if written is None or not budget.spend(len(written) + match.start() - position + 1):
            return None
        parts += [text[position : match.start()], written]
        position = match.end()
    parts.append(text[position:])
    return "".join(parts)


def _part_text(item: Any, depth: int, budget: _Budget) -> str | None:
    if isinstance(item, (str, int, float)):
        return scalar_text(item)
    return _written(item, depth + 1, budget)
