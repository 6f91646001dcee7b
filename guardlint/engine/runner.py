"""One file: parse it, run every enabled rule on each of its documents, make the findings.

The runner knows no rule: guardlint.checks.registry gives the code of each (a declarative
`match`, a template, or a Python check imported only when a document of its kind turns up).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field, replace

from guardlint.checks.registry import Check, check_for
from guardlint.documents import UNPARSABLE, ParsedFile, parse_file
from guardlint.documents.registry import resource_types
from guardlint.engine.budget import FileTimeout, time_budget
from guardlint.engine.options import ScanOptions
from guardlint.engine.precedence import RuleHit, without_deferred
from guardlint.engine.superseded import CarriedOver
from guardlint.findings.make import make_finding
from guardlint.findings.redaction import redactor_for
from guardlint.model import NEVER_CREATED, Document, Finding, Hit, Region, Rule, SourceFile
from guardlint.parse.text import ParseError
from guardlint.rulebook import Rulebook

PARSE_ERROR_RULE = "GL001"
INTERNAL_ERROR_RULE = "GL002"
ENGINE_EMITTED = frozenset({PARSE_ERROR_RULE, INTERNAL_ERROR_RULE})
FILE_KIND = "file"  # rules of this kind run once on each scanned file's text


class RuleRunner:
    """The enabled rules, indexed by document kind, with their checks resolved lazily."""

    def __init__(self, rulebook: Rulebook, options: ScanOptions) -> None:
        self.rulebook = rulebook
        self.options = options
        self.carried_over = CarriedOver(rulebook, options)
        self.superseded = [rule for rule in rulebook.rules if rule.deprecated]
        # A superseded rule emits nothing: its successors report its parts.
        self.rules = [r for r in rulebook.rules if self._enabled(r) and not r.deprecated]
        for rule in self.rules:
            # A crashed rule's results are missing: GL002 keeps its severity whatever a
            # (repository's) config says, and fails the scan (cli/scan.py).
            crashed = rule.id == INTERNAL_ERROR_RULE
            override = None if crashed else options.severity_overrides.get(rule.id)
            if override is not None and override != rule.severity:
                rule.severity = override
                rule.score = None  # a pack's score lies in the range of the rule's own severity
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
        only = self.options.only_rules
        through_superseded = rule.id in self.carried_over.enabled_through_superseded()
        if only and rule.id not in only and not always and not through_superseded:
            return False
        return rule.id not in self.options.skip_rules

    def check_for(self, rule: Rule) -> Check:
        if rule.id not in self._checks:
            self._checks[rule.id] = check_for(rule)
        return self._checks[rule.id]

    def hits(self, rule: Rule, document: Document) -> list[Hit]:
        found = self.check_for(rule)(document, rule)
        if rule.id in self.options.severity_overrides:
            # The config's severity for a rule is that of all its findings, also those its
            # check grades itself (IAM010's low ones, bandit's for CFN030).
            found = [replace(hit, severity=None) for hit in found]
        if not self.carried_over.adjusts(rule.id):
            return list(found)  # almost every rule: one list, no adjusting pass per call
        adjusted = (self.carried_over.adjust(rule.id, hit) for hit in found)
        return [hit for hit in adjusted if hit is not None]


@dataclass
class FileOutcome:
    """What the scan of one file gave: its status, findings and document kinds."""

    rel_path: str
    status: str
    findings: list[Finding]
    kinds: Counter
    skip_reason: str | None = None  # a SKIPPED file's, when not "not IaC content"
    # Superseded rules its inline suppressions name (they apply to the rules' successors).
    superseded_named: set[str] = field(default_factory=set)
    complete: bool = True  # False: the time budget ran out, the outcome is not the file's own
    reused: bool = False  # from the result cache (guardlint.engine.cached), not scanned now


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


class _HeldTypes:
    """The types of the resources a document holds, asked for when the first rule that
    declares its own runs on it (guardlint.model.Rule.resource_types)."""

    def __init__(self, document: Document) -> None:
        self.document = document

    @functools.cached_property
    def types(self) -> frozenset[str] | None:
        return resource_types(self.document)

    def none_of(self, types: frozenset[str]) -> bool:
        """Whether the document holds no resource of `types` (False when it cannot tell)."""
        return self.types is not None and self.types.isdisjoint(types)


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
        return FileOutcome(source.rel_path, UNPARSABLE, [finding], Counter(), complete=False)
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
    hits: list[RuleHit] = []
    if parsed.status == UNPARSABLE and parsed.error is not None:
        message = f"Could not parse {rel_path}: {parsed.error.reason}; it was not scanned."
        hits.append((parse_rule, _parse_problem(rel_path, parsed.error, message), parsed.lines, {}))
    for note in parsed.notes:  # parsed anyway, but the user should know
        message = f"{rel_path}: {note.reason}."
        hits.append((parse_rule, _parse_problem(rel_path, note, message), parsed.lines, {}))
    documents = list(parsed.documents)
    if parsed.text_scanned:
        documents.append(Document(FILE_KIND, source.rel_path, None, parsed.lines, source=source))
    for document in documents:
        if document.kind != FILE_KIND:
            kinds[document.kind] += 1
        held = _HeldTypes(document)
        never_created = document.meta.get(NEVER_CREATED, False)
        for rule in runner.by_kind.get(document.kind, ()):
            try:
                if rule.resource_types and held.none_of(rule.resource_types):
                    continue  # it would find nothing here
                if never_created and not rule.judges_never_created:
                    continue  # what is never deployed does nothing, but its secrets are written
                found = runner.hits(rule, document)
            except Exception as exc:  # one broken rule must not lose the scan
                crashed = runner.rulebook.by_id[INTERNAL_ERROR_RULE]
                hits.append((crashed, _internal_error(rule, exc), [], {}))
                continue
            names = document.resource_names
            hits.extend((rule, hit, document.lines, names) for hit in found)
    redactor = redactor_for([(hit, lines) for _, hit, lines, _ in hits], rel_path, parsed.escaped)
    findings = [
        make_finding(rule, hit, rel_path, lines, redactor, names)
        for rule, hit, lines, names in hits
    ]
    # Here, not at the top: a scan that reuses every file's outcome loads no suppression code.
    from guardlint.suppress.comments import RealComments
    from guardlint.suppress.inline import MISSING_REASON_RULE, apply_inline

    findings, superseded_named = apply_inline(
        without_deferred(hits, findings, rel_path),
        documents,
        parsed.lines,
        source.rel_path,
        runner.enabled_rule(MISSING_REASON_RULE),
        redactor,
        RealComments.of(parsed),
        runner.superseded,
    )
    for document in documents:
        # The checks' caches (a parsed IAM policy points back at its document): dropped, so
        # reference counting frees the file's objects now, without the cyclic collector.
        document.meta.clear()
    return FileOutcome(
        source.rel_path, parsed.status, findings, kinds, parsed.skip_reason, superseded_named
    )
