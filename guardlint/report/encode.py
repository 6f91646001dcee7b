"""JSON text for the reports: orjson (a C encoder), with the standard library as fallback.

The standard encoder falls back to pure Python when asked to indent, which made writing a
large SARIF log cost as much as scanning the files behind it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def to_json(document: Any) -> str:
    """`document` as indented UTF-8 JSON text ending in a newline."""
    try:
        return orjson.dumps(document, option=_OPTIONS).decode() + "\n"
    except TypeError:  # orjson's limits (integers beyond 64 bits): the slow path
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
