"""JSON for the reports: orjson (a C encoder), with the standard library as fallback.

The standard encoder falls back to pure Python when asked to indent, which made writing a
large SARIF log cost as much as scanning the files behind it. The JSON is kept in the UTF-8
bytes orjson gives: decoding a report of megabytes to text, only for its writer to encode it
again, took as long as encoding it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
# Keys that are not text (a YAML map keyed by numbers, in a finding's properties) are rare, and
# orjson told to accept them writes every map a third slower (the corpus's JSON report: 76
# million instructions instead of 52): tried only when a document holds one.
_ANY_KEYS = _OPTIONS | orjson.OPT_NON_STR_KEYS
# GitHub Actions' runner takes `##[` anywhere in a log line for a workflow command (mask the
# log, stop reading commands), and a report printed to a job's log quotes the scanned
# repository. In JSON a `#` is only ever inside a string, where `\u0023` is the same character.
WORKFLOW_COMMAND = "##["
_COMMAND_BYTES, _INERT_COMMAND = WORKFLOW_COMMAND.encode(), b"\\u0023#["
# A report holds a `#` rarely (the corpus's JSON: 38 in 8 MB; its SARIF, with the rules' help
# and links: 779 in 15 MB): finding each with memchr and looking at the next two bytes costs
# a twentieth of searching the whole report for `##[` (bytes.replace, 1 ns a byte). Past one
# `#` per this many bytes, the report is searched whole: one full of `#`s (an ASFF report's
# links) costs at most a fifth more than that search alone.
_BYTES_PER_HASH = 2048


def to_json(document: Any) -> bytes:
    """`document` as indented JSON in UTF-8, ending in a newline, holding no `##[`."""
    try:
        data = orjson.dumps(document, option=_OPTIONS)
    except TypeError:  # a key that is not text, or orjson's limits
        try:
            data = orjson.dumps(document, option=_ANY_KEYS)
        except TypeError:  # integers beyond 64 bits: the slow path
            data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return _inert(data)


def _inert(data: bytes) -> bytes:
    """`data` with each `##[` as `\\u0023#[`."""
    at = data.find(b"#")
    for _ in range(len(data) // _BYTES_PER_HASH):
        if at < 0:
            return data
        if data.startswith(b"#[", at + 1):
            break
        at = data.find(b"#", at + 1)
    return data.replace(_COMMAND_BYTES, _INERT_COMMAND)
