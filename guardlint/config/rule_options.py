"""Rule options set in the config: each value must have the shape of the rule's default, so
that a wrong type is an error naming the config line (exit 2) instead of a crash (GL002) of
that rule on every file.

The shape is read from the default (rules/*.yaml): a boolean, a number, a string, a list or a
map, and for a list or map the kind of its items, keys and values. A whole number may also be
written as digits in quotes, as TOML writes every key and the rules convert with int(). An
option whose default is null is a date (`as_of`: today when null).
"""

from __future__ import annotations

import datetime
from typing import Any

from guardlint.parse.text import shown

_DESCRIBED = {
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "list": "a list",
    "map": "a map",
}
_SCALARS = ("boolean", "integer", "number", "string")
# bool before int: True is an int to isinstance().
_KINDS = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
          (list, "list"), (dict, "map"))  # fmt: skip
# Digits in quotes stand for a whole number up to this long (int() refuses thousands).
_MAX_DIGITS = 18


def option_problem(default: Any, value: Any) -> str | None:
    """Why `value` cannot stand for an option whose default is `default`; None if it can."""
    if default is None:
        return None if value is None or _is_date(value) else "must be a date (YYYY-MM-DD)"
    return _shape_problem(default, value)


def _shape_problem(default: Any, value: Any) -> str | None:
    """The default's shape is the option's declared type, checked to any depth: a list of
    lists of strings (IAM012) must not hold a number three levels down."""
    wanted = _kind(default)
    if not _fits(value, wanted):
        return f"must be {_DESCRIBED.get(wanted, wanted)}"
    if wanted == "list":
        parts = [("item", default, value)]
    elif wanted == "map":
        parts = [("key", list(default), list(value)), ("value", list(default.values()),
                                                        list(value.values()))]  # fmt: skip
    else:
        return None
    for part, defaults, given in parts:
        kinds = {_kind(item) for item in defaults}
        template = defaults[0] if len(kinds) == 1 else None
        for item in given:
            if template is not None:
                problem = _shape_problem(template, item)
            elif _kind(item) not in _SCALARS:
                problem = "must be a string, number or boolean"
            else:
                continue
            if problem is not None:
                # The innermost refusal names the value; outer ones say where it sits.
                nested = problem.startswith("each ")
                return (
                    f"each {part}: {problem}"
                    if nested
                    else f"each {part} {problem}, not {shown(item)}"
                )
    return None


def _kind(value: Any) -> str:
    return next((name for cls, name in _KINDS if isinstance(value, cls)), type(value).__name__)


def _fits(value: Any, wanted: str) -> bool:
    kind = _kind(value)
    if wanted == "integer":
        digits = value.strip() if kind == "string" else ""
        return kind == "integer" or (digits.isdecimal() and len(digits) <= _MAX_DIGITS)
    if wanted == "number":
        return kind in ("integer", "number") and value == value and abs(value) != float("inf")
    return kind == wanted


def _is_date(value: Any) -> bool:
    if isinstance(value, datetime.date):
        return not isinstance(value, datetime.datetime)  # the rules compare it with dates
    try:
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True
