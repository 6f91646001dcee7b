"""`--format json`: every finding with every field, plus the summary, in one stable schema."""

from __future__ import annotations

from typing import Any

from guardlint import __version__
from guardlint.engine.scan import ScanResult
from guardlint.report.encode import to_json
from guardlint.report.summary import summarize

SCHEMA_VERSION = 1


def render(result: ScanResult, **_: Any) -> bytes:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "guardlint", "version": __version__},
        "summary": summarize(result),
        "findings": [finding.to_dict() for finding in result.findings],
    }
    return to_json(document)
