"""Which of many texts may hold a secret, found in one search over them all: a document's values
are mostly names, ARNs and settings, and a value none of find_secrets' gates lets by needs no
search of its own (CFN019 judges tens of thousands in a repository's templates).

A superset: a text this lets by may still hold none. In a text it does not let by,
guardlint.knowledge.secrets.find_secrets finds nothing, and no name in it is a secret's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection
from itertools import accumulate

from guardlint.knowledge.secrets import CANDIDATE_PATTERN
from guardlint.parse.linear_regex import compile_linear

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
# And a `\`, with which a JSON text spells a member's name that only its decoding shows.
_MAY_HOLD_SECRET = CANDIDATE_SEARCH + rb"|\\"


def may_hold_secrets(texts: Collection[str]) -> set[str]:
    """The texts among `texts` that may hold a secret or a secret's name (a superset), each
    searched case-folded, as find_secrets reads it, in one search over them all."""
    ordered = list(texts)
    data = [text.casefold().encode("utf-8", "surrogatepass") for text in ordered]
    starts = list(accumulate((len(text) + 1 for text in data), initial=0))
    joined = b"\n".join(data)
    search = compile_linear(_MAY_HOLD_SECRET).search
    found: set[str] = set()
    start = 0
    # One find per text, the search going on from the next text: a match that runs on past a
    # text's end makes it a candidate, and the next one is searched from its own start.
    while start < len(joined) and (match := search(joined, start)) is not None:
        index = bisect_right(starts, match.start()) - 1
        found.add(ordered[index])
        start = starts[index + 1]
    return found
