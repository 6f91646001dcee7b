"""Tests of the CloudFormation/SAM pack's checks, one file per family of rules."""

from __future__ import annotations

from guardlint.engine.scan import ScanResult
from tests.conftest import FIXTURES, run_scan, write_file

CFN = FIXTURES / "cloudformation"


def scan_text(tmp_path, text: str, name: str = "template.yaml", **options) -> ScanResult:
    """Scan `text` written as the only file of `tmp_path`."""
    write_file(tmp_path, name, text)
    return run_scan(tmp_path, **options)
