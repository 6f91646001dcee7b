"""What a rule declares: its severity (with GuardDuty-scale scores and SARIF levels), its finding
type, and the Rule itself."""

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
        return SEVERITY_LABELS[self]  # an enum's name is a descriptor lookup: asked per finding

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


SEVERITY_LABELS = {severity: severity.name.lower() for severity in Severity}

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


@dataclass(repr=False)  # never printed: one method fewer to build
class Rule:
    """A rule as its pack declares it, with its check and what its findings carry."""

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
    # The rule finds nothing in a document without a resource of one of these types (a
    # CloudFormation template's): the engine does not run it there. Empty: it runs on each.
    resource_types: frozenset[str] = frozenset()
    # Not reported on a line where another rule reported a secret (guardlint.engine.precedence).
    defers_to_specific_secret_rules: bool = False
    # Also run on a document of a template resource that is never created (NEVER_CREATED):
    # a secret written in it is in the repository all the same.
    judges_never_created: bool = False
    # Its hits may name secret values (Hit.secret_values): it runs before the rules that do
    # not, so that a file whose time budget runs out keeps findings it can redact
    # (guardlint.engine.evaluation).
    finds_secrets: bool = False
    # A deprecated rule: it emits nothing, these rules report its parts, and an ignore, config
    # entry or baseline entry that names it applies to them on resources of this type.
    superseded_by: tuple[str, ...] = ()
    superseded_on: str = ""
    source: str = ""
    custom: bool = False  # from a user's pack (--rules, rule_dirs): its text is data

    @property
    def threat_purpose(self) -> str:
        return self.category.split(":", 1)[0]

    @property
    def deprecated(self) -> bool:
        return bool(self.superseded_by)

    def carries_over_to(self, rule_id: str, resource: str) -> bool:
        """Whether a finding of `rule_id` on `resource` is one this superseded rule used to
        report, so that what names this rule applies to it."""
        return rule_id in self.superseded_by and resource.startswith(self.superseded_on + " ")

    @property
    def deprecation_notice(self) -> str:
        return (
            f"{self.id} is deprecated, superseded by {', '.join(self.superseded_by)}; what "
            f"names it applies to those rules on {self.superseded_on} resources"
        )

    def score_for(self, severity: Severity) -> float:
        if self.score is not None and severity == self.severity:
            return self.score
        return severity.default_score
