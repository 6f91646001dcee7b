"""Path patterns as Go's filepath.Match reads them (what Docker's COPY and ADD match their
sources with), read by guardlint.parse.go_glob: `*` any run of characters, `?` one character,
`[...]` a class with ranges and `^` for negation (`!` is a character like any other), `\\`
escaping the next character; each pattern is one component of a path. `matches` is Go's
Match; `overlap` tells whether two patterns can match one name: a source pattern and a name
pattern a rule knows (`id_rs?` and `id_rsa`, `*.ke[y]` and `*.key`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from guardlint.parse.go_glob import BadPattern, compile_glob, glob_chunks

# A file name is at most 255 bytes (NAME_MAX): a pattern needing more characters names none.
NAME_MAX = 255
WILDCARDS = re.compile(r"[*?[\\]")


class CharacterClass(NamedTuple):
    """What one position of a name may hold: characters in the ranges (or, negated, outside)."""

    ranges: tuple[tuple[str, str], ...]
    negated: bool = False

    def holds(self, character: str) -> bool:
        inside = any(low <= character <= high for low, high in self.ranges)
        return character != "/" and inside != self.negated

    def witnesses(self) -> set[str]:
        """Characters that stand for every region of the class's alphabet: its range ends and
        their neighbours (two classes share a character iff they share one of these)."""
        found = {"a"}
        for low, high in self.ranges:
            found.update((low, high, chr(max(ord(low) - 1, 0)), chr(ord(high) + 1)))
        return found


STAR = None
ANY = CharacterClass((), negated=True)
Token = CharacterClass | None


def tokens(pattern: str, fold_case: bool = False) -> list[Token] | None:
    """The pattern as one token per position (STAR for `*`), as Go's Match reads it
    (guardlint.parse.go_glob); None when Go refuses it (an unclosed class, a trailing `\\`),
    or it needs more than NAME_MAX characters."""
    try:
        chunks = glob_chunks(pattern)
    except BadPattern:
        return None
    found: list[Token] = []
    for star, elements in chunks:
        if star:
            found.append(STAR)
        for element in elements:
            token = ANY if element.any_but_separator else CharacterClass(*element[:2])
            found.append(_folded(token) if fold_case else token)
    if sum(token is not STAR for token in found) > NAME_MAX:
        return None
    return found


def matches(pattern: str, name: str) -> bool:
    """Whether Go's Match(pattern, name) holds (False where Go refuses the pattern)."""
    try:
        return compile_glob(pattern).fullmatch(name) is not None
    except BadPattern:
        return False


def _folded(token: CharacterClass) -> CharacterClass:
    ranges = {(low, high) for low, high in token.ranges}
    ranges.update((low.swapcase(), low.swapcase()) for low, high in token.ranges if low == high)
    return CharacterClass(tuple(sorted(ranges)), token.negated)


def _share_a_character(first: CharacterClass, second: CharacterClass) -> bool:
    candidates = first.witnesses() | second.witnesses()
    return any(first.holds(c) and second.holds(c) for c in candidates)


def overlap(first: list[Token], second: list[Token]) -> bool:
    """Whether some name matches both patterns: a walk over pairs of positions, one per
    character both take, a `*` taking none or one more (time: the product of the lengths)."""
    end = (len(first), len(second))
    seen = {(0, 0)}
    pending = [(0, 0)]
    while pending:
        state = pending.pop()
        if state == end:
            return True
        i, j = state
        a = first[i] if i < end[0] else ANY
        b = second[j] if j < end[1] else ANY
        steps = []
        if i < end[0] and a is STAR:
            steps.append((i + 1, j))
            if j < end[1] and b is not STAR:
                steps.append((i, j + 1))
        if j < end[1] and b is STAR:
            steps.append((i, j + 1))
            if i < end[0] and a is not STAR:
                steps.append((i + 1, j))
        both_characters = i < end[0] and j < end[1] and a is not STAR and b is not STAR
        if both_characters and _share_a_character(a, b):
            steps.append((i + 1, j + 1))
        for step in steps:
            if step not in seen:
                seen.add(step)
                pending.append(step)
    return False
