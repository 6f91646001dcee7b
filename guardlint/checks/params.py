"""The parameters of check templates: what each template takes, checked when a pack loads.

A template declares its parameters (guardlint.checks.templates.TEMPLATES); a rule that uses it
gives their values in `params`. An unknown or missing parameter, or a value of the wrong type,
is an error of the rule pack when it loads, never a crash of the template on every file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REQUIRED: Any = object()  # the default of a parameter every rule must give
_DESCRIBED = {str: "a string", bool: "true or false", int: "a whole number", float: "a number",
              list: "a list", dict: "a map"}  # fmt: skip
_PLURALS = {str: "strings", bool: "booleans", int: "whole numbers", float: "numbers",
            list: "lists", dict: "maps"}  # fmt: skip


class ParamError(ValueError):
    """A rule's params that its template cannot take; `keys` lead to the value at fault."""

    def __init__(self, problem: str, *keys: str) -> None:
        super().__init__(problem)
        self.keys = keys


def _is(value: Any, kind: type) -> bool:
    if kind in (int, float) and isinstance(value, bool):
        return False  # True is an int to isinstance()
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


@dataclass(frozen=True)
class Param:
    """One parameter: the type of its value (str, bool, int, float, list or dict), for a list
    the type of its items, and its default (REQUIRED: every rule must give it)."""

    type: type
    items: type | None = None
    default: Any = REQUIRED

    def problem(self, value: Any) -> str | None:
        """Why `value` cannot be this parameter's, if it cannot."""
        if not _is(value, self.type):
            return f"must be {_DESCRIBED[self.type]}"
        if self.items is not None and not all(_is(item, self.items) for item in value):
            return f"must be a list of {_PLURALS[self.items]}"
        return None


@dataclass(frozen=True)
class TemplateSpec:
    """A template: the module that registers it (imported when a rule using it first runs)
    and the parameters it takes."""

    module: str
    params: Mapping[str, Param]


def complete_params(name: str, spec: TemplateSpec, given: Any) -> dict[str, Any]:
    """The rule's params for template `name`, checked, with the defaults of those it leaves
    out; ParamError naming the first problem."""
    if not isinstance(given, dict):
        raise ParamError("params: must be a map", "params")
    unknown = sorted(str(key) for key in given if key not in spec.params)
    if unknown:
        takes = ", ".join(sorted(spec.params)) or "none"
        raise ParamError(
            f"params: template {name} has no parameter {unknown[0]!r} (its parameters: {takes})",
            "params",
            unknown[0],
        )
    missing = [key for key, param in spec.params.items() if param.default is REQUIRED]
    missing = [key for key in missing if key not in given]
    if missing:
        raise ParamError(f"params: template {name} needs {', '.join(missing)}", "params")
    for key, value in given.items():
        problem = spec.params[key].problem(value)
        if problem is not None:
            raise ParamError(f"params: {key} {problem}", "params", key)
    return {key: given.get(key, param.default) for key, param in spec.params.items()}
