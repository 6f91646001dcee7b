"""Sources of the secret search's RE2 patterns with no capturing group.

pyre2 asks RE2 for the span of every group of a pattern at each match, and RE2 then runs its
submatch engine over the match after the DFA has found it; with no group but the whole match,
the DFA's answer is all it needs. Where only the whole match is read (a verdict, a detector's
match), the groups cost a few microseconds on each of a file's tokens and values for nothing.
"""

from __future__ import annotations

import re

from guardlint.parse.lazy_pattern import LazyPattern

# An escape, a character class (a `]` first in it is a character) or the start of a capturing
# group, named or not: only the last is rewritten, so a `(` escaped or in a class stays as it is.
_PIECE = LazyPattern(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|(\((?!\?)|\(\?P<\w+>)", re.DOTALL)


def non_capturing(source: str) -> str:
    """The pattern `source` with each capturing group, named or not, made non-capturing: the
    same matches. For a pattern without backreferences (RE2 has none)."""
    return _PIECE.sub(lambda piece: "(?:" if piece.group(1) else piece.group(0), source)
