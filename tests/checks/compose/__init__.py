"""Tests of the Docker Compose pack's rules (rules/compose.yaml)."""

from __future__ import annotations

from pathlib import Path

from guardlint.engine.scan import ScanResult
from tests.conftest import run_scan, write_file


def scan_compose(directory: Path, text: str, *rule_ids: str) -> ScanResult:
    """Scan `text` as compose.yaml with only the given rules."""
    write_file(directory, "compose.yaml", text)
    return run_scan(directory, only_rules=set(rule_ids))


def service(body: str, name: str = "app") -> str:
    """A Compose file of one service with an image and `body` (YAML lines under it, indented
    by four spaces), so that line 4 is the body's first line."""
    lines = "".join(f"    {line}\n" for line in body.strip("\n").split("\n"))
    return f"services:\n  {name}:\n    image: example/{name}:1.0\n{lines}"
