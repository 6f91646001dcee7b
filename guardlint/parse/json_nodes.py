"""JSON documents straight to YamlMap/YamlSeq, one and a half times faster than through libyaml.

A JSON text is also YAML, and guardlint.parse.yaml_nodes reads it as such; this parser gives
exactly what that reading gives (the same values, YAML 1.1's reading of numbers included, and
the same regions) for the JSON it accepts, and declines (None) everything else, which is then
read as YAML: text YAML reads differently from JSON or refuses (line breaks other than \\n and
\\r\\n, characters YAML does not allow, a lone surrogate escape, a key whose `:` is on another line
or far after it, a tab outside the brackets), duplicate keys (YAML notes them), deep nesting
(YAML refuses it with its position), and anything not JSON (comments, trailing commas, a
second document). Tokens are found by one regular expression that cannot backtrack; the
structure is built with an explicit stack, so no input recurses.

A stream of JSON texts one after another (`{...}\n{...}`, what `jq '.items[]'` prints), which
kubectl applies object by object and YAML refuses, is read by `load_json_stream`: each text a
document, as a YAML stream's; the YAML reading is asked first.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.located import YamlMap, YamlSeq, new_region
from guardlint.parse.yaml_scalars import plain_scalar

# Deeper documents are left to the YAML reading, which refuses those past its limit.
MAX_DEPTH = 64
# libyaml forgets a possible key this many characters before its `:` (a "simple key").
_MAX_KEY_SPAN = 1000
# Every pattern here but _START reads only a text that _START took for JSON: compiled when
# first used, never in a scan of YAML files (10 M instructions of a manifest's cold scan).
# One token after blanks: 1 a string, 2 punctuation, 3 a number or literal (a YAML plain
# scalar), 4 the end of the text (so that every attempt matches: trailing blanks are not
# rescanned), 5 anything else.
_TOKEN = LazyPattern(
    r"[ \t\r\n]*+(?:"
    r'("[^"\\\x00-\x1f]*+(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*+)*+")'
    r"|([\[\]{},:])"
    r"|(-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?|true|false|null)"
    r"|(\Z)"
    r"|(.))",
    re.DOTALL,
)
_STRING, _PUNCTUATION, _PLAIN, _END = 1, 2, 3, 4
_START = re.compile(r"[ \r\n]*+[{\[]")  # a tab before the document: YAML refuses it
# What YAML does not allow in a text: the characters yaml.reader's NON_PRINTABLE takes, the
# complement of what YAML prints, named here as they are (its own pattern, whose ranges reach
# U+10FFFF, costs 13 times this one to compile: guardlint.parse.pyyaml). Then the line breaks
# JSON does not have (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR) and a byte order mark, which
# YAML treats apart.
_NOT_YAML = LazyPattern("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_NOT_JSON_AS_YAML = LazyPattern("[\x85\u2028\u2029\ufeff]")
_SURROGATE_ESCAPE = LazyPattern(r"\\u[dD][89a-fA-F]")
_SURROGATE = LazyPattern("[\ud800-\udfff]")
_NEWLINE = LazyPattern("\n")


def load_json(text: str) -> YamlMap | YamlSeq | None:
    """The one document of a JSON object or array text, as load_documents gives it; None where
    that reading could differ (see the module's docstring)."""
    if not _START.match(text) or text.count("\r") != text.count("\r\n"):
        return None
    if _NOT_YAML.search(text) or _NOT_JSON_AS_YAML.search(text):
        return None
    try:
        document, end = _parse(text, 0, _line_starts(text))
        _after_document(text, end)
    except _Declined:
        return None
    return document


def load_json_stream(text: str, max_documents: int) -> list[YamlMap | YamlSeq] | None:
    """Each JSON object or array of a text of several, one after another (blanks between
    them), as the documents of a YAML stream; None unless the text is two or more such
    texts and at most `max_documents`."""
    if not _START.match(text) or text.count("\r") != text.count("\r\n"):
        return None
    if _NOT_YAML.search(text) or _NOT_JSON_AS_YAML.search(text):
        return None
    newlines = _line_starts(text)
    documents: list[YamlMap | YamlSeq] = []
    begin = 0
    try:
        while begin is not None and len(documents) < max_documents:
            document, end = _parse(text, begin, newlines)
            documents.append(document)
            begin = _after_document(text, end, more=True)
    except _Declined:
        return None
    return documents if begin is None and len(documents) > 1 else None


def _line_starts(text: str) -> list[int]:
    return [match.start() for match in _NEWLINE.finditer(text)]


class _Declined(Exception):
    """Not JSON this parser reads as YAML would."""


# What may come next inside the innermost container.
_VALUE, _FIRST_ITEM, _FIRST_KEY, _KEY, _COLON, _NEXT = range(6)


def _parse(text: str, begin: int, newlines: list[int]) -> tuple[YamlMap | YamlSeq, int]:
    """The JSON object or array that starts at `begin`, and where it ends."""
    # The containers around the innermost one, each with what it was doing: (container, its
    # start line and column, the key awaiting its value and the key's region and index).
    stack: list[tuple[Any, ...]] = []
    container: Any = None
    opened = (0, 0)
    key: Any = None
    key_region: Any = None
    key_start = 0
    expected = _VALUE
    for match in _TOKEN.finditer(text, begin):
        kind = match.lastindex
        if kind == _END:
            raise _Declined  # the document is not closed
        start, end = match.span(kind)
        token = text[start]
        if token == ",":
            if expected != _NEXT:
                raise _Declined
            expected = _KEY if type(container) is YamlMap else _VALUE
            continue
        if token == ":":
            if expected != _COLON or start - key_start > _MAX_KEY_SPAN:
                raise _Declined
            if "\n" in text[key_start:start]:
                raise _Declined  # the key's `:` on a later line: not a YAML key
            expected = _VALUE
            continue
        line = bisect_right(newlines, start)
        column = start - (newlines[line - 1] if line else -1)
        line += 1
        if kind == _PUNCTUATION:
            if token in "{[":
                if expected not in (_VALUE, _FIRST_ITEM) or len(stack) >= MAX_DEPTH:
                    raise _Declined
                if container is not None:
                    stack.append((container, opened, key, key_region, key_start))
                container = YamlMap(None) if token == "{" else YamlSeq(None)
                opened = (line, column)
                expected = _FIRST_KEY if token == "{" else _FIRST_ITEM
                continue
            # `}` or `]`: the container ends, and is the value of the one around it
            closes_map = token == "}"
            if expected not in (_NEXT, _FIRST_KEY if closes_map else _FIRST_ITEM):
                raise _Declined  # `[1,]`: a trailing comma
            if closes_map != (type(container) is YamlMap):
                raise _Declined
            value = container
            region = value.region = new_region(opened[0], opened[1], line, column + 1)
            if not stack:
                return value, end
            container, opened, key, key_region, key_start = stack.pop()
        elif expected in (_FIRST_KEY, _KEY):
            if kind != _STRING:
                raise _Declined
            key = _string(match.group(kind))
            if key in container:
                raise _Declined  # a duplicate key: the YAML reading notes it
            key_region = new_region(line, column, line, column + end - start)
            key_start = start
            expected = _COLON
            continue
        elif expected in (_VALUE, _FIRST_ITEM) and kind in (_STRING, _PLAIN):
            token = match.group(kind)
            value = _string(token) if kind == _STRING else plain_scalar(token)
            region = new_region(line, column, line, column + end - start)
        else:
            raise _Declined
        if container is None:
            raise _Declined  # a scalar document
        if type(container) is YamlMap:
            container[key] = value
            container.key_regions[key] = key_region
            container.value_regions[key] = region
        else:
            container.append(value)
            container.item_regions.append(region)
        expected = _NEXT
    raise _Declined  # not reached: the last attempt matches the end of the text


def _after_document(text: str, end: int, more: bool = False) -> int | None:
    """None when only blanks without a tab (which YAML refuses there) follow a document that
    ends at `end`; with `more`, where the next one starts when an object or array follows."""
    rest = _TOKEN.match(text, end)
    if rest is None or "\t" in text[end : rest.start(rest.lastindex)]:
        raise _Declined
    if rest.lastindex == _END:
        return None
    if more and rest.lastindex == _PUNCTUATION and rest.group(_PUNCTUATION) in "{[":
        return rest.start(_PUNCTUATION)
    raise _Declined


def _string(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    value = json.loads(token)
    if _SURROGATE_ESCAPE.search(token) and _SURROGATE.search(value):
        raise _Declined  # a lone surrogate, which libyaml refuses and no UTF-8 encoder takes
    return value
