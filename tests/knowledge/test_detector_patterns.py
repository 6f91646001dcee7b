"""detector_values: which of the detectors' patterns a text is searched with."""

from __future__ import annotations

import re

import pytest

from guardlint.knowledge.detector_values import (
    _detectors,
    detector_values,
    required_literal,
    searched_patterns,
)


@pytest.mark.parametrize(
    ("source", "flags", "literal"),
    [
        (r"GR1348941[A-Za-z0-9_\-]{20,50}(?!\w)", 0, "GR1348941"),
        (r"(glpat|gldt|glft|glsoat|glrt)-[A-Za-z0-9_\-]{20,50}(?!\w)", 0, "gl"),
        (r"glcbt-([0-9a-fA-F]{2}_)?[A-Za-z0-9_\-]{20,50}(?!\w)", 0, "glcbt-"),
        (r"hooks\.slack\.com/T[a-z]+", 0, "hooks.slack.com/T"),
        (r"ab?c", 0, "a"),  # the `b` is optional
        (r"abc*", 0, "ab"),
        (r"ab\.?c", 0, "ab"),
        (r"a\.b\-c", 0, "a.b-c"),
        (r"(ab|ac)?d", 0, ""),  # the group is optional
        (r"(ab|ac)d", 0, "a"),
        (r"abc[0-9]|def", 0, ""),  # either alternative
        (r"(?:abc)", 0, ""),
        (r"\d+abc", 0, ""),
        (r"abc", re.IGNORECASE, ""),
        (r"abc", re.VERBOSE, ""),
    ],
)
def test_required_literal(source: str, flags: int, literal: str) -> None:
    assert required_literal(re.compile(source, flags)) == literal


def test_patterns_without_the_set_search_need_their_literal() -> None:
    """GitLab's patterns (a lookahead: no RE2) are searched only in a text holding the start
    of theirs; a text of 100,000 passwords holds none of it."""
    outside_the_set = [
        pattern
        for detector in _detectors().detectors
        for pattern, place in detector.patterns
        if place is None and pattern.pattern.startswith(("(gl", "gl", "GR1348941"))
    ]
    assert len(outside_the_set) == 7
    assert all(required_literal(pattern) for pattern in outside_the_set)
    searched = [pattern for _, _, pattern in searched_patterns("password4: q3H8TIocTWK5ICs2")]
    assert not set(searched) & set(outside_the_set)
    token = "glpat-" + "A1b2C3d4E5f6G7h8I9j0"
    assert [value for _, _, value in detector_values(f"token: {token}")] == [token]
    assert [value for _, _, value in detector_values("GR1348941" + "x1Y2z3" * 4)]


@pytest.mark.parametrize(
    "text",
    [
        "token: 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 and AKIAIOSFODNN7ABCDEFG",
        "-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA1b2C3d4E5f6G7h8I9j0k",
        "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx glpat-A1b2C3d4E5f6G7h8I9j0",
    ],
)
def test_ascii_and_other_texts_find_the_same(text: str) -> None:
    """An ASCII text is searched as bytes, any other as characters: the same detectors find
    the same values at the same offsets (a character before them moves them by one)."""
    ascii_found = [(d.secret_type, start, value) for d, start, value in detector_values(text)]
    other_found = [(d.secret_type, start - 1, v) for d, start, v in detector_values("é" + text)]
    assert ascii_found
    assert other_found == ascii_found
