"""An instruction's text as Docker reads it, and where each of its characters is written.

A line that ends with the escape character (`\\`, or what `# escape=` sets) goes on in the next
line: Docker drops the escape character and the line break, and skips the comment and empty
lines inside the instruction. A value split over continued lines (`TOKEN=ghp_abc\\` then
`def`) is one word to Docker, and to the checks that read it here.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from guardlint.model.documents import Region
from guardlint.parse.cached import cached


class _Piece(NamedTuple):
    """One physical line's part of an instruction."""

    line: int  # 1-based
    text: str  # the line up to its continuation, or the whole line and its line break


class InstructionText:
    """The joined text of lines `start`..`end` of a Dockerfile (one instruction)."""

    def __init__(self, lines: list[str], start: int, end: int, escape: str) -> None:
        self._lines, self._start, self._end = lines, start, min(end, len(lines))
        self._escape = escape
        whole = "\n".join(lines[start - 1 : self._end])
        # Most instructions (a heredoc of a million lines too) go on in no line: their text is
        # their lines, found by one search of them all, not by a step per line.
        if _continuation(escape, re.MULTILINE).search(whole) is None:
            self.text = whole.rstrip("\n")
        else:
            self.text = "".join(piece.text for piece in self._pieces).rstrip("\n")

    @cached
    def _pieces(self) -> list[_Piece]:
        """Each line's part of the text, comment and empty lines inside a continuation left."""
        continuation = _continuation(self._escape)
        pieces: list[_Piece] = []
        continued = False
        for number in range(self._start, self._end + 1):
            line = self._lines[number - 1]
            if continued and (not line.strip() or line.lstrip().startswith("#")):
                continue
            match = continuation.search(line)
            continued = match is not None
            text = line[: match.start()] if match else line + "\n"
            pieces.append(_Piece(number, text))
        return pieces

    @cached
    def _places(self) -> list[tuple[int, int]]:
        """(line, 0-based column) of each character of `text`."""
        return [(p.line, column) for p in self._pieces for column in range(len(p.text))]

    def region_of(self, needle: str) -> Region | None:
        """Where the first occurrence of `needle` in the joined text is written; it may begin
        and end on different lines."""
        index = self.text.find(needle) if needle else -1
        if index < 0:
            return None
        start_line, start_column = self._places[index]
        end_line, end_column = self._places[index + len(needle) - 1]
        return Region(start_line, start_column + 1, end_line, end_column + 2)


@functools.cache
def _continuation(escape: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(re.escape(escape) + r"[ \t]*$", flags)
