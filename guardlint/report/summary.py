"""Counts every reporter shows: per severity, per pack, files and document kinds."""

from __future__ import annotations

from collections import Counter
from operator import attrgetter
from typing import Any

from guardlint.model.rules import Severity

_SEVERITY, _PACK, _RULE_ID = attrgetter("severity"), attrgetter("pack"), attrgetter("rule_id")


def summarize(result: Any) -> dict[str, Any]:
    active = result.active_findings
    # Counted by C (map over attrgetter), not a generator's frame per finding.
    by_severity = Counter(map(_SEVERITY, active))
    return {
        "findings": len(active),
        "suppressed": len(result.findings) - len(active),
        "baselined": sum(
            1 for f in result.findings if f.suppression and f.suppression.kind == "external"
        ),
        "by_severity": {s.label: by_severity.get(s, 0) for s in reversed(Severity)},
        "by_pack": dict(sorted(Counter(map(_PACK, active)).items())),
        "by_rule": dict(sorted(Counter(map(_RULE_ID, active)).items())),
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
