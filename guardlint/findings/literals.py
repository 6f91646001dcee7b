"""Finding any of many literal texts in a text, in time linear in the text whatever their number.

`re` with an alternation of the texts tries every alternative at every position: a file with
thousands of secrets and thousands of findings made redacting its snippets quadratic. An
Aho-Corasick automaton (ahocorasick-rs, imported on first use) walks the text once. Its
leftmost-longest matches are what `re` finds with the alternation sorted longest first: at the
leftmost position where any text occurs, the longest one there.

The automaton runs on UTF-8 with lone surrogates kept (`surrogatepass`: a JSON `\\ud800`
escape decodes to one): a text's bytes can only match at a character's first byte, so the
matches are those of the characters.
"""

from __future__ import annotations

from collections.abc import Iterable


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class Literals:
    """A set of non-empty literal texts, to search for or replace."""

    def __init__(self, texts: Iterable[str]) -> None:
        import ahocorasick_rs  # only for a file whose findings hold a secret

        patterns = [_utf8(text) for text in set(texts) if text]
        if not patterns:
            raise ValueError("no text to find")
        # An NFA, built in time linear in the texts: the DFA the library picks for a few texts
        # takes quadratic time to build for one long run (`{{{...}x`, 100 KB: minutes).
        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            patterns,
            matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )

    def search(self, text: str) -> bool:
        """Whether any of the texts occurs in `text`."""
        return bool(self._automaton.find_matches_as_indexes(_utf8(text)))

    def sub(self, replacement: str, text: str) -> str:
        """`text` with each leftmost-longest occurrence replaced (`re.sub`'s order)."""
        data = _utf8(text)
        matches = self._automaton.find_matches_as_indexes(data)
        if not matches:
            return text
        parts, position, written = [], 0, _utf8(replacement)
        for _, start, end in matches:
            parts += (data[position:start], written)
            position = end
        parts.append(data[position:])
        return b"".join(parts).decode("utf-8", "surrogatepass")


class Occurrences:
    """Where each of many literal texts occurs in a text, as `str.find` in a loop finds them
    for each (every occurrence, from the left, none overlapping another of the same text), in
    one walk of the text for all of them."""

    def __init__(self, texts: Iterable[str]) -> None:
        import ahocorasick_rs

        self._texts = sorted({text for text in texts if text})
        if not self._texts:
            raise ValueError("no text to find")
        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            [_utf8(text) for text in self._texts],
            matchkind=ahocorasick_rs.MATCHKIND_STANDARD,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )

    def find(self, text: str) -> list[tuple[int, str]]:
        """(column, text) of each occurrence in `text`, columns in characters."""
        data = _utf8(text)
        ascii_only = len(data) == len(text)
        # Where the last occurrence of each text found ends: only those found (a list of them
        # all, made for each line, cost the number of texts per line).
        found: list[tuple[int, str]] = []
        ends: dict[int, int] = {}
        byte, column = 0, 0  # a byte offset already counted in characters
        matches = sorted(self._automaton.find_matches_as_indexes(data, True), key=_start)
        for index, start, end in matches:
            if start < ends.get(index, 0):
                continue  # inside the occurrence of the same text before it
            ends[index] = end
            if not ascii_only:
                column += len(data[byte:start].decode("utf-8", "surrogatepass"))
                byte = start
            found.append((start if ascii_only else column, self._texts[index]))
        return found


def _start(match: tuple[int, int, int]) -> int:
    return match[1]
