"""Plain data from trusted YAML: the built-in rule packs and data tables.

Every scan loads all the rule packs, and libyaml's Python-side constructor takes about 13 ms
for them, JSON about 1 ms. A wheel therefore carries the built-in YAML compiled to JSON
(COMPILED_NAME, written by its build hook, tools/hatch_build.py), keyed by the digest of each
file's text: a text that is not there exactly as compiled (a source checkout, an editable
install, a file edited after the build) is read as YAML, so the two can never disagree. With
every text compiled, a scan that reads no YAML file never imports PyYAML (about 15 ms).

The file is a line of JSON, {digest: [start, end]}, then each text's JSON one after another,
those bytes of what follows the line (compiled_file, read_compiled): a load decodes its own
text's JSON only. Held as JSON strings in one JSON object, every scan decoded all of them as
strings first, escapes and all, and then its packs' again: loading the rule packs took 12.5 ms
of a Dockerfile scan, now 8.2 (the fastest of fifteen processes each).

The build hook loads this module on its own, by path: it imports nothing of guardlint's.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
from collections.abc import Iterable
from typing import Any

try:
    import orjson  # read_spelled's decoder; the build hook may not have it
except ImportError:  # pragma: no cover - the build hook, before the dependencies are installed
    orjson = None

COMPILED_NAME = "compiled_yaml.bin"  # not JSON as a whole: compiled_file
# JSON has no dates and only text for keys: a one-key object under one of these names stands
# for a date or for a map with other keys (compose's ports are keyed by numbers). A text is
# compiled only when its JSON reads back equal to its YAML, so data that uses these names for
# itself stays YAML.
_DATE, _PAIRS = "$date", "$pairs"
_DATE_BYTES, _PAIRS_BYTES = _DATE.encode(), _PAIRS.encode()
# orjson reads an integer outside these as a float, with no error: a text holding one stays YAML.
_INTEGERS = range(-(2**63), 2**64)


def load_plain(text: str) -> Any:
    """Plain data from a trusted YAML file (guardlint's own), no regions: its compiled JSON
    where the package has it for this very text, libyaml otherwise."""
    spelled = _compiled().get(text_digest(text))
    if spelled is not None:
        return read_spelled(spelled)  # new objects on each call, like a YAML load
    return _yaml_data(text)


def text_digest(text: str) -> str:
    """blake2b, CPython's own: hashlib would load OpenSSL (guardlint.parse.digests, which the
    build hook cannot import: it loads this module alone)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a build without the built-in blake2
        from hashlib import blake2b
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()


def compile_yaml(texts: Iterable[str]) -> dict[str, str]:
    """{digest of the text: its data as JSON} for each text whose data JSON gives back equal
    (not a YAML file with timestamps, sets or integers wider than 64 bits): what COMPILED_NAME
    holds."""
    compiled = {}
    for text in texts:
        data = _yaml_data(text)
        try:
            spelled = spelled_json(data)
        except TypeError:
            continue  # a timestamp, a set: read as YAML
        if read_spelled(spelled) == data:
            compiled[text_digest(text)] = spelled
    return compiled


def spelled_json(data: Any) -> str:
    """`data` as JSON, dates and maps keyed by other than text in their tagged spelling, which
    read_spelled reads back; TypeError for what JSON has no spelling for (a set)."""
    return json.dumps(_spelled(data), ensure_ascii=False, separators=(",", ":"))


def _yaml_data(text: str) -> Any:
    # here, not at the top: a wheel's scan of Dockerfiles never needs it
    try:
        from guardlint.parse.pyyaml import yaml
    except ImportError:  # pragma: no cover - the build hook, which loads this module alone
        import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _spelled(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _spelled(item) for key, item in value.items()}
        return {_PAIRS: [[_spelled(key), _spelled(item)] for key, item in value.items()]}
    if isinstance(value, list):
        return [_spelled(item) for item in value]
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return {_DATE: value.isoformat()}
    if isinstance(value, int) and value not in _INTEGERS:
        raise TypeError(f"{value}: wider than 64 bits")
    return value


def compiled_file(compiled: dict[str, str]) -> bytes:
    """What COMPILED_NAME holds for compile_yaml's `compiled`: the index line, then the texts."""
    index, parts, start = {}, [], 0
    for digest in sorted(compiled):
        part = compiled[digest].encode("utf-8", "surrogatepass")
        index[digest] = [start, start + len(part)]
        parts.append(part)
        start += len(part)
    return json.dumps(index, separators=(",", ":")).encode() + b"\n" + b"".join(parts)


def read_compiled(data: bytes) -> dict[str, bytes]:
    """{digest: the text's JSON, undecoded} from what compiled_file wrote."""
    line, _, body = data.partition(b"\n")
    index = json.loads(line)
    if not isinstance(index, dict):
        raise ValueError("not an index of compiled texts")
    return {digest: body[start:end] for digest, (start, end) in index.items()}


def read_spelled(spelled: str | bytes) -> Any:
    """The data spelled_json spelled."""
    date, pairs = (_DATE, _PAIRS) if isinstance(spelled, str) else (_DATE_BYTES, _PAIRS_BYTES)
    if date not in spelled and pairs not in spelled:
        # No object to look at one by one: a decoder alone, orjson's (the rule packs a
        # Dockerfile scan reads, 330 KB: 2.2 ms, the json module's C decoder 5.4). A text it
        # refuses (a lone surrogate, an integer wider than 64 bits) is json's, as compiled.
        if orjson is not None:
            try:
                return orjson.loads(spelled)
            except orjson.JSONDecodeError:
                pass
        return json.loads(spelled)
    return json.loads(spelled, object_hook=_unspelled)


def _unspelled(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1:
        if _DATE in mapping:
            return datetime.date.fromisoformat(mapping[_DATE])
        if _PAIRS in mapping:
            return dict(mapping[_PAIRS])
    return mapping


@functools.cache
def _compiled() -> dict[str, str] | dict[str, bytes]:
    try:
        with open(os.path.join(os.path.dirname(__file__), COMPILED_NAME), "rb") as stored:
            return read_compiled(stored.read())
    except (OSError, ValueError, TypeError):
        return {}  # none built (a source checkout) or not readable: the YAML it is
