"""Keeping a file's detected secrets out of everything its findings show.

A rule that finds a secret says what the secret is (`Hit.secret_values`, as the program that
reads the file sees it: escapes decoded, folded and continued lines joined) and where its text
is written (`Hit.secret_regions`). The text in the file can differ from the value in many ways
(JSON and YAML escapes, `''` in single quotes, folded scalars, Dockerfile continuations), so a
snippet is redacted by position: where the value is not written verbatim inside its region,
the region's whole text on each line goes. Every string a finding of the file shows (message,
resource, snippet, properties, suppression reason) then loses the value and its common escaped
forms. A fingerprint hashes the redacted resource and the line with only the secret text
written on it blanked (`Redactor.located`): it holds no secret, and does not change with
secrets written elsewhere in the file.

Messages and resources name things (services, containers): a short weak password that equals
a name ("mysql") would blank the name out, so values under NAME_SECRET_MIN characters are
removed from snippets only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from guardlint.findings.literals import Literals
from guardlint.findings.secret_text import (
    LineText,
    decoded_readings,
    escaped_forms,
    occurrences_of,
    overlap,
    secret_spans,
)
from guardlint.model.documents import Region
from guardlint.parse.text import ELLIPSIS, printable

REDACTED = "<redacted>"
SNIPPET_CHARS = 500  # of a line, as a finding shows it
NAME_SECRET_MIN = 8
# The start of a secret left before a cut (a template cuts its fields before findings are made)
# is redacted from this many characters.
CUT_SECRET_MIN = 4
_QUOTES = ("'", '"')


def _alternation(
    texts: Iterable[str], built: dict[frozenset[str], Literals] | None = None
) -> Literals | None:
    """Any of the texts, the longest where several begin at the same place. `built`: the
    automata already made, by their texts: the same texts (most files: every secret long and
    spelled as is) get the same one, not another built in time linear in all the secrets."""
    found = frozenset(text for text in texts if text)
    if not found:
        return None
    if built is None:
        return Literals(found)
    if found not in built:
        built[found] = Literals(found)
    return built[found]


class Redactor:
    """The secrets of one file, and where their text is written in it (or in the files its
    findings point to)."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._raw_texts: set[str] = set()  # the source text of each located part, per line
        # (path, line) -> (start, end, exact) 0-based column ranges; exact: the value itself
        self._spans: dict[tuple[str, int], list[tuple[int, int, bool]]] = {}
        self._patterns: dict[str, Literals | None] | None = None
        self._built: dict[frozenset[str], Literals] = {}  # each automaton, by its texts
        # Each line's blanked text and what its findings show, made once for all the findings
        # on it: a line may hold thousands of secrets, each a finding.
        self._blanked: dict[tuple[str, int, str], str] = {}
        self._shown: dict[tuple[str, int, str], ShownLine] = {}
        # Each text's redaction, made once: every finding of a file shows its resource and its
        # properties' names and kinds, the same texts thousands of times.
        self._texts: dict[str, str] = {}
        # What add() was given already: a value a YAML alias repeats is the secret of a finding
        # per alias, each in the anchor's region, whose thousands of spans were each added again.
        self._added: set[tuple[str, Region, str, tuple[str, ...]]] = set()

    def __bool__(self) -> bool:
        return bool(self._values)

    def add(
        self, path: str, values: Iterable[str], regions: Iterable[Region], line_text: LineText
    ) -> None:
        """Secret `values` written somewhere inside `regions` of `path`."""
        values = [value for value in values if value]
        if not values:
            return
        self._values.update(values)
        self._forget()
        # Made once for all the regions: a Secret's hit names each of its thousands of values
        # in a region of its own, and each region searched for all of them anew (an automaton
        # of the values built again, the values hashed again) was quadratic. A frozenset keeps
        # its hash; where the values are is told by their set alone.
        distinct = frozenset(values)
        occurrences = occurrences_of(sorted(distinct))
        for region in regions:
            added = (path, region, line_text(region.start_line), distinct)
            if added in self._added:
                continue
            self._added.add(added)
            for number, start, end, exact in secret_spans(region, occurrences, distinct, line_text):
                self._spans.setdefault((path, number), []).append((start, end, exact))
                text = line_text(number)[start:end]
                if not exact and len(text) >= NAME_SECRET_MIN:
                    self._raw_texts.add(text)

    def add_found_in(self, texts: Iterable[str]) -> None:
        """Secrets that detect-secrets finds in what the findings will show (a logical ID, a
        service name, a value a message quotes), wherever the file spells them."""
        from guardlint.knowledge.secrets import find_secrets  # a warm scan redacts nothing

        # One search of all of them: no detector matches across a line break.
        for match in find_secrets("\n".join(texts)):
            self._values.add(match.value)
            self._forget()

    def _forget(self) -> None:
        """What was made from the secrets known so far."""
        self._patterns = None
        self._built = {}
        self._blanked.clear()
        self._shown.clear()
        self._texts.clear()

    def _pattern(self, kind: str) -> Literals | None:
        """The automaton of one kind of text, made when first used (a file whose lines hold
        no escape never searches the decoded values) and shared by the kinds whose texts are
        the same."""
        if self._patterns is None:
            self._patterns, self._built = {}, {}
        if kind not in self._patterns:
            long_values = [v for v in self._values if len(v) >= NAME_SECRET_MIN]
            if kind == "decoded":
                texts: set[str] = set(long_values)
            else:
                texts = {form for value in long_values for form in escaped_forms(value)}
                texts |= self._raw_texts | {printable(text) for text in self._raw_texts}
                if kind == "snippets":
                    texts |= {form for value in self._values for form in escaped_forms(value)}
            self._patterns[kind] = _alternation(texts, self._built)
        return self._patterns[kind]

    def text(self, text: str) -> str:
        """A message, resource or property value without the file's secrets, whole or the
        start of one that a cut (an ellipsis) ends."""
        if not self._values:
            return text
        shown = self._texts.get(text)
        if shown is None:
            pattern = self._pattern("names")
            shown = pattern.sub(REDACTED, text) if pattern else text
            shown = self._without_cut_secrets(shown) if ELLIPSIS in shown else shown
            self._texts[text] = shown
        return shown

    def _without_cut_secrets(self, text: str) -> str:
        forms = {form for value in self._values for form in escaped_forms(value)}
        pieces = text.split(ELLIPSIS)
        for index, piece in enumerate(pieces[:-1]):
            cut = max((overlap(piece, form) for form in forms), default=0)
            if cut >= CUT_SECRET_MIN:
                pieces[index] = piece[:-cut] + REDACTED
        return ELLIPSIS.join(pieces)

    def written(self, text: str) -> str:
        """Text the file itself wrote and a report shows as is (a suppression's reason),
        without the file's secrets and any that detect-secrets finds in it."""
        self.add_found_in([text])
        return self.text(text)

    def data(self, value: Any) -> Any:
        """Properties (nested dicts, lists and strings) without the file's secrets."""
        if not self._values:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):  # most: a name or two (each finding's, made for thousands)
            text, data = self.text, self.data
            return {
                text(key) if type(key) is str else data(key): (
                    text(item) if type(item) is str else data(item)
                )
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple, set, frozenset)):
            return type(value)(self.data(item) for item in value)
        return value

    def located(self, path: str, number: int, line: str, values: Iterable[str] = ()) -> str:
        """Line `number` of `path` with the secret text written on it blanked, and `values`.
        Unlike a snippet, it keeps text that merely equals a secret found elsewhere (an image
        named like a weak password): a fingerprint of it does not change with other secrets."""
        spans = self._spans.get((path, number))
        if spans:
            key = (path, number, line)
            if key not in self._blanked:
                self._blanked[key] = _blank(line, spans)
            line = self._blanked[key]
        for value in values:
            if value:
                line = line.replace(value, REDACTED)
        return line

    def snippet(self, path: str, number: int, line: str) -> str:
        """Line `number` of `path` as a snippet: the located secret text blanked, then every
        form of every secret; a line that still spells a secret in escapes goes whole."""
        if not self._values:
            return line
        return self._snippet_of(self.located(path, number, line))

    def _snippet_of(self, line: str) -> str:
        """snippet() of a line whose located secret text is blanked (located())."""
        pattern = self._pattern("snippets")
        if pattern:
            line = pattern.sub(REDACTED, line)
        decodings = list(decoded_readings(line))
        decoded = self._pattern("decoded") if decodings else None
        if decoded and any(decoded.search(text) for text in decodings):
            return REDACTED
        return line

    def shown(self, path: str, number: int, line: str) -> ShownLine:
        """Line `number` of `path` as its findings show it, made once for all of them: a line
        may hold thousands of findings, and each would otherwise cost the line's length."""
        key = (path, number, line)
        if key not in self._shown:
            located = self.located(path, number, line)
            snippet = self._snippet_of(located) if self._values else line
            self._shown[key] = ShownLine(line.strip(), shown_text(snippet), shown_text(located))
        return self._shown[key]


