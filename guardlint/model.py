"""The small data types every stage of the scan shares: severities, rules, documents, findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, word: str) -> Severity:
        try:
            return cls[str(word).strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {word!r} (choose from {choices})") from None

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def default_score(self) -> float:
        """GuardDuty's scale: critical 9.0-10.0, high 7.0-8.9, medium 4.0-6.9, low 1.0-3.9."""
        return _DEFAULT_SCORES[self]

    @property
    def sarif_level(self) -> str:
        if self >= Severity.HIGH:
            return "error"
        if self == Severity.MEDIUM:
            return "warning"
        return "note"


_DEFAULT_SCORES = {
    Severity.CRITICAL: 9.5,
    Severity.HIGH: 8.0,
    Severity.MEDIUM: 5.5,
    Severity.LOW: 2.5,
    Severity.INFO: 0.0,
}

SCORE_RANGES = {
    Severity.CRITICAL: (9.0, 10.0),
    Severity.HIGH: (7.0, 8.9),
    Severity.MEDIUM: (4.0, 6.9),
    Severity.LOW: (1.0, 3.9),
    Severity.INFO: (0.0, 0.0),
}

FINDING_TYPES = {
    "CODE_VULNERABILITY": "A misconfiguration or a secret in code.",
    "NETWORK_REACHABILITY": "Something reachable from outside: an open security group, a published "
    "port, an exposed Service.",
    "PACKAGE_VULNERABILITY": "An end-of-life base image or runtime.",
}


@dataclass(frozen=True, order=True)
class Region:
    """1-based start and end positions of the smallest node that shows a problem."""

    start_line: int
    start_column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __post_init__(self) -> None:
        # SARIF (and GitHub) reject a startLine below 1.
        object.__setattr__(self, "start_line", max(1, int(self.start_line)))
        object.__setattr__(self, "start_column", max(1, int(self.start_column)))
        if self.end_line is None or self.end_line < self.start_line:
            object.__setattr__(self, "end_line", self.start_line)
        if self.end_column is not None and (
            self.end_line == self.start_line and self.end_column <= self.start_column
        ):
            object.__setattr__(self, "end_column", None)


@dataclass
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    category: str
    pack: str
    kinds: tuple[str, ...]
    finding_type: str = "CODE_VULNERABILITY"
    description: str = ""
    remediation: str = ""
    examples: dict[str, str] = field(default_factory=dict)
    example_filename: str = ""
    references: list[str] = field(default_factory=list)
    cwe: list[str] = field(default_factory=list)
    precision: str = "high"
    score: float | None = None
    check: str | None = None  # the family file of guardlint/checks/<pack>/ that has its check
    match: dict[str, Any] | None = None
    template: str | None = None  # a check template (guardlint/checks/templates/) ...
    params: dict[str, Any] = field(default_factory=dict)  # ... and its parameters, completed
    options: dict[str, Any] = field(default_factory=dict)
    # The types of options their defaults cannot show (guardlint/checks/option_types.py).
    option_types: dict[str, Any] = field(default_factory=dict)
    # Not reported on a line where another rule reported a secret (guardlint.engine.precedence).
    defers_to_specific_secret_rules: bool = False
    source: str = ""
    custom: bool = False  # from a user's pack (--rules, rule_dirs): its text is data

    @property
    def threat_purpose(self) -> str:
        return self.category.split(":", 1)[0]

    def score_for(self, severity: Severity) -> float:
        if self.score is not None and severity == self.severity:
            return self.score
        return severity.default_score


@dataclass
class SourceFile:
    """A file selected for scanning: where it is and what kind discovery thinks it is."""

    path: str  # absolute or as given, for reading
    rel_path: str  # relative to the scan root, forward slashes
    kind: str
    # The scan root, which the file must not lead out of (guardlint.parse.inputs); None: not
    # confined.
    root: str | None = None
    # Named as a template for substitution (`compose.yml.tmpl`, guardlint.parse.substitution).
    template: bool = False
    # Bytes read already (standard input, at most the size limit + 1): `path` is never opened.
    content: bytes | None = None


