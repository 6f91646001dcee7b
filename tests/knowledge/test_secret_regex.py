"""secret_regex: a pattern's groups left out, its matches the same."""

from __future__ import annotations

import re

import pytest

from guardlint.knowledge.detectors import detectors
from guardlint.knowledge.secret_regex import non_capturing


@pytest.mark.parametrize(
    ("source", "rewritten"),
    [
        (r"(ghp|gho)_[A-Z]{3}", r"(?:ghp|gho)_[A-Z]{3}"),
        (r"(?P<value>\w+)(?:x)(?=y)", r"(?:\w+)(?:x)(?=y)"),
        # a `(` escaped, or in a class (one whose first character is `]` too), is a character
        (r"\(\([^()]*\)\)", r"\(\([^()]*\)\)"),
        (r"[]()](b)\\(c)", r"[]()](?:b)\\(?:c)"),
        (r"[^]()](d)", r"[^]()](?:d)"),
    ],
)
def test_groups_become_non_capturing(source: str, rewritten: str) -> None:
    assert non_capturing(source) == rewritten
    assert re.compile(rewritten).groups == 0


_TEXTS = (
    "token: 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 and AKIAIOSFODNN7ABCDEFG",
    'aws_secret_access_key = "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"',
    "//registry.npmjs.org/:_authToken=npm_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx sk_live_4eC39HqLyjWDarjtT1zdp7dc",
)


def test_each_detector_pattern_matches_the_same_spans_without_its_groups() -> None:
    found = 0
    for detector in detectors():
        for pattern in detector.denylist:
            bare = re.compile(non_capturing(pattern.pattern), pattern.flags)
            for text in _TEXTS:
                spans = [match.span() for match in pattern.finditer(text)]
                assert [match.span() for match in bare.finditer(text)] == spans
                found += len(spans)
    assert found >= len(_TEXTS)
