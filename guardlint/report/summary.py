"""Counts every reporter shows: per severity, per pack, files and document kinds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from guardlint.model import Severity


def summarize(result: Any) -> dict[str, Any]:
    active = result.active_findings
    by_severity = Counter(f.severity.label for f in active)
    return {
        "findings": len(active),
        "suppressed": len(result.findings) - len(active),
        "baselined": sum(
            1 for f in result.findings if f.suppression and f.suppression.kind == "external"
        ),
        "by_severity": {s.label: by_severity.get(s.label, 0) for s in reversed(Severity)},
        "by_pack": dict(sorted(Counter(f.pack for f in active).items())),
        "by_rule": dict(sorted(Counter(f.rule_id for f in active).items())),
        "files": {
            "scanned": result.files.get("scanned", 0),
            "skipped": result.files.get("skipped", 0),
            "unparsable": result.files.get("unparsable", 0),
        },
        # Why files were not scanned and directories not walked (discover.SKIP_REASONS).
        "skip_reasons": {
            "files": dict(sorted(result.skipped_files.items())),
            "directories": dict(sorted(result.skipped_dirs.items())),
        },
        "documents": dict(sorted(result.kinds.items())),
        "duration_seconds": round(result.duration, 3),
    }
