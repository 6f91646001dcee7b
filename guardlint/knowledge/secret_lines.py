"""A file's lines searched for secrets (SEC001): the lines that may hold one found in one pass
over the whole file (guardlint.knowledge.secret_gates.CANDIDATE_SEARCH), then each of them checked
by the detectors and, under a secret-looking name, for a high-entropy value."""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from guardlint.knowledge.secret_gates import CANDIDATE_SEARCH, may_hold_secret
from guardlint.knowledge.secret_patterns import KEY_LINE
from guardlint.knowledge.secrets import (
    SecretMatch,
    find_secrets,
    high_entropy,
    is_literal_secret,
)
from guardlint.knowledge.written_settings import element_settings, line_settings
from guardlint.model.documents import Region
from guardlint.parse.escapes import DecodedLine, decode_strings, unescape
from guardlint.parse.linear_regex import compile_linear
from guardlint.parse.quoted_scalars import QuotedScalar, multiline_double_quoted


def _candidate_lines(lines: list[str]) -> Iterable[int]:
    """0-based indexes of the lines that may hold a secret (a superset, never fewer)."""
    text = "\n".join(lines)
    folded = text.casefold()
    if len(folded) != len(text):  # folding changed offsets (e.g. "ß" -> "ss"): check all lines
        return range(len(lines))
    data = folded.encode("utf-8", "surrogatepass")
    search = compile_linear(CANDIDATE_SEARCH).search
    found, line, start = [], 0, 0  # lines are counted between finds
    # One find per line, the search going on from the next line: a minified template is one
    # line of thousands of "String"s and "Key"s. (A pattern that takes in the rest of the line
    # instead runs RE2's DFA out of its memory: four times slower.)
    while (match := search(data, start)) is not None:
        line += data.count(b"\n", start, match.start())
        found.append(line)
        start = data.find(b"\n", match.start()) + 1
        if not start:
            break
        line += 1
    return found


class LineSecret(NamedTuple):
    """A secret found in a file's lines, and where the text that spells it is written."""

    match: SecretMatch
    region: Region
    # The other secrets of its kind written in the same place: a scalar over several lines is
    # one finding for each kind of secret it spells, however many it spells.
    others: tuple[str, ...] = ()


def scan_lines(lines: Iterable[str], yaml: bool = False) -> Iterator[LineSecret]:
    """Every secret in a file's lines: what the detectors find, and each high-entropy value
    under a secret-looking name that is no part of one of those (a line may hold a token and
    `AWS_SECRET_ACCESS_KEY=...` both; a minified file, all of its secrets on one line). A line's
    JSON or double-quoted YAML strings are also read as they spell (`\\/` for `/`, `\\u0067` for
    `g`): a secret only the decoded text shows is located on the raw string that spells it. In
    `yaml` text, so is a double-quoted scalar written over several lines, read whole."""
    lines = list(lines)
    text = "\n".join(lines)
    found = dict(_line_by_line(lines, text))
    _elements_over_lines(lines, text, found)
    if yaml:
        for scalar in multiline_double_quoted(text):
            _read_whole(lines, scalar, found)
    for index in sorted(found):
        yield from found[index]


def _line_by_line(lines: list[str], text: str) -> Iterator[tuple[int, list[LineSecret]]]:
    """(0-based index, the secrets of that line) of each line (`text`: the lines joined) that
    holds one."""
    decoded_lines: dict[int, DecodedLine] = {}
    if "\\" in text:  # only a backslash spells a character: most files have none
        decoded_lines = {
            i: d for i, line in enumerate(lines) if (d := decode_strings(line)) is not None
        }
    spelled = {i for i, d in decoded_lines.items() if may_hold_secret(d.text.casefold())}
    for index in sorted(spelled.union(_candidate_lines(lines))):
        number, line = index + 1, lines[index]
        found = _line_secrets(lines, index, line)
        decoded = (
            _spelled_secrets(lines, index, decoded_lines[index], found) if index in spelled else []
        )
        secrets = [
            LineSecret(match, _on_line(number, match.start, match.start + len(match.value)))
            for match in found
            # A raw find that stops at an escape is the start of one the decoded text shows whole.
            if not any(unescape(match.value) in other.match.value for other in decoded)
        ]
        if secrets or decoded:
            yield index, secrets + decoded


def _elements_over_lines(lines: list[str], text: str, found: dict[int, list[LineSecret]]) -> None:
    """Add to `found` each high-entropy value of a secret-named XML element written on a line
    of its own (`<password>\\n  VALUE\\n</password>`), on that line (`text`: the lines joined)."""
    starts: list[int] = []  # where each line starts, once an element is found (few files)
    for name, value, start in element_settings(text):
        starts = starts or list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
        index = bisect_right(starts, start) - 1
        column = start - starts[index]
        if any(value in secret.match.value for secret in found.get(index, ())):
            continue
        if is_literal_secret(name, value) and high_entropy(value):
            region = _on_line(index + 1, column, column + len(value))
            match = SecretMatch("High Entropy String", value, column)
            found.setdefault(index, []).append(LineSecret(match, region))


