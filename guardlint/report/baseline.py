"""A baseline is a report the user asked for: the active findings by fingerprint, with what a
reviewer reads about each (guardlint.suppress.baseline loads it back)."""

from __future__ import annotations

import datetime
from typing import Any

from guardlint.model.findings import Finding
from guardlint.report.encode import to_json
from guardlint.suppress.baseline import BASELINE_VERSION


def baseline_document(findings: list[Finding]) -> dict[str, Any]:
    """The baseline of the given (active) findings: fingerprints plus what a reviewer reads."""
    entries = [
        {
            "fingerprint": f.fingerprint,
            "rule_id": f.rule_id,
            "severity": f.severity.label,
            "path": f.path,
            "resource": f.resource,
            "message": f.message,
        }
        for f in sorted(findings, key=lambda f: (f.path, f.rule_id, f.fingerprint))
    ]
    created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"version": BASELINE_VERSION, "tool": "guardlint", "created": created,
            "findings": entries}  # fmt: skip


def render_baseline(findings: list[Finding]) -> bytes:
    return to_json(baseline_document(findings))
