"""Where detect-secrets' detectors match one text, each match's start and whole secret.

Each detector's patterns run on RE2 where RE2 can run them (in `re` some take quadratic time:
`eyJeyJeyJ...` for the JWT one). A search costs microseconds of Python around it, and a text
that passes the secret prefilter was searched with each of the thirty patterns: a file of
250,000 different keys took a minute. One RE2 set search of the text now says which patterns
match it anywhere, and only those are searched for their matches (a pattern RE2 cannot run is
always searched): the same matches, in the same order.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from guardlint.knowledge.detectors import detectors
from guardlint.knowledge.secret_patterns import TAILED, SecretTails
from guardlint.knowledge.secret_regex import non_capturing
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear, compile_set


@functools.cache
def linear_pattern(pattern: re.Pattern[str]) -> Any:
    """A detector's pattern on RE2 where RE2 can run it. The others (GitLab's, with a
    lookahead) start with a literal and repeat a bounded number of times, which is linear in
    `re` too. Only a match's span is read: its groups are left out (non_capturing)."""
    try:
        return compile_linear(non_capturing(pattern.pattern), pattern.flags)
    except ValueError:
        return pattern


class _Detector(NamedTuple):
    detector: Any
    # Whether it has its own analyze_string, which judges each match further (the JWT one
    # decodes the token): it is asked about the match alone, its own search of the text not
    # being linear.
    judges: bool
    # Each pattern of its denylist, with its place in the set search (None: always searched).
    patterns: tuple[tuple[Any, int | None], ...]


class _Detectors(NamedTuple):
    detectors: tuple[_Detector, ...]
    matching: Any  # the set search: the places of the patterns that match a text, or None


@functools.cache
def _detectors() -> _Detectors:
    loaded = detectors()  # detect-secrets loaded offline first (guardlint.knowledge.detectors)
    from detect_secrets.plugins.base import RegexBasedDetector

    found, sources = [], []
    for detector in loaded:
        patterns = []
        for pattern in detector.denylist:
            linear = linear_pattern(pattern)
            place = None
            if linear is not pattern:
                place = len(sources)
                sources.append((pattern.pattern, pattern.flags))
            patterns.append((linear, place))
        judges = type(detector).analyze_string is not RegexBasedDetector.analyze_string
        found.append(_Detector(detector, judges, tuple(patterns)))
    return _Detectors(tuple(found), compile_set(tuple(sources)) if sources else None)


def detector_values(text: str) -> Iterator[tuple[Any, int, str]]:
    """Each detector's matches in the text, detector by detector, pattern by pattern: the
    detector, where the match starts and its whole text (detect-secrets' own analyze_string
    yields only the first regex group for some plugins, the `ghp` of a GitHub token, too little
    to redact)."""
    # An ASCII text is searched as its bytes: RE2 is given the same bytes either way (a text's
    # UTF-8), so the matches and their offsets are the same, without pyre2 mapping each offset
    # back to characters (3 of a token line's 8 microseconds).
    data = text.encode("ascii") if text.isascii() else None
    for detector, judges, pattern in searched_patterns(text):
        secret_type = detector.secret_type
        covered = 0  # a match inside the tail of the one before is part of its secret
        tails = SecretTails(secret_type, text) if secret_type in TAILED else None
        for start, end, value in _matches(pattern, text, data):
            if start < covered:
                continue
            if not judges or value in detector.analyze_string(value):
                if tails is not None and tails.names_no_key(end):
                    continue  # `-----BEGIN ... PRIVATE KEY-----`, `...`, its END line
                if tails is not None:
                    covered = tails.end(end)
                    value += text[end:covered].rstrip(". \t\r\n")
                yield detector, start, value


def _matches(pattern: Any, text: str, data: bytes | None) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each match of a detector's pattern in `text` (`data`: its ASCII
    bytes, or None), searched in the bytes where the pattern runs on RE2."""
    if data is None or isinstance(pattern, re.Pattern):
        for match in pattern.finditer(text):
            yield match.start(), match.end(), match.group(0)
        return
    for match in pattern.finditer(data):
        start, end = match.span()
        yield start, end, text[start:end]


def searched_patterns(text: str) -> Iterator[tuple[Any, bool, Any]]:
    """(detector, judges, pattern) of each pattern that may match the text, in the detectors'
    order: those the set search says match it, and those it cannot run (GitLab's) where the
    text holds the literal every match of theirs starts with (most texts hold none of it)."""
    known = _detectors()
    matching = known.matching.Match(text) if known.matching else None
    for detector, judges, pattern, literal in _searched(tuple(sorted(matching or ()))):
        if literal in text:
            yield detector, judges, pattern


@functools.lru_cache(maxsize=1024)
def _searched(matching: tuple[int, ...]) -> tuple[tuple[Any, bool, Any, str], ...]:
    """(detector, judges, pattern, the literal a text must hold) of each pattern to search in
    a text the set search says `matching` patterns match, in the detectors' order: worked out
    once for each such set (a text matches a few patterns; a file of 100,000 secrets went
    through all thirty for each). A pattern of the set search needs no literal ("")."""
    return tuple(
        (detector, judges, pattern, "" if place is not None else required_literal(pattern))
        for detector, judges, patterns in _detectors().detectors
        for pattern, place in patterns
        if place is None or place in matching
    )


# A pattern's source that starts with literal characters (`GR1348941`, `glimt-`, an escaped
# `\.`), or with a group of literal alternatives (`(glpat|gldt|glrt)`), and what follows them.
# Compiled when first used: only a text that passes the detectors' prefilter reads it.
_LITERAL = r"(?:[A-Za-z0-9_/:-]|\\[./-])"
_LITERAL_START = LazyPattern(rf"\(({_LITERAL}+(?:\|{_LITERAL}+)*)\)(.*)|({_LITERAL}+)(.*)", re.S)
_QUANTIFIERS = ("?", "*", "+", "{")


def required_literal(pattern: re.Pattern[str]) -> str:
    """A text every match of `pattern` starts with, read off its source ("" when none is
    known): its leading literal characters (the last one left out when a quantifier follows
    it), or the common start of a leading group of literal alternatives that no quantifier
    follows. Nothing for a pattern that ignores case, is verbose, or has an alternative past its
    start (`ab[0-9]|cd`: neither `ab` nor `cd` is required)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return ""
    written = _LITERAL_START.fullmatch(pattern.pattern)
    if written is None:
        return ""
    alternatives, rest = (
        (written.group(1).split("|"), written.group(2))
        if written.group(1) is not None
        else ([written.group(3)], written.group(4))
    )
    if "|" in rest:
        return ""
    # each alternative's characters, an escaped one (`\.`) as the character it stands for
    texts = [[c[-1] for c in re.findall(_LITERAL, a)] for a in alternatives]
    if rest.startswith(_QUANTIFIERS):
        if written.group(1) is not None:
            return ""  # the group is optional or repeated
        texts = [texts[0][:-1]]  # the last character is optional or repeated
    common = itertools.takewhile(lambda chars: len(set(chars)) == 1, zip(*texts, strict=False))
    return "".join(chars[0] for chars in common)