class ShownLine(NamedTuple):
    """A line as findings show it (each stripped; the last two printable and cut)."""

    stripped: str
    snippet: str  # every secret of the file out (Redactor.snippet)
    located: str  # the secret text written on it blanked (Redactor.located)


def shown_text(line: str) -> str:
    """A line as a finding shows it: stripped, control characters escaped, cut. Cut first:
    each character is shown as one or more, so the first characters shown are those of the
    first ones written."""
    return printable(line.strip()[:SNIPPET_CHARS])[:SNIPPET_CHARS]


def _blank(line: str, spans: list[tuple[int, int, bool]]) -> str:
    merged: list[list[Any]] = []
    for start, end, exact in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = merged[-1][2] and exact
        else:
            merged.append([start, end, exact])
    # Pieces joined once: cutting the line again for each span was quadratic.
    pieces = []
    kept = 0
    for start, end, exact in merged:
        part = line[start:end]
        # A quoted scalar keeps its quotes, so the snippet still reads as what it is.
        quoted = not exact and len(part) > 1 and part[0] == part[-1] and part[0] in _QUOTES
        quote = part[0] if quoted else ""
        pieces += [line[kept:start], quote, REDACTED, quote]
        kept = end
    pieces.append(line[kept:])
    return "".join(pieces)
