"""Tests of the Kubernetes pack: one file per family of guardlint/checks/kubernetes/."""

from __future__ import annotations

from pathlib import Path

from guardlint.model import Finding
from tests.conftest import FIXTURES, findings_of, run_scan

K8S = FIXTURES / "kubernetes"


def scan_rule(path: Path, rule_id: str) -> list[Finding]:
    """The findings of one rule on a path, scanned with that rule only."""
    return findings_of(run_scan(path, only_rules={rule_id}), rule_id)
