"""Tests of the CodeDeploy AppSpec pack's rules (rules/codedeploy.yaml)."""

from __future__ import annotations

from pathlib import Path

from guardlint.engine.scan import ScanResult
from tests.conftest import run_scan, write_file


def scan_appspec(
    directory: Path, text: str, *rule_ids: str, name: str = "appspec.yml"
) -> ScanResult:
    """Scan `text` as `name` (appspec.yml) with only the given rules."""
    write_file(directory, name, text)
    return run_scan(directory, only_rules=set(rule_ids))


def ec2(body: str, os_name: str = "linux") -> str:
    """An EC2/On-Premises AppSpec: version and os on lines 1-2, then `body` from line 3."""
    return f"version: 0.0\nos: {os_name}\n{body.strip(chr(10))}\n"
