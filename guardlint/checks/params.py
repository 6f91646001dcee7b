"""The parameters of check templates: what each template takes, checked when a pack loads.

A template declares its parameters (guardlint.checks.templates.TEMPLATES); a rule that uses it
gives their values in `params`. An unknown or missing parameter, or a value of the wrong type,
is an error of the rule pack when it loads, never a crash of the template on every file.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

REQUIRED: Any = object()  # the default of a parameter every rule must give
_DESCRIBED = {str: "a string", bool: "true or false", int: "a whole number", float: "a number",
              list: "a list", dict: "a map"}  # fmt: skip
_PLURALS = {str: "strings", bool: "booleans", int: "whole numbers", float: "numbers",
            list: "lists", dict: "maps"}  # fmt: skip


class ParamError(ValueError):
    """A rule's params that its template cannot take; `keys` lead to the value at fault."""

    def __init__(self, problem: str, *keys: Any) -> None:
        super().__init__(problem)
        self.keys = keys


def _is(value: Any, kind: type) -> bool:
    if kind in (int, float) and isinstance(value, bool):
        return False  # True is an int to isinstance()
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


@dataclass(frozen=True, eq=False, repr=False)  # neither compared nor printed: 2 methods fewer
class Param:
    """One parameter: the type of its value (str, bool, int, float, list or dict), for a list
    the type of its items, and its default (REQUIRED: every rule must give it). Optionally the
    only values it may take (`choices`; for a list, its items'), the parameters of each map of
    a list of maps (`fields`, checked and completed like the params themselves), and the
    `{placeholders}` a text may name (bare: no conversion or format spec).
    """

    type: type
    items: type | None = None
    default: Any = REQUIRED
    choices: tuple[Any, ...] = ()
    fields: Mapping[str, Param] | None = None
    placeholders: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.fields is not None and (self.type, self.items) != (list, dict):
            raise TypeError("fields are the parameters of each map of a list of maps")

    def problem(self, value: Any) -> str | None:
        """Why `value` cannot be this parameter's, if it cannot (its `fields` aside)."""
        if not _is(value, self.type):
            return f"must be {_DESCRIBED[self.type]}"
        if self.items is not None and not all(_is(item, self.items) for item in value):
            return f"must be a list of {_PLURALS[self.items]}"
        if self.choices and any(v not in self.choices for v in _values(value)):
            return f"must be one of {', '.join(map(str, self.choices))}"
        if self.placeholders is not None:
            return _placeholder_problem(value, self.placeholders)
        return None


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _placeholder_problem(text: str, placeholders: tuple[str, ...]) -> str | None:
    allowed = ", ".join(f"{{{name}}}" for name in placeholders) or "none"
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as exc:  # a lone `{` or `}`
        return f"is not a valid text ({exc})"
    for _, name, spec, conversion in pieces:
        if name is not None and (name not in placeholders or spec or conversion):
            return f"may name only the fields {allowed}, not {{{name}}}"
    return None


class TemplateSpec(NamedTuple):
    """A template: the module that registers it (imported when a rule using it first runs),
    the parameters it takes, and the resource types a rule of it looks at, from its params
    (None: it may find something in any document; guardlint.model.rules.Rule.resource_types)."""

    module: str
    params: Mapping[str, Param]
    resource_types: Callable[[Mapping[str, Any]], Sequence[str]] | None = None


def complete_params(name: str, spec: TemplateSpec, given: Any) -> dict[str, Any]:
    """The rule's params for template `name`, checked, with the defaults of those it leaves
    out; ParamError naming the first problem."""
    if not isinstance(given, dict):
        raise ParamError("params: must be a map", "params")
    return _complete(spec.params, given, f"template {name}", "", ("params",))


def _complete(
    params: Mapping[str, Param], given: dict, owner: str, label: str, keys: tuple[Any, ...]
) -> dict[str, Any]:
    """`given` checked against `params` and completed with their defaults. `owner` names what
    takes them ("template NAME", "tests item 2"), `label` prefixes a value's key in a problem
    and `keys` lead to `given`."""
    unknown = sorted(str(key) for key in given if key not in params)
    if unknown:
        takes = ", ".join(sorted(params)) or "none"
        raise ParamError(
            f"params: {owner} has no parameter {unknown[0]!r} (its parameters: {takes})",
            *keys,
            unknown[0],
        )
    missing = [key for key, param in params.items() if param.default is REQUIRED]
    missing = [key for key in missing if key not in given]
    if missing:
        raise ParamError(f"params: {owner} needs {', '.join(missing)}", *keys)
    completed = {}
    for key, param in params.items():
        value = given.get(key, param.default)
        if key in given:
            problem = param.problem(value)
            if problem is not None:
                raise ParamError(f"params: {label}{key} {problem}", *keys, key)
        completed[key] = _complete_fields(param, value, label, (*keys, key))
    return completed


def _complete_fields(param: Param, value: Any, label: str, keys: tuple[Any, ...]) -> Any:
    """A list of maps with `fields`: each map checked and completed."""
    if param.fields is None:
        return value
    completed = []
    for index, item in enumerate(value):
        owner = f"{label}{keys[-1]} item {index + 1}"
        completed.append(_complete(param.fields, item, owner, f"{owner}: ", (*keys, index)))
    return completed
