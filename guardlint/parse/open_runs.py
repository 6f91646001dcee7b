"""A pattern of bounded runs rewritten for one cheap RE2 search of many texts.

RE2 compiles a counted repetition `{n,m}` as m copies of what it repeats: a union of many
token shapes with runs of a hundred or a thousand characters takes tens of milliseconds to
compile. Written `+` instead, it compiles in under one, but a run is then unbounded, and a
search that reads a long run and then fails to find what must follow it (a token's suffix, a
separator) has read the run for nothing. A search for all matches starts again after each
match, so a text that alternates such runs with matches is read again for each match:
quadratic. `open_runs` writes each long count `+` (`*` from 0) and makes everything after that
run optional, so whoever reads a run has matched at its end at the latest: each search reads
as far as its match reaches, and a few characters more (a literal that follows), and a search
for all matches reads each character a bounded number of times. What is found is a candidate,
held to the exact pattern afterwards.
"""

from __future__ import annotations

from guardlint.parse.lazy_pattern import LazyPattern

# A quantifier after an element: a count, or `?`, `*`, `+` (RE2 takes no possessive ones).
_QUANTIFIER = LazyPattern(r"\{([0-9]+)(?:(,)([0-9]*))?\}|[?*+]")


def _element_end(pattern: str, index: int) -> int:
    """Where the element starting at `index` ends, before its quantifier: a group, a class,
    an escape or one character."""
    char = pattern[index]
    if char == "\\":
        return index + 2
    if char == "[":
        index += 2 if pattern.startswith("[^", index) else 1
        index += 1 if pattern[index] == "]" else 0  # a `]` first is a character of the class
        while pattern[index] != "]":
            index += 2 if pattern[index] == "\\" else 1
        return index + 1
    if char == "(":
        depth = 0
        while True:
            if pattern[index] == "\\":
                index += 2
                continue
            if pattern[index] == "[":
                index = _element_end(pattern, index)
                continue
            depth += {"(": 1, ")": -1}.get(pattern[index], 0)
            index += 1
            if depth == 0:
                return index
    return index + 1


def _alternatives(pattern: str) -> list[str]:
    """The pattern's alternatives at its top level."""
    parts, start, index = [], 0, 0
    while index < len(pattern):
        if pattern[index] == "|":
            parts.append(pattern[start:index])
            start = index + 1
            index += 1
        else:
            index = _element_end(pattern, index)
    return [*parts, pattern[start:]]


def open_runs(pattern: str, longest: int) -> str:
    """`pattern` with each count over `longest` (or without an upper bound) written `+`, and
    what follows each such run, in its alternative, optional."""
    return "|".join(_open_alternative(part, longest) for part in _alternatives(pattern))


def _open_alternative(pattern: str, longest: int) -> str:
    written, index = [], 0
    while index < len(pattern):
        end = _element_end(pattern, index)
        element = pattern[index:end]
        opened = False
        if element.startswith("(") and not element.startswith("(?P<"):
            prefix = element[: 3 if element.startswith("(?:") else 1]
            inner = open_runs(element[len(prefix) : -1], longest)
            opened = inner != element[len(prefix) : -1]
            element = f"{prefix}{inner})"
        quantifier = _QUANTIFIER.match(pattern, end)
        if quantifier:
            end = quantifier.end()
            low, comma, high = quantifier.groups()
            if low is not None and ((comma and not high) or int(high or low) > longest):
                element += "*" if low == "0" else "+"
                opened = True
            else:
                element += quantifier.group(0)
        written.append(element)
        index = end
        if opened and index < len(pattern):
            return "".join(written) + f"(?:{_open_alternative(pattern[index:], longest)})?"
    return "".join(written)