def _read_whole(lines: list[str], scalar: QuotedScalar, found: dict[int, list[LineSecret]]) -> None:
    """The secrets of `found` on the lines of a scalar written over several, as the scalar reads
    whole (with the text before and after it on its first and last lines): a secret found in
    that reading that no line shows is located on the whole scalar, and one a line shows that
    the reading does not is a part of one (a key's first line, a token cut by a line break)."""
    region = scalar.region
    first, last = region.start_line - 1, (region.end_line or region.start_line) - 1
    before = lines[first][: region.start_column - 1]
    after = lines[last][(region.end_column or 1) - 1 :]
    text = f'{before}"{scalar.text}"{after}'
    whole = _line_secrets(lines, first, text) if may_hold_secret(text.casefold()) else []
    read_whole = {match.value for match in whole}
    seen: set[str] = set()
    for index in range(first, last + 1):
        if index in found:
            seen.update(secret.match.value for secret in found[index])
            kept = [s for s in found[index] if s.match.value in read_whole or _outside(s, region)]
            if kept:
                found[index] = kept
            else:
                del found[index]
    by_kind: dict[str, list[SecretMatch]] = {}
    for match in whole:
        if match.value not in seen:
            by_kind.setdefault(match.kind, []).append(match)
    for first_match, *others in by_kind.values():
        others_values = tuple(other.value for other in others)
        found.setdefault(first, []).append(LineSecret(first_match, region, others_values))


def _on_line(number: int, start: int, end: int) -> Region:
    """Line `number` (1-based) from 0-based column `start` to `end` (exclusive)."""
    return Region(number, start + 1, number, end + 1)


def _outside(secret: LineSecret, scalar: Region) -> bool:
    """Whether a secret (on one line) is written before a scalar starts or after it ends."""
    line, start, end = (
        secret.region.start_line,
        secret.region.start_column,
        secret.region.end_column,
    )
    if line == scalar.start_line and (end or start) <= scalar.start_column:
        return True
    return line == scalar.end_line and start >= (scalar.end_column or 1)


def _spelled_secrets(
    lines: list[str], index: int, decoded: DecodedLine, found: list[SecretMatch]
) -> list[LineSecret]:
    """The secrets of a line's decoded text that its raw text does not show: not written
    verbatim, nor part of the decoding of one found in the raw text (a private key's `\\n`s)."""
    line, raw = lines[index], [unescape(match.value) for match in found]
    spelled = []
    for match in _line_secrets(lines, index, decoded.text):
        value = match.value
        if value in line or any(value in other for other in raw):
            continue
        start, end = decoded.raw_span(match.start, match.start + len(value))
        spelled.append(LineSecret(match, _on_line(index + 1, start, end)))
    return spelled


def _line_secrets(lines: list[str], index: int, line: str) -> list[SecretMatch]:
    """The secrets of one line (`line`: its text, raw or decoded)."""
    matches = find_secrets(line)
    found: _Found | None = None  # made for a line that holds a setting
    for name, value, start in line_settings(line):
        found = found or _Found(matches)
        if found.has(value, start):
            continue
        if is_literal_secret(name, value) and high_entropy(value):
            matches.append(SecretMatch("High Entropy String", value, start))
            found.add(value, start)
    return [m for m in matches if m.kind != "Private Key" or _key_follows(lines, index, m.value)]


class _Found:
    """The secrets found in a text so far: a value is one of them when it is written over part
    of one, or is the same text. Looked up by bisection (a long text may hold thousands of
    secrets and as many assignments); the values added come in the order they are written."""

    def __init__(self, matches: list[SecretMatch]) -> None:
        self._matches = tuple(matches)  # those found before any setting was added
        self._values = {m.value for m in matches}
        self._added_end = 0
        # Sorted when first asked for: most settings are a find's own value, or on a line
        # without one (a file of `TOKEN: ghp_...` and `DB_PASSWORD: ...` lines).
        self._starts: list[int] | None = None
        self._furthest: list[int] = []

    def has(self, value: str, start: int) -> bool:
        if value in self._values or start < self._added_end:
            return True
        if not self._matches:
            return False
        if self._starts is None:
            spans = sorted((m.start, m.start + len(m.value)) for m in self._matches)
            self._starts = [start for start, _ in spans]
            self._furthest = list(itertools.accumulate((end for _, end in spans), max))
        before = bisect_left(self._starts, start + len(value))  # those that start before its end
        return before > 0 and self._furthest[before - 1] > start

    def add(self, value: str, start: int) -> None:
        self._values.add(value)
        self._added_end = max(self._added_end, start + len(value))


# A header that no line of key text follows within a few lines (an encrypted PEM key's own
# headers come first) only names the format.
_KEY_LINES_AFTER_HEADER = 6


def _key_follows(lines: list[str], index: int, value: str) -> bool:
    """Whether key text is written with the header or on the lines after it, before its END
    line (past which the text is another key's, or a certificate's)."""
    if KEY_LINE.search(value):
        return True
    for text in lines[index + 1 : index + 1 + _KEY_LINES_AFTER_HEADER]:
        if KEY_LINE.search(text):
            return True
        if "END" in text and "PRIVATE KEY" in text:
            return False
    return False
