"""libyaml's safe loader (the pure-Python one when libyaml is missing: about 10 times slower),
and plain data from trusted YAML: the built-in rule packs and data tables.

Every scan loads all the rule packs, and libyaml's Python-side constructor takes about 13 ms
for them, JSON about 1 ms. A wheel therefore carries the built-in YAML compiled to JSON
(COMPILED_NAME, written by its build hook, tools/hatch_build.py), keyed by the digest of each
file's text: a text that is not there exactly as compiled (a source checkout, an editable
install, a file edited after the build) is read as YAML, so the two can never disagree.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

try:
    LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    LOADER = yaml.SafeLoader

COMPILED_NAME = "compiled_yaml.json"


def load_plain(text: str) -> Any:
    """Plain data from a trusted YAML file (guardlint's own), no regions: its compiled JSON
    where the package has it for this very text, libyaml otherwise."""
    spelled = _compiled().get(text_digest(text))
    if spelled is not None:
        return json.loads(spelled)  # new objects on each call, like a YAML load
    return yaml.load(text, Loader=LOADER)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def compile_yaml(texts: Iterable[str]) -> dict[str, str]:
    """{digest of the text: its data as JSON} for each text whose data JSON gives back equal
    (not a YAML file with dates, or numbers for keys): what COMPILED_NAME holds."""
    compiled = {}
    for text in texts:
        data = yaml.load(text, Loader=LOADER)
        try:
            spelled = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        except TypeError:
            continue  # a date, a set: read as YAML
        if json.loads(spelled) == data:
            compiled[text_digest(text)] = spelled
    return compiled


@functools.cache
def _compiled() -> dict[str, str]:
    try:
        compiled = json.loads(Path(__file__).with_name(COMPILED_NAME).read_bytes())
    except (OSError, ValueError):
        return {}  # none built (a source checkout) or not readable: the YAML it is
    return compiled if isinstance(compiled, dict) else {}
