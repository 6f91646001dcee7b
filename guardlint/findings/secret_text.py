"""How and where a file writes a secret: the forms a report or a message may spell a value
in, what a line reads as once its escapes are decoded, and the column ranges of a secret's text
inside the regions a rule says it is written in (guardlint.findings.redaction blanks them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from guardlint.findings.literals import Occurrences
from guardlint.model.documents import Region
from guardlint.parse.escapes import unescape
from guardlint.parse.text import printable

LineText = Callable[[int], str]  # 1-based line number -> the line's text ("" when unknown)


def escaped_forms(value: str) -> set[str]:
    """How a report or a message may spell `value`: as is, with control characters shown as
    escapes (guardlint.parse.text.printable), JSON-escaped, or Python-escaped (repr)."""
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return {value}  # each spells it as it is (most secrets: a file may hold 100,000)
    forms = {value, printable(value), json.dumps(value)[1:-1], repr(value)[1:-1]}
    forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
    return forms


def decoded_readings(line: str) -> Iterator[str]:
    """The line read as a JSON/YAML/Python string body might be read: escapes decoded, the
    `''` of a single-quoted scalar as one quote."""
    if "\\" in line:
        yield unescape(line)
    if "''" in line:
        yield line.replace("''", "'")


def overlap(text: str, secret: str) -> int:
    """How many characters `text` ends with that start `secret` (its whole length aside)."""
    for size in range(min(len(secret) - 1, len(text)), 0, -1):
        if text.endswith(secret[:size]):
            return size
    return 0


def _bounds(region: Region, number: int, line: str) -> tuple[int, int]:
    start = region.start_column - 1 if number == region.start_line else 0
    end = len(line)
    if number == region.end_line and region.end_column is not None:
        end = min(end, region.end_column - 1)
    return start, end


def secret_spans(
    region: Region, occurrences: Occurring, values: frozenset[str], line_text: LineText
) -> Iterator[tuple[int, int, int, bool]]:
    """(line, start, end, exact) column ranges of the secret text inside `region`: each
    verbatim occurrence of a value (found by `occurrences`), or, for a value not written
    verbatim on one line, the region's text on each of its lines (blank edges left out)."""
    last = region.end_line or region.start_line
    lines = {n: line_text(n) for n in range(region.start_line, last + 1)}
    found: set[str] = set()
    for number, line in lines.items():
        start, end = _bounds(region, number, line)
        for column, value in occurrences(line, start, end):
            found.add(value)
            yield number, column, column + len(value), True
    if len(found) == len(values):
        return
    for number, line in lines.items():
        start, end = _bounds(region, number, line)
        part = line[start:end]
        stripped = part.strip()
        if stripped:
            offset = start + len(part) - len(part.lstrip())
            yield number, offset, offset + len(stripped), False


# More values are looked for in one walk of a line (a scalar over many lines may hold
# thousands of secrets): each looked for in turn, they cost the line's length each.
_FEW_VALUES = 8
Occurring = Callable[[str, int, int], Iterable[tuple[int, str]]]


def occurrences_of(values: list[str]) -> Occurring:
    """Where each value occurs in `line[start:end]`: (column, value) of every occurrence."""
    if len(values) > _FEW_VALUES:
        finder = Occurrences(values)
        return lambda line, start, end: (
            (start + column, value) for column, value in finder.find(line[start:end])
        )
    return lambda line, start, end: _each_in_turn(values, line, start, end)


def _each_in_turn(values: list[str], line: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    for value in values:
        column = line.find(value, start, end)
        while column >= 0:
            yield column, value
            column = line.find(value, column + len(value), end)
