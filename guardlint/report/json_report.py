"""`--format json`: every finding with every field, plus the summary, in one stable schema."""

from __future__ import annotations

from typing import Any

from guardlint import __version__
from guardlint.engine.scan import ScanResult
from guardlint.report.encode import to_json
from guardlint.report.sarif_names import JSON_SHARED_FILES
from guardlint.report.summary import summarize

SCHEMA_VERSION = 1


def render(result: ScanResult, **_: Any) -> bytes:
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "guardlint", "version": __version__},
        "summary": summarize(result),
        "findings": [finding.to_dict() for finding in result.findings],
    }
    if result.shared_files:  # a slice's (--shard), for guardlint merge to count them once
        document[JSON_SHARED_FILES] = {
            path: {"status": shared.status, "skip_reason": shared.skip_reason,
                   "documents": list(shared.kinds), "skipped_by_name": shared.skipped_by_name}
            for path, shared in sorted(result.shared_files.items())
        }  # fmt: skip
    return to_json(document)
