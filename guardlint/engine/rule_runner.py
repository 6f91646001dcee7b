"""The enabled rules of a scan, indexed by document kind with their checks resolved lazily
(`RuleRunner`), and what the scan of one file gave (`FileOutcome`): all a scan needs when the
result cache gives every file's outcome, without the parsing and finding-making of
guardlint.engine.runner, which such a scan does not import."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from guardlint.engine.options import ScanOptions
from guardlint.engine.superseded import CarriedOver
from guardlint.model.documents import Document
from guardlint.model.findings import Finding, Hit
from guardlint.model.rules import Rule
from guardlint.rulebook import Rulebook

if TYPE_CHECKING:
    from guardlint.checks.registry import Check

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
        # The rules of each document kind, in the stages they run in on a file: the rules that
        # find secrets, then the others (guardlint.engine.evaluation says why).
        self.stages = (
            _by_kind([rule for rule in self.rules if rule.finds_secrets]),
            _by_kind([rule for rule in self.rules if not rule.finds_secrets]),
        )
        self._checks: dict[str, Check] = {}
        self._enabled_by_id = {rule.id: rule for rule in self.rules}
        # The rules whose hits an option changes after the check (almost none): the others'
        # hits are the check's own, with no question asked per document.
        self._adjusted = {
            rule.id
            for rule in self.rules
            if rule.id in options.severity_overrides or self.carried_over.adjusts(rule.id)
        }

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
        found = self._checks.get(rule.id)
        if found is None:
            found = self._checks[rule.id] = check_for(rule)
        return found

    def hits(self, rule: Rule, document: Document) -> list[Hit]:
        """The rule's hits in the document (run for every rule on every document of its kind:
        the common case asks one set and makes one list)."""
        check = self._checks.get(rule.id) or self.check_for(rule)  # one call fewer, mostly
        found = list(check(document, rule))
        if found:
            _name_resources_in_text(found)
        if rule.id not in self._adjusted:
            return found
        if rule.id in self.options.severity_overrides:
            # The config's severity for a rule is that of all its findings, also those its
            # check grades itself (IAM010's low ones, bandit's for CFN030).
            found = [replace(hit, severity=None) for hit in found]
        if not self.carried_over.adjusts(rule.id):
            return list(found)
        adjusted = (self.carried_over.adjust(rule.id, hit) for hit in found)
        return [hit for hit in adjusted if hit is not None]


def _name_resources_in_text(hits: list[Hit]) -> None:
    """Each hit names its resource in text: a check may name it by a YAML key that is a number,
    a boolean or null (`1:`), which the findings' makers redact, print and sort as text."""
    for hit in hits:
        if type(hit.resource) is not str:
            hit.resource = str(hit.resource)


def _by_kind(rules: list[Rule]) -> dict[str, list[Rule]]:
    by_kind: dict[str, list[Rule]] = {}
    for rule in rules:
        for kind in rule.kinds:
            by_kind.setdefault(kind, []).append(rule)
    return by_kind


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class FileOutcome:
    """What the scan of one file gave: its status, findings and document kinds."""

    rel_path: str
    status: str
    findings: list[Finding]
    kinds: Counter
    skip_reason: str | None = None  # a SKIPPED file's, when not "not IaC content"
    # Superseded rules its inline suppressions name (they apply to the rules' successors).
    superseded_named: set[str] = field(default_factory=set)
    # False: the time budget ran out, the outcome is not the file's own (its findings, if any,
    # are those of the rules that finished: guardlint.engine.evaluation)
    complete: bool = True
    reused: bool = False  # from the result cache (guardlint.engine.cached), not scanned now
    # (path relative to the scan root, kind) of each file its documents name to be judged as
    # IaC (guardlint.engine.named_files), in order, each once.
    named: tuple[tuple[str, str], ...] = ()


def check_for(rule: Rule) -> Check:
    """guardlint.checks.registry.check_for, imported on first use: a scan that reuses every
    file's outcome runs no check."""
    from guardlint.checks.registry import check_for as registered

    return registered(rule)
