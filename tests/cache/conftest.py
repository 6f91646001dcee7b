"""Scans with the result cache, and which files they analysed rather than reused."""

from __future__ import annotations

from pathlib import Path

import pytest

import guardlint.engine.runner
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
