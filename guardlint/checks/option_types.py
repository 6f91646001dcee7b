"""The types of rule options: what a value set in the config may be, so that a wrong type is an
error naming the config line (exit 2) instead of a crash (GL002) of that rule on every file, or
a value the rule silently ignores.

An option's type is read from its default (rules/*.yaml): a boolean, a number, a string, a list
or a map, and for a list or map the kind of its items, keys and values. A whole number may also
be written as digits in quotes, as TOML writes every key and the rules convert with int(). An
option whose default is null is a date (`as_of`: today when null).

Where the default cannot show the type (the items of an empty list, a closed set of words), the
rule declares it in `option_types`, checked when the pack loads (its default must be of it):

    boolean, integer, number, string    a value of that kind
    {list: TYPE}                        a list whose items are of TYPE
    {one_of: [VALUE, ...]}              one of these values (a word in any case)
"""

from __future__ import annotations

import datetime
from typing import Any

from guardlint.parse.digits import ascii_digits
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
# Digits in quotes (ASCII: int() also reads '٣') stand for a whole number up to this long
# (int() refuses thousands).
_MAX_DIGITS = 18
_DECLARED_FORMS = "boolean, integer, number, string, {list: TYPE} or {one_of: [VALUE, ...]}"


def option_problem(default: Any, value: Any, declared: Any = None) -> str | None:
    """Why `value` cannot stand for an option whose default is `default` and whose declared
    type (`option_types`) is `declared`, if any; None if it can."""
    if declared is not None:
        return _declared_problem(declared, value)
    if default is None:
        return None if value is None or _is_date(value) else "must be a date (YYYY-MM-DD)"
    return _shape_problem(default, value)


def declared_type_problem(declared: Any) -> str | None:
    """Why `declared` is not a type `option_types` can declare, if it is not."""
    if isinstance(declared, str):
        return None if declared in _SCALARS else f"unknown type {shown(declared)}"
    if not isinstance(declared, dict) or len(declared) != 1:
        return f"must be {_DECLARED_FORMS}"
    ((form, argument),) = declared.items()
    if form == "list":
        return declared_type_problem(argument)
    if form == "one_of":
        scalars = isinstance(argument, list) and all(_kind(v) in _SCALARS for v in argument)
        return None if argument and scalars else "one_of: must be a list of strings or numbers"
    return f"must be {_DECLARED_FORMS}"


def _declared_problem(declared: Any, value: Any) -> str | None:
    if isinstance(declared, str):
        return None if _fits(value, declared) else f"must be {_DESCRIBED[declared]}"
    if "one_of" in declared:
        choices = declared["one_of"]
        if any(_same(value, choice) for choice in choices):
            return None
        return f"must be one of {', '.join(map(str, choices))}"
    if not isinstance(value, list):
        return "must be a list"
    for item in value:
        problem = _declared_problem(declared["list"], item)
        if problem is not None:
            return _of_part("item", problem, item)
    return None


def _same(value: Any, choice: Any) -> bool:
    """`value` is `choice`: words compare in any case, True is not 1."""
    if isinstance(value, str) and isinstance(choice, str):
        return value.casefold() == choice.casefold()
    return _kind(value) == _kind(choice) and value == choice


def _shape_problem(default: Any, value: Any) -> str | None:
    """The default's shape is the option's type, checked to any depth: a list of lists of
    strings (IAM012) must not hold a number three levels down."""
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
                return _of_part(part, problem, item)
    return None


def _of_part(part: str, problem: str, item: Any) -> str:
    """The problem of one item, key or value: the innermost refusal names the value, outer ones
    say where it sits."""
    if problem.startswith("each "):
        return f"each {part}: {problem}"
    return f"each {part} {problem}, not {shown(item)}"


def _kind(value: Any) -> str:
    return next((name for cls, name in _KINDS if isinstance(value, cls)), type(value).__name__)


def _fits(value: Any, wanted: str) -> bool:
    kind = _kind(value)
    if wanted == "integer":
        digits = value.strip() if kind == "string" else ""
        return kind == "integer" or (ascii_digits(digits) and len(digits) <= _MAX_DIGITS)
    if wanted == "number":
        return kind in ("integer", "number") and value == value and abs(value) != float("inf")
    return kind == wanted


def _is_date(value: Any) -> bool:
    if isinstance(value, datetime.date):
        return not isinstance(value, datetime.datetime)  # the rules compare it with dates
    if not isinstance(value, str):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