@dataclass
class Document:
    """One parsed unit that rules inspect: a Dockerfile, one YAML document, one policy."""

    kind: str
    rel_path: str
    data: Any
    lines: list[str]
    index: int = 0
    source: SourceFile | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""


@dataclass
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


@dataclass
class Suppression:
    kind: str  # "inSource" or "external"
    justification: str = ""


# A finding's message and resource are cut to this many characters: the longest message of the
# corpus is about 430, and a file or a rule pack must not make a report megabytes long.
MAX_MESSAGE_CHARS = 1_000


@dataclass
class Finding:
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

    @property
    def sort_key(self) -> tuple:
        return (
            self.path,
            self.region.start_line,
            self.region.start_column,
            self.rule_id,
            self.resource,
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        data = {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "severity": self.severity.label,
            "score": self.score,
            "category": self.category,
            "finding_type": self.finding_type,
            "message": self.message,
            "path": self.path,
            "region": {
                "start_line": self.region.start_line,
                "start_column": self.region.start_column,
                "end_line": self.region.end_line,
                "end_column": self.region.end_column,
            },
            "resource": self.resource,
            "fingerprint": self.fingerprint,
            "remediation": self.remediation,
            "pack": self.pack,
            "snippet": self.snippet,
            "properties": self.properties,
        }
        if self.suppression:
            data["suppression"] = {
                "kind": self.suppression.kind,
                "justification": self.suppression.justification,
            }
        return data

    def to_record(self) -> dict[str, Any]:
        """Every field, as JSON (for the result cache): `to_dict`, the JSON report's, and
        what reports derive things from (the fingerprint's basis)."""
        basis = self.fingerprint_basis
        return {**self.to_dict(), "fingerprint_basis": None if basis is None else list(basis)}

    @classmethod
    def from_dict(cls, data: Any) -> Finding:
        """The finding `to_dict` or `to_record` gave, from its JSON: every field checked for
        its type (ValueError otherwise), so that a cached result cannot break a report."""
        if type(data) is not dict:
            raise ValueError("a finding is a map")
        texts = dict(zip(_TEXT_FIELDS, map(data.get, _TEXT_FIELDS), strict=True))
        region, score = data.get("region"), data.get("score")
        if not all(type(text) is str for text in texts.values()) or type(region) is not dict:
            raise ValueError("a finding's texts or region are missing or of the wrong type")
        lines = [region.get(name) for name in ("start_line", "start_column", "end_line")]
        end_column = region.get("end_column")
        if not all(type(n) is int for n in lines) or type(end_column) not in (int, type(None)):
            raise ValueError("a region is lines and columns")
        if type(score) not in (int, float) or type(data.get("properties")) is not dict:
            raise ValueError("a score is a number, properties a map")
        severity = _SEVERITY_LABELS.get(texts.pop("severity"))
        if severity is None:
            raise ValueError("unknown severity")
        return cls(
            **texts,
            severity=severity,
            score=score,
            region=Region(*lines, end_column),
            properties=data["properties"],
            suppression=_suppression(data.get("suppression")),
            fingerprint_basis=_fingerprint_basis(data.get("fingerprint_basis")),
        )


_TEXT_FIELDS = (
    "rule_id", "rule_name", "severity", "category", "finding_type", "message", "path",
    "resource", "remediation", "pack", "fingerprint", "snippet",
)  # fmt: skip
_SEVERITY_LABELS = {severity.label: severity for severity in Severity}


def _suppression(data: Any) -> Suppression | None:
    if data is None:
        return None
    if type(data) is not dict:
        raise ValueError("a suppression is a map")
    kind, justification = data.get("kind"), data.get("justification")
    if type(kind) is not str or type(justification) is not str:
        raise ValueError("a suppression is a kind and a justification")
    return Suppression(kind, justification)


def _fingerprint_basis(data: Any) -> tuple[str, str] | None:
    if data is None:
        return None
    if type(data) is not list or len(data) != 2 or not all(type(text) is str for text in data):
        raise ValueError("a fingerprint's basis is two texts")
    return data[0], data[1]
