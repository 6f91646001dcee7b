"""The words of an ENV, ARG or LABEL value as Docker splits them, quotes and escapes followed:
dockerfile-parse's WordSplitter (`split`, `dequote`) without variable substitution, in time
linear in the value. WordSplitter builds each word by adding to an attribute one character at a
time, which copies the word each time: an ARG value of 360,000 characters took 35 s.

- Outside quotes a backslash makes the next character literal; inside `"..."` it escapes only
  `"` (else it stays); inside `'...'` it is an ordinary character.
- Words end at an unquoted, unescaped blank (`str.isspace`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_QUOTES = ("'", '"')
_QUOTING = re.compile(r"['\"\\]")


def docker_words(value: str, maxsplit: int | None = None, dequote: bool = True) -> Iterator[str]:
    """`WordSplitter(value).split(maxsplit, dequote)`: each word, quotes and escapes removed
    unless `dequote` is false."""
    if maxsplit is None and not _QUOTING.search(value):
        # Nothing quoted or escaped: the runs of non-blanks, split in C (a Python step for each
        # character cost a file of 100,000 ENV lines a second).
        yield from value.split()
        return
    quotes: str | None = None
    escaped = False
    splits = 0
    word: list[str] | None = None
    for char in value:
        was_escaped = escaped
        escaped = not escaped and char == "\\" and quotes != "'"
        if escaped:
            kept = ""
        elif was_escaped:
            kept = char if quotes != '"' or char == '"' else "\\" + char
        elif quotes is None and char in _QUOTES:
            quotes, kept = char, ""
        elif quotes is not None and quotes == char:
            quotes, kept = None, ""
        else:
            kept = char
        if dequote:
            char = kept
        may_split = maxsplit != 0 and (maxsplit is None or splits < maxsplit)
        if may_split and quotes is None and not was_escaped and char.isspace():
            if word is not None:
                splits += 1
                yield "".join(word)
            word = None
        elif word is None:
            word = [char]
        else:
            word.append(char)
    if word is not None:
        yield "".join(word)


def dequoted(value: str) -> str:
    """`WordSplitter(value).dequote()`: the value without its quotes and escapes."""
    return "".join(docker_words(value, maxsplit=0))
