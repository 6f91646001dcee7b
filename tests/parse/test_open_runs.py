"""Patterns rewritten with their long runs open for one cheap RE2 search
(guardlint.parse.open_runs): every text the pattern matches is found whole, and what follows a
long run is optional."""

from __future__ import annotations

import re
import re._constants
import re._parser
from collections.abc import Iterator

import pytest

from guardlint.knowledge.vendor_tokens import _FORMATS
from guardlint.parse.open_runs import open_runs


@pytest.mark.parametrize(
    "pattern,opened",
    [
        ("ab[0-9]{40}", "ab[0-9]+"),
        ("ab[0-9]{4}", "ab[0-9]{4}"),  # short enough to stay counted
        ("ab[0-9]{40}-x", "ab[0-9]+(?:-x)?"),
        ("a[0-9]{40}\\.[a-z]{50}\\.b", "a[0-9]+(?:\\.[a-z]+(?:\\.b)?)?"),
        ("x{0,90}y", "x*(?:y)?"),
        ("a[b]{100,}=", "a[b]+(?:=)?"),
        ("p(?:[a-f]{40}|[0-9]{50})T3B", "p(?:[a-f]+|[0-9]+)(?:T3B)?"),
        ("p-[a-z]{30}|q_[0-9]{40}[|]", "p-[a-z]+|q_[0-9]+(?:[|])?"),
        ("h\\{[x]{30}\\}", "h\\{[x]+(?:\\})?"),
        ("c[]a]{30}z", "c[]a]+(?:z)?"),
    ],
)
def test_a_long_run_is_open_and_what_follows_it_optional(pattern, opened):
    assert open_runs(pattern, 8) == opened


@pytest.mark.parametrize("shape", [shape for _, shape in _FORMATS])
@pytest.mark.parametrize("longest", [False, True])
def test_a_text_of_a_vendor_shape_is_matched_whole_by_its_open_form(shape, longest):
    """The open form matches whatever the shape matches (here, a text of each shape with every
    run at its fewest or its most characters), so the search misses none of them."""
    sample = "".join(_sample(re._parser.parse(shape), longest))
    assert re.fullmatch(shape, sample)
    assert re.fullmatch(open_runs(shape, 0), sample)


def _sample(items, longest: bool) -> Iterator[str]:
    """A text of a parsed pattern: each class's first character, each repetition's fewest (or
    most, at most 2,000) copies, each branch's first alternative."""
    for op, arg in items:
        if op is re._constants.LITERAL:
            yield chr(arg)
        elif op is re._constants.IN:
            kind, value = arg[0]
            yield chr(value) if kind is re._constants.LITERAL else chr(value[0])
        elif op is re._constants.MAX_REPEAT:
            low, high, body = arg
            for _ in range(min(high, 2_000) if longest else low):
                yield from _sample(body, longest)
        elif op is re._constants.SUBPATTERN:
            yield from _sample(arg[3], longest)
        elif op is re._constants.BRANCH:
            yield from _sample(arg[1][0], longest)
        else:
            raise AssertionError(f"no sample for {op}")
