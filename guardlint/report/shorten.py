"""Text cut to a length limit on a whole sentence or paragraph, never inside a code block."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SENTENCE_END = re.compile(r"[.!?](?=\s)")
_FENCE = re.compile(r"\s*(```|~~~)")
_INDENTED = re.compile(r"( {4}|\t)")


def _paragraphs(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_code) of each paragraph: blank lines split them, except inside a fence."""
    start, in_fence, position = None, False, 0
    for line in text.splitlines(keepends=True):
        if start is None and line.strip():
            start = position
        if _FENCE.match(line):
            in_fence = not in_fence
        position += len(line)
        if start is not None and not line.strip() and not in_fence:
            yield start, position, _is_code(text[start:position])
            start = None
    if start is not None:
        yield start, len(text), _is_code(text[start:])


def _is_code(paragraph: str) -> bool:
    return bool(_FENCE.match(paragraph) or _INDENTED.match(paragraph))


def _cuts(text: str) -> Iterator[int]:
    """Where the text may end: after a sentence of prose, or after a whole paragraph."""
    for start, end, code in _paragraphs(text):
        if not code:
            for match in _SENTENCE_END.finditer(text, start, end):
                yield match.end()
        yield end


def shorten(text: str, limit: int, more: str) -> str:
    """`text` if it fits in `limit` characters; else its longest head that ends a sentence or a
    paragraph, followed by `more`. A first sentence too long for the limit is cut at a word."""
    if len(text) <= limit:
        return text
    room = limit - len(more)
    best = 0
    for cut in _cuts(text):  # in increasing order: the first that does not fit ends the search
        end = cut
        while end and text[end - 1].isspace():
            end -= 1
        if end > room:
            break
        best = end
    if best:
        return text[:best] + more
    first_start, _, first_is_code = next(_paragraphs(text), (0, 0, True))
    if first_is_code:
        return more.strip()
    head = text[first_start : first_start + room]
    return (head.rsplit(None, 1)[0] if " " in head.strip() else head).rstrip() + more
