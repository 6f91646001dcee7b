"""What the rules find: a check's Hit, the engine's Finding made of it, and its Suppression."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from guardlint.model.documents import Region, RelatedLocation
from guardlint.model.rules import SEVERITY_LABELS, Severity


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Hit:
    """What a rule check yields; the engine turns it into a Finding."""

    message: str
    region: Region
    resource: str
    severity: Severity | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    # Overrides the snippet used for the fingerprint (e.g. when the line holds a secret).
    fingerprint_key: str | None = None
    rel_path: str | None = None  # for hits located in another file (bandit on CodeUri)
    snippet: str | None = None  # the source line, for hits located in another file
    # The secrets the hit found, as the program reads them (escapes decoded, folded lines
    # joined), and where their text is written (default: `region`). The engine keeps both
    # out of every finding of the file (guardlint.findings.redaction); they never reach a report.
    secret_values: tuple[str, ...] = ()
    secret_regions: tuple[Region, ...] = ()


@dataclass(repr=False)  # never printed: one method fewer to build
class Suppression:
    """A finding suppressed: by a comment in the source (inSource) or by a baseline (external)."""

    kind: str  # "inSource" or "external"
    justification: str = ""


# A finding's place in a report's order (Finding.sort_key), taken in C: a lambda and a property
# per finding cost a warm corpus scan 2 to 3 ms for its 7,429 findings.
SORT_KEY = attrgetter(
    "path", "region.start_line", "region.start_column", "rule_id", "resource", "message"
)

# A finding's message and resource are cut to this many characters: the longest message of the
# corpus is about 430, and a file or a rule pack must not make a report megabytes long.
MAX_MESSAGE_CHARS = 1_000


@dataclass(repr=False)  # never printed: one method fewer to build
class Finding:
    """One finding, as every report writes it."""

    rule_id: str
    rule_name: str
    severity: Severity
    score: float
    category: str
    finding_type: str
    message: str
    path: str
    region: Region
    resource: str
    remediation: str
    pack: str
    fingerprint: str = ""
    snippet: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    suppression: Suppression | None = None
    # The resource and text the fingerprint hashes with the rule and the path, so a report can
    # fingerprint the finding under another path (ASFF: from the repository root).
    fingerprint_basis: tuple[str, str] | None = None
    related_locations: tuple[RelatedLocation, ...] = ()

    @property
    def sort_key(self) -> tuple:
        return SORT_KEY(self)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        region = self.region  # written out, not by _region_data: a report asks per finding
        data = {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "severity": SEVERITY_LABELS[self.severity],
            "score": self.score,
            "category": self.category,
            "finding_type": self.finding_type,
            "message": self.message,
            "path": self.path,
            "region": {
                "start_line": region.start_line,
                "start_column": region.start_column,
                "end_line": region.end_line,
                "end_column": region.end_column,
            },
            "resource": self.resource,
            "fingerprint": self.fingerprint,
            "remediation": self.remediation,
            "pack": self.pack,
            "snippet": self.snippet,
            "properties": self.properties,
        }
        if self.related_locations:
            data["related_locations"] = [
                {
                    "path": related.path,
                    "region": _region_data(related.region),
                    "message": related.message,
                }
                for related in self.related_locations
            ]
        if self.suppression:
            data["suppression"] = {
                "kind": self.suppression.kind,
                "justification": self.suppression.justification,
            }
        return data


def _region_data(region: Region) -> dict[str, int | None]:
    return {
        "start_line": region.start_line,
        "start_column": region.start_column,
        "end_line": region.end_line,
        "end_column": region.end_column,
    }
