"""Which texts may hold a secret, and which kinds, tested before any is searched for: the
detectors' prefilter, the candidate lines' words and prefixes (`CANDIDATE_SEARCH`: without a
match, find_secrets finds nothing in a text), a vendor's token prefix
(guardlint.knowledge.vendor_tokens.PREFILTER) and a command's word (COMMAND_WORDS)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from guardlint.knowledge.secret_names import NAME_SEARCH_PATTERNS, NAME_SEARCH_WORDS
from guardlint.knowledge.secret_patterns import BASE64_KEY_HEADERS, COMMAND_WORDS
from guardlint.knowledge.vendor_tokens import PREFILTER as VENDOR_PREFILTER
from guardlint.knowledge.vendor_tokens import SHORTEST as VENDOR_SHORTEST
from guardlint.knowledge.vendor_tokens import may_hold_vendor_token
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear, compile_set

# Cheap test a line must pass before any detector runs on it. Every alternative starts with a
# literal character (sk_live_|rk_live_, not [sr]k_live_): the regex engine can then skip ahead
# by first character, which halves the whole-file search of
# guardlint.knowledge.secret_lines.
# Searched only case-folded (FOLDED_PREFILTER): never compiled as written, which would cost
# every scan half a millisecond for nothing.
_PREFILTER = (
    r"AKIA|ASIA|ABIA|ACCA|A3T|PRIVATE KEY|PuTTY-User-Key-File-|gh[pousr]_|github_pat_|"
    r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|GR1348941|xox[abposr]-|sk_live_|"
    r"hooks\.slack\.com|rk_live_|eyJ|://[^\s/:@]*:[^\s/@]+@|npm_[A-Za-z0-9]{30}|LS0tLS1CRUdJTiB|"
    + "|".join(BASE64_KEY_HEADERS)
    + r"|pypi-Ag|SG\.[\w-]{16}|AIza|aws_secret|secret_access_key|sk-[A-Za-z0-9]{20}"
)


def _casefolded_pattern(pattern: str) -> str:
    """The pattern for case-folded text: literal capitals lowered, escapes (\\S, \\W) kept."""
    return re.sub(
        r"\\.|[A-Z]", lambda m: m.group(0) if len(m.group(0)) == 2 else m.group(0).lower(), pattern
    )


def _minimal_words(words: Iterable[str]) -> list[str]:
    unique = set(words)
    return sorted(w for w in unique if not any(o != w and o in w for o in unique))


# A line can hold a secret only if it passes the detectors' prefilter or holds a secret-looking
# name (every such name contains one of these words; a pair needs both words, so one is
# enough). One search over the case-folded file finds those lines; the per-line work
# then runs on a few percent of the lines instead of all of them.
# _PREFILTER for case-folded text: the same test, without IGNORECASE's per-character cost.
FOLDED_PREFILTER = re.compile(_casefolded_pattern(_PREFILTER))
# No alternative spans lines. Searched, on RE2, as CANDIDATE_SEARCH.
CANDIDATE_PATTERN = (
    "(?:"
    + FOLDED_PREFILTER.pattern
    + "|"
    + VENDOR_PREFILTER
    + "|"
    + "|".join(re.escape(w) for w in _minimal_words([*NAME_SEARCH_WORDS, *COMMAND_WORDS]))
    + f"|{NAME_SEARCH_PATTERNS})"
)
# What find_secrets reads beside the words and prefixes of the candidate lines (which hold every
# secret-looking name): a SAS signature's `sig=` in a URL, sudo's `-S` fed a password, SQL's
# `IDENTIFIED BY '...'`, the repository passwords Composer, Poetry and Bundler store.
FOUND_BESIDE_CANDIDATES = r"sig=|sudo|identified|composer|poetry|bundle"
# A text or line without a match of this holds nothing find_secrets finds, nor a secret-looking
# name. On RE2, several times faster than `re` through the alternatives, as UTF-8 (no offsets
# mapped back to characters), `[\w-]` as `\S`: RE2's classes are ASCII, and `\S` takes in all
# `[\w-]` does in `re` (more texts are let by, each is checked again; fewer are not).
CANDIDATE_SEARCH = (
    CANDIDATE_PATTERN.replace(r"[\w-]", r"\S") + "|" + FOUND_BESIDE_CANDIDATES
).encode()


def may_hold_secret(folded: str) -> bool:
    """Whether a case-folded text passes CANDIDATE_SEARCH: without, it holds no secret."""
    encoded = folded.encode("utf-8", "surrogatepass")
    return compile_linear(CANDIDATE_SEARCH).search(encoded) is not None


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
