"""One file: parse it, run every enabled rule on each of its documents, make the findings.

The runner knows no rule: guardlint.checks.registry gives the code of each (a declarative
`match`, a template, or a Python check imported only when a document of its kind turns up).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter

from guardlint.documents import UNPARSABLE, ParsedFile, parse_file
from guardlint.documents.registry import resource_types
from guardlint.engine.budget import FileTimeout, time_budget
from guardlint.engine.precedence import RuleHit, without_deferred
from guardlint.engine.rule_runner import (
    FILE_KIND,
    INTERNAL_ERROR_RULE,
    PARSE_ERROR_RULE,
    FileOutcome,
    RuleRunner,
)
from guardlint.findings.make import make_finding
from guardlint.findings.redaction import redactor_for
from guardlint.knowledge.per_file import forget_file
from guardlint.model import (
    DOCUMENT_NOTES,
    NEVER_CREATED,
    ONE_PLACE,
    PARSED_FROM_FILE,
    Document,
    Finding,
    Hit,
    Region,
    Rule,
    SourceFile,
)
from guardlint.parse.text import ParseError


def _internal_error(rule: Rule, exc: Exception) -> Hit:
    return Hit(
        message=f"Rule {rule.id} crashed on this file ({type(exc).__name__}: {exc}); "
        "its results for this file are missing. Please report it.",
        region=Region(1),
        resource=f"rule {rule.id}",
        properties={"failedRule": rule.id},
    )


def _told_apart(hit: Hit, one_place: Region) -> Hit:
    """A hit at the one place of a text that keeps no lines of its own (ONE_PLACE), keyed by
    its message: the line there holds the whole text, and a fingerprint must not change when
    another part of it is edited."""
    if hit.region != one_place or hit.fingerprint_key is not None:
        return hit
    return dataclasses.replace(hit, fingerprint_key=hit.message)


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
            try:
                return _scan_file(source, runner)
            finally:
                forget_file()  # what its rules remembered of its texts
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
    placed: dict[int, Document] = {}  # the document of each hit of a ONE_PLACE one, by id
    if parsed.status == UNPARSABLE and parsed.error is not None:
        message = f"Could not parse {rel_path}: {parsed.error.reason}; it was not scanned."
        hits.append((parse_rule, _parse_problem(rel_path, parsed.error, message), parsed.lines, {}))
    for note in parsed.notes:  # parsed anyway, but the user should know
        message = f"{rel_path}: {note.reason}."
        hits.append((parse_rule, _parse_problem(rel_path, note, message), parsed.lines, {}))
    documents = list(parsed.documents)
    if parsed.text_scanned:
        meta = {PARSED_FROM_FILE: tuple(parsed.documents)}
        documents.append(
            Document(FILE_KIND, rel_path, None, parsed.lines, source=source, meta=meta)
        )
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
            one_place = document.meta.get(ONE_PLACE)
            if one_place is not None:
                found = [_told_apart(hit, one_place) for hit in found]
                placed.update((id(hit), document) for hit in found)
            hits.extend((rule, hit, document.lines, names) for hit in found)
        for note in document.meta.get(DOCUMENT_NOTES, ()):
            message = f"{rel_path}: {note.reason}."
            hits.append((parse_rule, _parse_problem(rel_path, note, message), parsed.lines, {}))
    redactor = redactor_for([(hit, lines) for _, hit, lines, _ in hits], rel_path, parsed.escaped)
    findings: list[Finding] = []
    owners: dict[int, Document] = {}  # the document of each finding of a ONE_PLACE one, by id
    for rule, hit, lines, names in without_deferred(hits, rel_path):
        findings.append(make_finding(rule, hit, rel_path, lines, redactor, names))
        if placed and id(hit) in placed:
            owners[id(findings[-1])] = placed[id(hit)]
    # Here, not at the top: a scan that reuses every file's outcome loads no suppression code.
    from guardlint.suppress.comments import RealComments
    from guardlint.suppress.inline import MISSING_REASON_RULE, apply_inline

    findings, superseded_named = apply_inline(
        findings,
        documents,
        parsed.lines,
        source.rel_path,
        runner.enabled_rule(MISSING_REASON_RULE),
        redactor,
        RealComments.of(parsed),
        runner.superseded,
        owners,
    )
    for document in documents:
        # The checks' caches (a parsed IAM policy points back at its document): dropped, so
        # reference counting frees the file's objects now, without the cyclic collector.
        document.meta.clear()
    return FileOutcome(
        source.rel_path, parsed.status, findings, kinds, parsed.skip_reason, superseded_named
    )
