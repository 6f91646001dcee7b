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
    """A stored pack as JSON, its entries decoded from its tail in the place of their places."""
    header, _, tail = path.read_bytes().partition(b"\n")
    data = json.loads(header)
    places = data["value"]["entries"]
    data["value"]["entries"] = {
        key: json.loads(tail[start : start + size]) for key, (start, size) in places.items()
    }
    return data


def write_pack(path: Path, data: dict) -> None:
    """Store what read_pack gave (a map of entries goes to the tail again)."""
    value, tail = data["value"], b""
    if isinstance(value.get("entries"), dict):
        places = {}
        for key, entry in value["entries"].items():
            spelled = json.dumps(entry).encode()
            places[key] = [len(tail), len(spelled)]
            tail += spelled
        value = {**value, "entries": places}
    path.write_bytes(json.dumps({**data, "value": value}).encode() + b"\n" + tail)
