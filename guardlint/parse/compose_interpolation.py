"""Docker Compose variable interpolation (`${VAR}`, `${VAR:-default}`, `$$`), read the way
Compose reads it with only the variables of the project's `.env` file set (the shell's are not
known here), so that a check can tell a literal value from one the environment supplies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACE = re.compile(r"\$\{|\}")
_UNRESOLVED = "${"  # what an unset variable leaves in interpolated text


# What a file's variables may add by interpolation, in characters: each `.env` variable may
# name earlier ones twice (`A1=${A0}${A0}`), doubling at every line, and a Compose file may name
# a long one in every value. Past it, the variables are left unknown, as the shell's are.
MAX_ADDED_CHARS = 1_000_000


class TooLong(ValueError):
    """Interpolation would write more characters than its limit."""


def interpolate(
    text: str, variables: Mapping[str, str] | None = None, limit: int | None = None
) -> str:
    """Compose interpolation with the `variables` known (the project's `.env` file) and every
    other variable unset: a known variable gives its value (`${VAR:-default}` its default when
    the value is empty, `${VAR:+alt}` its alternative only when it is not), an unknown one
    `${VAR:-default}` and `${VAR-default}` their default (`${VAR:+alt}` its alternative), `$$`
    is a literal `$`, and an unknown variable without a default is kept as `${VAR}` so callers
    can tell the value is not known.

    One pass over the text: each `${`'s closing brace is found beforehand, and a default is
    read in place until its closing brace (a stack of them, for nested defaults), so a text of
    thousands of nested `${A:-${A:-...}}` takes linear time and no recursion. With a `limit`,
    TooLong once the text written would be longer (the variables' values make it longer than
    `text`; without them it never is)."""
    if "$" not in text:
        return text
    known = variables or {}
    closing = _closing_braces(text)
    out: list[str] = []
    default_ends: list[int] = []  # the closing brace of each default being read
    index = 0
    written = 0  # by variables' values: what the rest of the text writes is at most its length
    while index < len(text):
        if limit is not None and written + len(text) > limit:
            raise TooLong(f"interpolation writes more than {limit} characters")
        if default_ends and index == default_ends[-1]:
            default_ends.pop()
            index += 1
            continue
        end = default_ends[-1] if default_ends else len(text)
        dollar = text.find("$", index, end)
        if dollar != index:  # plain text up to the next `$`, or to the end of the default
            stop = end if dollar < 0 else dollar
            out.append(text[index:stop])
            index = stop
            continue
        following = text[index + 1 : index + 2]
        if not following:
            out.append("$")
            index += 1
        elif following == "$":
            out.append("$")
            index += 2
        elif following == "{":
            brace = closing.get(index)
            if brace is None:  # only outside every default: a default's braces are all closed
                out.append(text[index:])
                break
            name = _NAME.match(text, index + 2)
            operator = _operator(text, name.end()) if name else ""
            value = known.get(name.group()) if name else None
            if name is None:
                out.append(text[index : brace + 1])
            elif _reads_default(operator, value):
                default_ends.append(brace)
                index = name.end() + len(operator)
                continue
            elif value is not None:
                out.append("" if operator in ("+", ":+") else value)
                written += len(out[-1])
            else:
                out.append("${" + name.group() + "}")
            index = brace + 1
        elif match := _NAME.match(text, index + 1):
            out.append(known.get(match.group(), "${" + match.group() + "}"))
            written += len(out[-1])
            index = match.end()
        else:
            out.append("$")
            index += 1
    return "".join(out)


class Interpolated(str):
    """An interpolated value that remembers how it was `written` (a secret's redaction
    covers both)."""

    __slots__ = ("written",)

    def __new__(cls, value: str, written: str) -> Interpolated:
        made = super().__new__(cls, value)
        made.written = written
        return made

    def __reduce__(self) -> tuple:
        return Interpolated, (str(self), self.written)


def as_written(value: str) -> str:
    """The text of an interpolated value as the file writes it."""
    return value.written if isinstance(value, Interpolated) else value


def without_variables(value: str) -> str:
    """An interpolated value as it reads when no variable is known: what the file itself
    writes literally, not what its `.env` file gives."""
    return interpolate(value.written) if isinstance(value, Interpolated) else value


def interpolate_values(data: Any, variables: Mapping[str, str] | None = None) -> Any:
    """`data` (a parsed Compose file) with every string value interpolated in place with the
    `variables` known, as Compose does before it reads any field (keys are not):
    `privileged: ${PRIV:-true}` is true. A map or list reached twice (a YAML alias) is
    interpolated once. What the variables add is at most MAX_ADDED_CHARS for the whole file;
    past it, the values are read without them."""
    budget = MAX_ADDED_CHARS
    seen: set[int] = set()
    pending = [data]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            slots = node.items()
        elif isinstance(node, list):
            slots = enumerate(node)
        else:
            continue
        for slot, value in list(slots):
            if isinstance(value, str):
                if "$" in value:
                    try:
                        read = interpolate(value, variables, len(value) + budget)
                    except TooLong:
                        read, variables = interpolate(value), None
                    budget -= max(0, len(read) - len(value))
                    node[slot] = Interpolated(read, value)
            else:
                pending.append(value)
    return data


def _closing_braces(text: str) -> dict[int, int]:
    """The position of each `${` -> its closing `}` (braces counted, `${` opening one)."""
    partners: dict[int, int] = {}
    opened: list[int] = []
    for brace in _BRACE.finditer(text):
        if brace.group() == "${":
            opened.append(brace.start())
        elif opened:
            partners[opened.pop()] = brace.start()
    return partners


def _reads_default(operator: str, value: str | None) -> bool:
    """Whether `${VAR<operator>word}` gives its word, VAR's value being `value` (None: not
    known). An unknown variable gives the word of every default and alternative."""
    if operator in ("-", ":-"):
        return value is None or (operator == ":-" and value == "")
    if operator in ("+", ":+"):
        return value is None or (value != "" or operator == "+")
    return False


def _operator(text: str, index: int) -> str:
    """The operator after a variable's name (`:-`, `-`, `:?`, ...), or ''."""
    if text.startswith(":", index) and text[index + 1 : index + 2] in ("-", "+", "?"):
        return text[index : index + 2]
    return text[index] if text[index : index + 1] in ("-", "+", "?") else ""


def is_known(text: str) -> bool:
    """Whether interpolated text holds no unset variable (its value is known here)."""
    return _UNRESOLVED not in text
