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

from guardlint.knowledge.secret_gates import CANDIDATE_SEARCH
from guardlint.parse.linear_regex import compile_linear

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
