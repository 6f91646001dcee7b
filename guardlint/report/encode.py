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

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE


def to_json(document: Any) -> bytes:
    """`document` as indented JSON in UTF-8, ending in a newline."""
    try:
        return orjson.dumps(document, option=_OPTIONS)
    except TypeError:  # orjson's limits (integers beyond 64 bits): the slow path
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
