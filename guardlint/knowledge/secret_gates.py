"""Which kinds of secret a text may hold, tested before any is searched for: a vendor's token
prefix (guardlint.knowledge.vendor_tokens.PREFILTER) and a command's word (COMMAND_WORDS),
on each text the shared detectors read."""

from __future__ import annotations

import re

from guardlint.knowledge.secret_patterns import COMMAND_WORDS
from guardlint.knowledge.vendor_tokens import PREFILTER as VENDOR_PREFILTER
from guardlint.knowledge.vendor_tokens import SHORTEST as VENDOR_SHORTEST
from guardlint.knowledge.vendor_tokens import may_hold_vendor_token
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_set

# The forty words in one search (each a literal: a few characters read at each position).
_COMMAND_WORD_SOURCE = "|".join(map(re.escape, COMMAND_WORDS))
_COMMAND_WORD = LazyPattern(_COMMAND_WORD_SOURCE)
# A text up to this long is tested for a vendor's prefix and a command's word in one RE2 set
# search (a call, where the two searches cost two microseconds each of Python around them, on
# each of a file's 100,000 lines and values); a longer one by the two searches, whose engines
# never run out of the memory a set's automaton has.
_SET_TESTED = 4096


def may_hold_vendor_token_or_command(folded: str) -> tuple[bool, bool]:
    """may_hold_vendor_token, and whether a case-folded text names a command of COMMAND_WORDS."""
    if len(folded) > _SET_TESTED:
        return may_hold_vendor_token(folded), _COMMAND_WORD.search(folded) is not None
    found = compile_set(((VENDOR_PREFILTER, 0), (_COMMAND_WORD_SOURCE, 0))).Match(folded) or ()
    return 0 in found and len(folded) >= VENDOR_SHORTEST, 1 in found
