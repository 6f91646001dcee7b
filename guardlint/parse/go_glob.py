"""Go's path/filepath.Match (on Unix) as one regular expression, for the rules of a Helm chart's
`.helmignore` (guardlint.parse.helm_ignore).

Go splits a pattern into chunks, each after a run of `*`, and matches them in turn without
going back: a chunk after a star is placed at the first position its star can reach (a star
skips no `/`), and only the last chunk must end the name. That is not a glob's usual meaning
(`*[^z][^z]*c` does not match `ab/c` in Go), so each chunk but the last is an atomic group
that takes the first place it matches; every element of a chunk matches one character, so
matching costs at most the name's length times the pattern's.
"""

from __future__ import annotations

import re

_ANY_BUT_SEPARATOR = "[^/]"


class BadPattern(ValueError):
    """A pattern Go's Match refuses (ErrBadPattern)."""


def compile_glob(pattern: str) -> re.Pattern[str]:
    """The expression that `fullmatch`es exactly the names Go's Match(pattern, name) matches;
    BadPattern where Go reports ErrBadPattern."""
    parts: list[str] = []
    rest = pattern
    while rest:
        star, chunk, rest = _scan_chunk(rest)
        if star and not chunk:
            parts.append(_ANY_BUT_SEPARATOR + "*")  # a trailing star: the rest, without `/`
            break
        element = (_ANY_BUT_SEPARATOR + "*?" if star else "") + _chunk(chunk)
        parts.append(element if not rest else f"(?>{element})")
    return re.compile("".join(parts), re.DOTALL)


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    """Go's scanChunk: whether stars lead, the chunk up to the next star outside a class,
    and what follows."""
    stripped = pattern.lstrip("*")
    star = len(stripped) != len(pattern)
    in_class, index = False, 0
    while index < len(stripped):
        char = stripped[index]
        if char == "\\":
            index += 1 if index + 1 < len(stripped) else 0
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "*" and not in_class:
            break
        index += 1
    return star, stripped[:index], stripped[index:]


def _chunk(chunk: str) -> str:
    """Go's matchChunk's elements as expressions, each of one character."""
    out: list[str] = []
    index = 0
    while index < len(chunk):
        char = chunk[index]
        if char == "[":
            expression, index = _class(chunk, index + 1)
            out.append(expression)
            continue
        if char == "?":
            out.append(_ANY_BUT_SEPARATOR)
        else:
            if char == "\\":
                index += 1
                if index == len(chunk):
                    raise BadPattern(chunk)
                char = chunk[index]
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _class(chunk: str, index: int) -> tuple[str, int]:
    """A character class from just after its `[` (Go matches any rune there, `/` too): its
    expression and the index after its `]`."""
    negated = index < len(chunk) and chunk[index] == "^"
    index += negated
    ranges: list[str] = []
    count = 0
    while not (index < len(chunk) and chunk[index] == "]" and count):
        low, index = _class_rune(chunk, index)
        high = low
        if chunk[index] == "-":
            high, index = _class_rune(chunk, index + 1)
        if low <= high:  # Go's test low <= r <= high never holds otherwise
            ranges.append(f"\\U{ord(low):08x}-\\U{ord(high):08x}")
        count += 1
    if not ranges:
        return ("." if negated else "(?!)"), index + 1
    return f"[{'^' if negated else ''}{''.join(ranges)}]", index + 1


def _class_rune(chunk: str, index: int) -> tuple[str, int]:
    """Go's getEsc: one rune of a class (`\\` escapes), which must be followed by more."""
    if index >= len(chunk) or chunk[index] in "-]":
        raise BadPattern(chunk)
    if chunk[index] == "\\":
        index += 1
        if index >= len(chunk):
            raise BadPattern(chunk)
    if "\udc80" <= chunk[index] <= "\udcff":
        raise BadPattern(chunk)  # a byte that is no UTF-8: Go's RuneError
    if index + 1 >= len(chunk):
        raise BadPattern(chunk)
    return chunk[index], index + 1
