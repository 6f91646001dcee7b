"""Tests of the CodeDeploy AppSpec pack's rules (rules/codedeploy.yaml)."""

from __future__ import annotations

from pathlib import Path

from guardlint.engine.scan import ScanResult
from tests.conftest import findings_of, run_scan, write_file


def scan_appspec(
    directory: Path, text: str, *rule_ids: str, name: str = "appspec.yml"
) -> ScanResult:
    """Scan `text` as `name` (appspec.yml) with only the given rules."""
    write_file(directory, name, text)
    return run_scan(directory, only_rules=set(rule_ids))


def ec2(body: str, os_name: str = "linux") -> str:
    """An EC2/On-Premises AppSpec: version and os on lines 1-2, then `body` from line 3."""
    return f"version: 0.0\nos: {os_name}\n{body.strip(chr(10))}\n"


def cdp005_problems(directory: Path, text: str, name: str = "appspec.yml") -> list[tuple[int, str]]:
    """The (line, message) of each CDP005 finding in `text` scanned as `name`, by line."""
    found = findings_of(scan_appspec(directory, text, "CDP005", name=name), "CDP005")
    return sorted((f.region.start_line, f.message) for f in found)
