"""Go's path/filepath.Match (on Unix) as one regular expression, for the rules of a Helm chart's
`.helmignore` (guardlint.parse.helm_ignore), and the pattern as Go reads it (`glob_chunks`),
also for COPY sources (guardlint.parse.path_glob).

Go splits a pattern into chunks, each after a run of `*`, and matches them in turn without
going back: a chunk after a star is placed at the first position its star can reach (a star
skips no `/`), and only the last chunk must end the name. That is not a glob's usual meaning
(`*[^z][^z]*c` does not match `ab/c` in Go), so each chunk but the last is an atomic group
that takes the first place it matches; every element of a chunk matches one character, so
matching costs at most the name's length times the pattern's.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_ANY_BUT_SEPARATOR = "[^/]"


class BadPattern(ValueError):
    """A pattern Go's Match refuses (ErrBadPattern)."""


class GlobClass(NamedTuple):
    """One element of a chunk, which matches one character: a literal is a class of one range,
    `?` (`any_but_separator`) any character but `/`; a `[...]` class holds the ranges Go can
    match (a backwards one never matches and is left out) and matches `/` too."""

    ranges: tuple[tuple[str, str], ...]
    negated: bool = False
    any_but_separator: bool = False


QUESTION = GlobClass((), negated=True, any_but_separator=True)


def glob_chunks(pattern: str) -> list[tuple[bool, list[GlobClass]]]:
    """The pattern as Go's Match reads it: each chunk (whether a run of `*` leads it, and its
    elements), the last maybe empty after a trailing star; BadPattern where Go reports
    ErrBadPattern."""
    chunks: list[tuple[bool, list[GlobClass]]] = []
    rest = pattern
    while rest:
        star, chunk, rest = _scan_chunk(rest)
        chunks.append((star, _chunk(chunk)))
    return chunks


def compile_glob(pattern: str) -> re.Pattern[str]:
    """The expression that `fullmatch`es exactly the names Go's Match(pattern, name) matches;
    BadPattern where Go reports ErrBadPattern."""
    parts: list[str] = []
    chunks = glob_chunks(pattern)
    for index, (star, elements) in enumerate(chunks):
        if star and not elements:
            parts.append(_ANY_BUT_SEPARATOR + "*")  # a trailing star: the rest, without `/`
            break
        element = (_ANY_BUT_SEPARATOR + "*?" if star else "") + "".join(map(_expression, elements))
        parts.append(element if index == len(chunks) - 1 else f"(?>{element})")
    return re.compile("".join(parts), re.DOTALL)


def _expression(element: GlobClass) -> str:
    """An element as an expression of one character."""
    if element.any_but_separator:
        return _ANY_BUT_SEPARATOR
    if not element.ranges:
        return "." if element.negated else "(?!)"
    (low, high), *others = element.ranges
    if low == high and not others and not element.negated:
        return re.escape(low)  # a literal
    inside = "".join(f"\\U{ord(low):08x}-\\U{ord(high):08x}" for low, high in element.ranges)
    return f"[{'^' if element.negated else ''}{inside}]"


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


def _chunk(chunk: str) -> list[GlobClass]:
    """Go's matchChunk's elements, each of one character."""
    out: list[GlobClass] = []
    index = 0
    while index < len(chunk):
        char = chunk[index]
        if char == "[":
            element, index = _class(chunk, index + 1)
            out.append(element)
            continue
        if char == "?":
            out.append(QUESTION)
        else:
            if char == "\\":
                index += 1
                if index == len(chunk):
                    raise BadPattern(chunk)
                char = chunk[index]
            out.append(GlobClass(((char, char),)))
        index += 1
    return out


def _class(chunk: str, index: int) -> tuple[GlobClass, int]:
    """A character class from just after its `[` (Go matches any rune there, `/` too), and
    the index after its `]`."""
    negated = index < len(chunk) and chunk[index] == "^"
    index += negated
    ranges: list[tuple[str, str]] = []
    count = 0
    while not (index < len(chunk) and chunk[index] == "]" and count):
        low, index = _class_rune(chunk, index)
        high = low
        if chunk[index] == "-":
            high, index = _class_rune(chunk, index + 1)
        if low <= high:  # Go's test low <= r <= high never holds otherwise
            ranges.append((low, high))
        count += 1
    return GlobClass(tuple(ranges), negated), index + 1


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
