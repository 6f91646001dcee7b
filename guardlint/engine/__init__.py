"""Run every enabled rule on every document of its kind and collect findings.

The engine knows nothing of any one rule: guardlint.checks.registry gives the code of each (a
declarative `match`, a template, or a Python check imported only when a document of its kind
turns up).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guardlint.checks.registry import Check, check_for
from guardlint.discover import NOT_IAC_CONTENT, discover, scan_root
from guardlint.documents import SCANNED, SKIPPED, UNPARSABLE, ParsedFile, parse_file
from guardlint.documents.cloudformation.sam import declares_transform
from guardlint.engine.budget import DEFAULT_FILE_TIMEOUT, FileTimeout, time_budget
from guardlint.findings.redaction import Redactor, hit_line_text, redactor_for
from guardlint.model import (
    MAX_MESSAGE_CHARS,
    Document,
    Finding,
    Hit,
    Region,
    Rule,
    Severity,
    SourceFile,
)
from guardlint.parallel import scan_files
from guardlint.parse.text import DEFAULT_MAX_BYTES, ParseError, clip, peek, printable
from guardlint.rulebook import Rulebook, load_rulebook
from guardlint.suppress.comments import RealComments
from guardlint.suppress.inline import MISSING_REASON_RULE, apply_inline

PARSE_ERROR_RULE = "GL001"
INTERNAL_ERROR_RULE = "GL002"
GENERIC_SECRET_RULE = "SEC001"
TEMPLATE_INVALID_RULE = (
    "CFN028"  # runs AWS's SAM translator (guardlint.documents.cloudformation.sam)
)
ENGINE_EMITTED = frozenset({PARSE_ERROR_RULE, INTERNAL_ERROR_RULE})
FILE_KIND = "file"  # rules of this kind run once on each scanned file's text
_SECRET_CATEGORY_SUFFIX = "/HardcodedSecret"
_CREDENTIALS = "CredentialAccess"
_WHITESPACE = re.compile(r"\s+")


@dataclass
class ScanOptions:
    paths: list[str] = field(default_factory=lambda: ["."])
    excludes: list[str] = field(default_factory=list)
    only_rules: set[str] = field(default_factory=set)
    skip_rules: set[str] = field(default_factory=set)
    min_severity: Severity = Severity.INFO
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    rule_dirs: list[str] = field(default_factory=list)
    max_bytes: int = DEFAULT_MAX_BYTES
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT  # seconds per file; None or 0: no limit
    root: str | None = None
    jobs: int | None = None  # worker processes; None or 0: one per CPU for large trees


@dataclass
class ScanResult:
    root: str
    findings: list[Finding]
    rules: list[Rule]
    files: Counter = field(default_factory=Counter)  # scanned / skipped / unparsable
    skipped_files: Counter = field(default_factory=Counter)  # why files were skipped
    skipped_dirs: Counter = field(default_factory=Counter)  # why directories were not walked
    kinds: Counter = field(default_factory=Counter)  # documents per kind
    duration: float = 0.0
    file_kinds: dict[str, list[str]] = field(default_factory=dict)  # document kinds per file

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]


class RuleRunner:
    """The enabled rules, indexed by document kind, with their checks resolved lazily."""

    def __init__(self, rulebook: Rulebook, options: ScanOptions) -> None:
        self.rulebook = rulebook
        self.options = options
        self.rules = [r for r in rulebook.rules if self._enabled(r)]
        for rule in self.rules:
            if rule.id in options.severity_overrides:
                rule.severity = options.severity_overrides[rule.id]
            rule.options = {**rule.options, **options.rule_options.get(rule.id, {})}
        self.by_kind: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for kind in rule.kinds:
                self.by_kind.setdefault(kind, []).append(rule)
        self._checks: dict[str, Check] = {}
        self._enabled_by_id = {rule.id: rule for rule in self.rules}

    def enabled_rule(self, rule_id: str) -> Rule | None:
        return self._enabled_by_id.get(rule_id)

    def _enabled(self, rule: Rule) -> bool:
        always = rule.id in ENGINE_EMITTED
        if self.options.only_rules and rule.id not in self.options.only_rules and not always:
            return False
        return rule.id not in self.options.skip_rules

    def check_for(self, rule: Rule) -> Check:
        if rule.id not in self._checks:
            self._checks[rule.id] = check_for(rule)
        return self._checks[rule.id]

    def imports_sam_translator(self, source: SourceFile) -> bool:
        """Whether scanning `source` will import AWS's SAM translator (a quarter of a second
        per process): guardlint.parallel gives such files to one worker together."""
        rule = self._enabled_by_id.get(TEMPLATE_INVALID_RULE)
        if rule is None or not rule.options.get("sam_transform", True):
            return False
        if source.kind != "structured":
            return False
        return declares_transform(peek(source.path, self.options.max_bytes, source.root))

    def hits(self, rule: Rule, document: Document) -> list[Hit]:
        return list(self.check_for(rule)(document, rule))


def fingerprint(rule_id: str, path: str, resource: str, snippet: str) -> str:
    """Stable across line shifts: what the finding is about, never where it sits."""
    normalized = _WHITESPACE.sub(" ", snippet).strip()
    digest = hashlib.sha256(f"{rule_id}\0{path}\0{resource}\0{normalized}".encode())
    return digest.hexdigest()[:32]


def make_finding(
    rule: Rule, hit: Hit, path: str, lines: list[str], redactor: Redactor | None = None
) -> Finding:
    """The finding of a hit, with `redactor`'s secrets (the file's) out of every string."""
    redactor = redactor if redactor is not None else Redactor()
    severity = hit.severity if hit.severity is not None else rule.severity
    where = hit.rel_path or path
    number = hit.region.start_line
    line = hit_line_text(hit, lines)(number)
    snippet = printable(redactor.snippet(where, number, line).strip())[:500]
    resource = redactor.text(hit.resource)
    located = printable(redactor.located(where, number, line, hit.secret_values).strip())[:500]
    key = hit.fingerprint_key
    if key is None:
        key = located
    elif redactor:
        # A key that quotes the source line (bandit's, on a CodeUri file) quotes it redacted.
        key = redactor.text(key.replace(line.strip(), located) if line.strip() else key)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity,
        score=rule.score_for(severity),
        category=rule.category,
        finding_type=rule.finding_type,
        message=clip(printable(redactor.text(hit.message)), MAX_MESSAGE_CHARS),
        path=printable(where),
        region=hit.region,
        resource=clip(printable(resource), MAX_MESSAGE_CHARS),
        remediation=rule.remediation,
        pack=rule.pack,
        snippet=snippet,
        properties=redactor.data(hit.properties),
        fingerprint=fingerprint(rule.id, where, resource, key),
    )


@dataclass
class FileOutcome:
    rel_path: str
    status: str
    findings: list[Finding]
    kinds: Counter


def _internal_error(rule: Rule, exc: Exception) -> Hit:
    return Hit(
        message=f"Rule {rule.id} crashed on this file ({type(exc).__name__}: {exc}); "
        "its results for this file are missing. Please report it.",
        region=Region(1),
        resource=f"rule {rule.id}",
        properties={"failedRule": rule.id},
    )


def _parse_problem(rel_path: str, error: ParseError, message: str) -> Hit:
    return Hit(
        message=message,
        region=Region(error.line, error.column),
        resource=rel_path,
        properties={"reason": error.reason},
        fingerprint_key=error.reason,
    )


def scan_file(source: SourceFile, runner: RuleRunner) -> FileOutcome:
    """Parse one file and run every applicable rule on it, within the per-file time budget."""
    try:
        with time_budget(runner.options.file_timeout):
            return _scan_file(source, runner)
    except FileTimeout as exc:
        reason = str(exc)
        message = f"Could not scan {source.rel_path}: {reason}; its findings are missing."
        hit = _parse_problem(source.rel_path, ParseError(reason), message)
        finding = make_finding(runner.rulebook.by_id[PARSE_ERROR_RULE], hit, source.rel_path, [])
        return FileOutcome(source.rel_path, UNPARSABLE, [finding], Counter())
    except Exception as exc:  # a bug in a parser or classifier must not lose the other files
        hit = Hit(
            message=f"guardlint crashed while scanning {source.rel_path} ("
            f"{type(exc).__name__}: {exc}); its findings are missing. Please report it.",
            region=Region(1),
            resource="parser",
            properties={"failedStage": "parse"},
        )
        meta = runner.rulebook.by_id[INTERNAL_ERROR_RULE]
        finding = make_finding(meta, hit, source.rel_path, [])
        return FileOutcome(source.rel_path, UNPARSABLE, [finding], Counter())


def _scan_file(source: SourceFile, runner: RuleRunner) -> FileOutcome:
    parsed: ParsedFile = parse_file(source, runner.options.max_bytes)
    kinds: Counter = Counter()
    rel_path = source.rel_path
    parse_rule = runner.rulebook.by_id[PARSE_ERROR_RULE]
    # Every hit of the file, with the lines it points into: findings are made once all are
    # known, so that each one is redacted of every secret any rule found in the file.
    hits: list[tuple[Rule, Hit, list[str]]] = []
    if parsed.status == UNPARSABLE and parsed.error is not None:
        message = f"Could not parse {rel_path}: {parsed.error.reason}; it was not scanned."
        hits.append((parse_rule, _parse_problem(rel_path, parsed.error, message), parsed.lines))
    for note in parsed.notes:  # parsed anyway, but the user should know
        message = f"{rel_path}: {note.reason}."
        hits.append((parse_rule, _parse_problem(rel_path, note, message), parsed.lines))
    documents = list(parsed.documents)
    if parsed.lines and parsed.status != SKIPPED:
        documents.append(Document(FILE_KIND, source.rel_path, None, parsed.lines, source=source))
    for document in documents:
        if document.kind != FILE_KIND:
            kinds[document.kind] += 1
        for rule in runner.by_kind.get(document.kind, ()):
            try:
                found = runner.hits(rule, document)
            except Exception as exc:  # one broken rule must not lose the scan
                crashed = runner.rulebook.by_id[INTERNAL_ERROR_RULE]
                hits.append((crashed, _internal_error(rule, exc), []))
                continue
            hits.extend((rule, hit, document.lines) for hit in found)
    redactor = redactor_for([(hit, lines) for _, hit, lines in hits], rel_path, parsed.escaped)
    findings = [make_finding(rule, hit, rel_path, lines, redactor) for rule, hit, lines in hits]
    findings = apply_inline(
        _drop_repeated_secrets(findings, _secret_places(hits, rel_path)),
        documents,
        parsed.lines,
        source.rel_path,
        runner.enabled_rule(MISSING_REASON_RULE),
        redactor,
        RealComments.of(parsed),
    )
    for document in documents:
        # The checks' caches (a parsed IAM policy points back at its document): dropped, so
        # reference counting frees the file's objects now, without the cyclic collector.
        document.meta.clear()
    return FileOutcome(source.rel_path, parsed.status, findings, kinds)


def _secret_places(hits: list[tuple[Rule, Hit, list[str]]], rel_path: str) -> set[tuple[str, int]]:
    """Where a credential rule of a pack named the secret it found (CFN018's Default): SEC001,
    the generic detector, is not repeated there. A code rule (bandit's B105) does not count."""
    return {
        (hit.rel_path or rel_path, hit.region.start_line)
        for rule, hit, _ in hits
        if hit.secret_values
        and rule.id != GENERIC_SECRET_RULE
        and rule.threat_purpose == _CREDENTIALS
    }


def _drop_repeated_secrets(
    findings: list[Finding], secret_places: set[tuple[str, int]]
) -> list[Finding]:
    """SEC001 stays silent where a pack's own rule already reported the same line: a secret
    rule, or a credential rule that named the secret value it found there."""
    reported = secret_places | {
        (f.path, f.region.start_line)
        for f in findings
        if f.category.endswith(_SECRET_CATEGORY_SUFFIX) and f.rule_id != GENERIC_SECRET_RULE
    }
    return [
        f
        for f in findings
        if f.rule_id != GENERIC_SECRET_RULE or (f.path, f.region.start_line) not in reported
    ]


def _unique_fingerprints(findings: list[Finding]) -> None:
    """Identical findings (same rule, resource and snippet) get an occurrence suffix."""
    seen: Counter = Counter()
    for finding in findings:
        seen[finding.fingerprint] += 1
        if seen[finding.fingerprint] > 1:
            finding.fingerprint = f"{finding.fingerprint}:{seen[finding.fingerprint]}"


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    unique: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.rule_id, finding.path, finding.region, finding.resource, finding.message)
        unique.setdefault(key, finding)
    return list(unique.values())


def scan(
    options: ScanOptions,
    rulebook: Rulebook | None = None,
    progress: Callable[[int, int, FileOutcome], None] | None = None,
) -> ScanResult:
    """The whole scan: discover, parse, run rules, collect findings in a stable order.

    `progress(done, total, outcome)` is called after each file (guardlint.cli.progress).
    """
    started = time.perf_counter()
    root = options.root or scan_root(options.paths)
    rulebook = rulebook or load_rulebook(options.rule_dirs, root)
    runner = RuleRunner(rulebook, options)
    discovery = discover(options.paths, root, options.excludes)
    result = ScanResult(root=root, findings=[], rules=runner.rules)
    result.skipped_files.update(discovery.skipped_files)
    result.skipped_dirs.update(discovery.skipped_dirs)
    result.files[SKIPPED] += discovery.skipped_files.total()
    parse_rule = rulebook.by_id[PARSE_ERROR_RULE]
    for rel_path, reason in discovery.errors:
        hit = Hit(
            message=f"Could not read {rel_path}: {reason}; it was not scanned.",
            region=Region(1),
            resource=rel_path,
            properties={"reason": reason},
            fingerprint_key=reason,
        )
        result.findings.append(make_finding(parse_rule, hit, rel_path, []))
        result.files[UNPARSABLE] += 1
    for done, outcome in enumerate(scan_files(discovery.files, runner, options.jobs), 1):
        if progress is not None:
            progress(done, len(discovery.files), outcome)
        result.file_kinds[outcome.rel_path] = sorted(outcome.kinds)
        result.files[outcome.status] += 1
        if outcome.status == SKIPPED:
            result.skipped_files[NOT_IAC_CONTENT] += 1
        result.kinds.update(outcome.kinds)
        result.findings.extend(outcome.findings)
    findings = [f for f in _deduplicate(result.findings) if f.severity >= options.min_severity]
    findings.sort(key=lambda f: f.sort_key)
    _unique_fingerprints(findings)
    result.findings = findings
    result.duration = time.perf_counter() - started
    return result


__all__ = ["SCANNED", "ScanOptions", "ScanResult", "fingerprint", "scan"]
