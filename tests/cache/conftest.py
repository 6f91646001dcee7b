"""Scans with the result cache, and which files they analysed rather than reused."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import guardlint.engine.runner
from guardlint.engine import scan_pack
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import ScanResult, scan


def cached_scan(tree: Path, cache: Path | None, **options) -> ScanResult:
    """A scan of `tree` (its root) with the result cache in `cache` (None: no cache)."""
    options.setdefault("jobs", 1)
    return scan(
        ScanOptions(
            paths=[str(tree)], root=str(tree), cache_dir=None if cache is None else str(cache),
            **options,
        )
    )  # fmt: skip


def seen(result: ScanResult) -> list[tuple]:
    """What a report says of each finding."""
    return [
        (f.rule_id, f.path, f.region, f.severity, f.message, f.resource, f.fingerprint,
         f.snippet, f.properties, f.suppression)
        for f in result.findings
    ]  # fmt: skip


@pytest.fixture
def analysed(monkeypatch) -> list[str]:
    """The files scans parse from now on (in this process: --jobs 1), in order."""
    parsed: list[str] = []
    real_parse_file = guardlint.engine.runner.parse_file

    def parse_file(source, *args, **kwargs):
        parsed.append(source.rel_path)
        return real_parse_file(source, *args, **kwargs)

    monkeypatch.setattr(guardlint.engine.runner, "parse_file", parse_file)
    return parsed


@pytest.fixture
def packed(monkeypatch) -> None:
    """Scans of a few files have a pack too."""
    monkeypatch.setattr(scan_pack, "MIN_FILES", 1)


@pytest.fixture
def settled(monkeypatch) -> None:
    """Every file counts as settled: the pack's clock runs a minute ahead."""
    monkeypatch.setattr(scan_pack, "time_ns", lambda: time.time_ns() + 60 * 10**9)


def read_pack(path: Path) -> dict:
    """A stored pack as JSON, its files' items without their entries' places, and its entries
    decoded from its tail as `entries`, a map by key."""
    header, _, tail = path.read_bytes().partition(b"\n")
    data = json.loads(header)
    items, entries = data["value"]["files"], {}
    for item in items:
        if item is not None:
            _, key, start, size = item
            entries[key] = json.loads(tail[start : start + size])
            del item[2:]
    data["value"]["entries"] = entries
    return data


def write_pack(path: Path, data: dict) -> None:
    """Store what read_pack gave: its entries to the tail again, each file's item that names
    one of them with its place."""
    value, tail, places = dict(data["value"]), b"", {}
    for key, entry in value.pop("entries", {}).items():
        spelled = json.dumps(entry).encode()
        places[key] = [len(tail), len(spelled)]
        tail += spelled
    if isinstance(value.get("files"), list):
        value["files"] = [
            [*item, *places[item[1]]] if _names_a_place(item, places) else item
            for item in value["files"]
        ]
    path.write_bytes(json.dumps({**data, "value": value}).encode() + b"\n" + tail)


def _names_a_place(item: object, places: dict) -> bool:
    return (
        isinstance(item, list) and len(item) == 2 and isinstance(item[1], str) and item[1] in places
    )
