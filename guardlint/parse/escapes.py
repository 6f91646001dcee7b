"""Backslash escapes of JSON strings, YAML double-quoted scalars and Python strings, decoded well
enough to read what a text spells: a secret written with `\\/` for `/` or `\\u0067` for `g`.

Used on raw lines (guardlint.knowledge.secret_lines looks for secrets in what a line's strings
spell; guardlint.findings.redaction keeps a snippet that spells one out of reports), so it
decodes without parsing: a line need not be a whole document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from guardlint.parse.cached import cached
from guardlint.parse.lazy_pattern import LazyPattern

_ESCAPE = LazyPattern(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(.))", re.S)
_SHORT_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}
_SURROGATE = LazyPattern("[\ud800-\udfff]")
# A double-quoted string (its body in group 1) or a run of text outside one. The string's close
# is optional, so a match never fails and the line is read once from left to right (a retry
# from each quote of an unclosed `"\"\"\"...` would be quadratic).
_STRING_OR_TEXT = LazyPattern(r'"((?:[^"\\]++|\\.)*+)"?|[^"]++', re.S)
# An escape that spells a character a token or a URL is made of (not a line break or a tab).
_SPELLING_ESCAPE = re.compile(r"\\[uUx/]")


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2) or match.group(3)
    if code is not None:
        number = int(code, 16)
        return chr(number) if number <= 0x10FFFF else match.group(0)
    char = match.group(4)
    return _SHORT_ESCAPES.get(char, char)


def unescape(text: str) -> str:
    """`text` with its backslash escapes decoded: a surrogate pair written as two `\\u` escapes
    is one character, a lone surrogate U+FFFD (no UTF-8 encoder takes it)."""
    decoded = _ESCAPE.sub(_unescape, text)
    if _SURROGATE.search(decoded):
        decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return decoded


@dataclass(frozen=True, eq=False, repr=False)  # neither compared nor printed: 2 methods fewer
class DecodedLine:
    """A line whose double-quoted strings are written as what they spell, and where each
    rewritten string's body is in both texts."""

    text: str
    # (start, end) in `text`, (start, end) in the raw line: each body that was rewritten
    bodies: tuple[tuple[int, int, int, int], ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw columns of `text[start:end]`: an end inside a rewritten body is that body's
        end in the raw line (its escapes do not map character by character)."""
        return self._raw(start, 0), self._raw(end, 1)

    def _raw(self, position: int, at_end: int) -> int:
        # By bisection: a line may hold thousands of rewritten bodies and as many finds.
        starts, shifts = self._index
        index = bisect_right(starts[at_end], position) - 1
        if index >= 0:
            _, text_end, line_start, line_end = self.bodies[index]
            if position < text_end + at_end:
                return line_end if at_end else line_start
        return position + shifts[index + 1]

    @cached
    def _index(self) -> tuple[tuple[list[int], list[int]], list[int]]:
        """The bodies' starts (plus 0, plus 1) and the shift the first N bodies make."""
        starts = [body[0] for body in self.bodies]
        shifts = [0]
        for text_start, text_end, line_start, line_end in self.bodies:
            shifts.append(shifts[-1] + (line_end - line_start) - (text_end - text_start))
        return (starts, [start + 1 for start in starts]), shifts


def decode_strings(line: str) -> DecodedLine | None:
    """The line with each double-quoted string that spells a character with an escape
    (`\\/`, `\\u0067`) written as it reads; None when it has no such string."""
    if "\\" not in line or not _SPELLING_ESCAPE.search(line):
        return None
    pieces: list[str] = []
    bodies: list[tuple[int, int, int, int]] = []
    length = 0
    for match in _STRING_OR_TEXT.finditer(line):
        body = match.group(1)
        if body is None or not _SPELLING_ESCAPE.search(body):
            pieces.append(match.group(0))
            length += len(match.group(0))
            continue
        decoded = unescape(body)
        start = length + 1  # after the opening quote
        bodies.append((start, start + len(decoded), *match.span(1)))
        piece = '"' + decoded + match.group(0)[1 + len(body) :]
        pieces.append(piece)
        length += len(piece)
    return DecodedLine("".join(pieces), tuple(bodies)) if bodies else None
