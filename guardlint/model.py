"""The small data types every stage of the scan shares: severities, rules, documents, findings."""

from __future__ import annotations

import enum
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


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
        return _LABELS[self]  # an enum's name is a descriptor lookup: reports ask per finding

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


_LABELS = {severity: severity.name.lower() for severity in Severity}

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


class Region(namedtuple("Region", ("start_line", "start_column", "end_line", "end_column"))):
    """1-based start and end positions of the smallest node that shows a problem. A named tuple
    (compared and ordered field by field): parsing makes one for every key, value and item of
    a document (guardlint.parse.located.new_region, which skips these checks)."""

    __slots__ = ()

    def __new__(
        cls,
        start_line: int,
        start_column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> Region:
        # SARIF (and GitHub) reject a startLine below 1.
        start_line, start_column = max(1, int(start_line)), max(1, int(start_column))
        if end_line is None or end_line < start_line:
            end_line = start_line
        if end_column is not None and end_line == start_line and end_column <= start_column:
            end_column = None
        return super().__new__(cls, start_line, start_column, end_line, end_column)


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


# What became of a file: its documents scanned, skipped (not IaC), or not parsed (GL001).
SCANNED, SKIPPED, UNPARSABLE = "scanned", "skipped", "unparsable"


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
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
    # Under a Helm chart's templates/: judged as Helm renders it whatever the values, or skipped
    # (guardlint.parse.helm_templates).
    chart_template: bool = False
    # Bytes read already (standard input, at most the size limit + 1): `path` is never opened.
    content: bytes | None = None
    # Its status as discovery's listing gave it, reached through no link (parse.inputs
    # status_signature; the result cache's pack knows the file by it); None: not looked at.
    status: list[int] | None = None
    # The scan's file-size limit it is read within, set where it is parsed: the files it
    # depends on are read within it too (guardlint.documents.dependencies). None: the default.
    max_bytes: int | None = None


class RelatedLocation(NamedTuple):
    """Another place a finding concerns: where the program that generated the scanned file
    defines its resource (a CDK app's source line)."""

    path: str  # relative to the scan root, like a finding's
    region: Region
    message: str


class ResourceName(NamedTuple):
    """What the generator of a file (the CDK) tells about one resource it named: the stable
    name that findings on it are fingerprinted by in place of the generated ID (a construct
    path for a hashed logical ID), what every finding on it adds to its message, and where the
    generating program defines it."""

    stable: str
    note: str = ""
    defined_at: RelatedLocation | None = None


# Document.meta key: the document is a template resource whose Condition is always false
# (guardlint.documents.cloudformation.conditions); only rules with judges_never_created run on it.
NEVER_CREATED = "never_created"
# Document.meta key: what a view of the document could not read while rules asked (a limit
# reached), as ParseErrors; each becomes a GL001 note once the document's rules have run.
DOCUMENT_NOTES = "document_notes"
# Document.meta key: the one Region every part of a derived document sits at, when the text it
# was read from keeps no lines of its own (JSON text on one line of a template). A hit there is
# fingerprinted by what it says: that line holds every other part of the text too, so its text
# would change the hit's fingerprint whenever any of them were edited.
ONE_PLACE = "one_place"
# Document.meta key of a file's text document: the documents parsed from that file, so that a
# rule reading the text asks what a parser already found rather than parsing the text again.
PARSED_FROM_FILE = "parsed_from_file"


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Document:
    """One parsed unit that rules inspect: a Dockerfile, one YAML document, one policy."""

    kind: str
    rel_path: str
    data: Any
    lines: list[str]
    index: int = 0
    source: SourceFile | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Generated ID (a CDK logical ID) -> what its generator tells about it; derived documents
    # share their parent's.
    resource_names: dict[str, ResourceName] = field(default_factory=dict)
    # Whether the file's text may hold a YAML anchor (`&`), found once per file by the loader:
    # without one nothing is an alias, and an inline merge (`<<: {...}`) is written where it is
    # used (guardlint.parse.use_sites). True where nobody looked.
    may_alias: bool = True

    def derived(self, kind: str, data: Any, meta: dict[str, Any]) -> Document:
        """A document found inside this one (a template's policy or task definition): same
        file, lines and position."""
        return Document(
            kind, self.rel_path, data, self.lines, self.index, self.source, meta,
            may_alias=self.may_alias,
        )  # fmt: skip

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """meta[key], computed the first time it is asked: a view of the document that
        several rules read (its pods, its policy, what the policy denies)."""
        if key not in self.meta:
            self.meta[key] = compute()
        return self.meta[key]

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""


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
        return (
            self.path,
            self.region.start_line,
            self.region.start_column,
            self.rule_id,
            self.resource,
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        region = self.region  # written out, not by _region_data: a report asks per finding
        data = {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "severity": _LABELS[self.severity],
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
