"""One file: parse it, run every enabled rule on each of its documents, make the findings.

The runner knows no rule: guardlint.checks.registry gives the code of each (a declarative
`match`, a template, or a Python check imported only when a document of its kind turns up).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from guardlint.documents import UNPARSABLE, ParsedFile, parse_file
from guardlint.engine.budget import FileTimeout, grace_seconds, time_budget
from guardlint.engine.evaluation import Evaluation, Stop, described, document_name, evaluate
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
    documents = list(parsed.documents)
    if parsed.text_scanned:
        meta = {PARSED_FROM_FILE: tuple(parsed.documents)}
        documents.append(
            Document(FILE_KIND, source.rel_path, None, parsed.lines, source=source, meta=meta)
        )
    evaluation = evaluate(documents, runner)
    # Past the budget, the findings of the rules that finished are made within a grace budget.
    grace = grace_seconds(runner.options.file_timeout) if evaluation.stop else None
    try:
        with time_budget(grace):
            return _outcome(source, parsed, documents, evaluation, runner)
    except (FileTimeout, Exception):
        if evaluation.stop is None:
            raise
        # Past the grace budget, or a check's cache left half made where the budget stopped
        # it: one GL001 for the file's budget, as if no rule had finished.
        raise evaluation.stop.timeout from None


def _outcome(
    source: SourceFile,
    parsed: ParsedFile,
    documents: list[Document],
    evaluation: Evaluation,
    runner: RuleRunner,
) -> FileOutcome:
    """The findings of every hit the rules found, made once all are known, so that each one is
    redacted of every secret any rule found in the file."""
    rel_path = source.rel_path
    parse_rule = runner.rulebook.by_id[PARSE_ERROR_RULE]
    # Every hit of the file, with the lines it points into.
    hits: list[RuleHit] = []
    placed: dict[int, Document] = {}  # the document of each hit of a ONE_PLACE one, by id
    if parsed.status == UNPARSABLE and parsed.error is not None:
        message = f"Could not parse {rel_path}: {parsed.error.reason}; it was not scanned."
        hits.append((parse_rule, _parse_problem(rel_path, parsed.error, message), parsed.lines, {}))
    for note in parsed.notes:  # parsed anyway, but the user should know
        message = f"{rel_path}: {note.reason}."
        hits.append((parse_rule, _parse_problem(rel_path, note, message), parsed.lines, {}))
    for rule, document, found in evaluation.results:
        if document is None:  # a crashed rule's GL002
            hits.extend((rule, hit, [], {}) for hit in found)
            continue
        one_place = document.meta.get(ONE_PLACE)
        if one_place is not None:
            found = [_told_apart(hit, one_place) for hit in found]
            placed.update((id(hit), document) for hit in found)
        hits.extend((rule, hit, document.lines, document.resource_names) for hit in found)
    for rule, document, found in evaluation.withheld:
        withheld = [_withheld(rule, document, hit) for hit in found]
        if document.meta.get(ONE_PLACE) is not None:
            placed.update((id(hit), document) for hit in withheld)
        hits.extend((rule, hit, [], {}) for hit in withheld)
    for document in documents:
        for note in document.meta.get(DOCUMENT_NOTES, ()):
            message = f"{rel_path}: {note.reason}."
            hits.append((parse_rule, _parse_problem(rel_path, note, message), parsed.lines, {}))
    if evaluation.stop is not None:
        hits.append((parse_rule, _stopped(rel_path, evaluation), [], {}))
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
    if not evaluation.secrets_complete:
        # A line may hold a secret that only a rule that did not finish would have found.
        for finding in findings:
            finding.snippet = ""
    for document in documents:
        # The checks' caches (a parsed IAM policy points back at its document): dropped, so
        # reference counting frees the file's objects now, without the cyclic collector.
        document.meta.clear()
    kinds = Counter(document.kind for document in documents if document.kind != FILE_KIND)
    return FileOutcome(
        source.rel_path,
        parsed.status,
        findings,
        kinds,
        parsed.skip_reason,
        superseded_named,
        complete=evaluation.stop is None,
    )


def _withheld(rule: Rule, document: Document, hit: Hit) -> Hit:
    """A hit of a rule that ran after a stop among the secret rules, with nothing the file
    says: its message, resource, properties or line may quote a secret that only a secret rule
    that did not finish would have found, so the redactor cannot vouch for them. Its
    fingerprint hashes the rule, path, document and region instead of the line."""
    message = (
        f"{rule.id} ({rule.name}) found a problem here; its details are withheld because the "
        "secret rules did not finish on this file within its time budget."
    )
    region = hit.region
    where = f"{region.start_line}:{region.start_column}-{region.end_line}:{region.end_column}"
    return Hit(
        message,
        region,
        document_name(document),
        severity=hit.severity,
        properties={"detailsWithheld": True},
        fingerprint_key=f"details withheld at {where}",
        rel_path=hit.rel_path,
    )


def _stopped(rel_path: str, evaluation: Evaluation) -> Hit:
    """GL001 for a file whose time budget ran out while its rules ran."""
    stop = evaluation.stop
    assert stop is not None
    reason = str(stop.timeout)
    missing = evaluation.missing
    message = f"Stopped scanning {rel_path} at {described(stop.document)}: {reason}; "
    if not missing:
        message += "the findings of the rules are all reported."
    elif evaluation.secrets_complete:
        message += f"the findings of the rules that finished are reported, {_lost(stop, 'rule')}."
    else:
        message += (
            f"the findings of the secret rules that finished are reported, "
            f"{_lost(stop, 'secret rule')}; the other rules ran on within an extra budget, and "
            "their findings are reported with their details withheld, as the secrets only an "
            "unfinished rule would have found are not known"
        )
        cut = evaluation.withheld_stop
        message += f"; {_lost(cut, 'rule')}." if cut is not None else "."
    properties = {"reason": reason, "missingRules": missing}
    return Hit(message, Region(1), rel_path, properties=properties, fingerprint_key=reason)


def _lost(stop: Stop, kind: str) -> str:
    """Which rules of `kind` a stop left missing."""
    if not stop.missing:
        return f"every {kind} finished"
    after = f"rule {stop.rule.id} and every {kind} after it" if stop.rule else f"every {kind}"
    return f"those of {after} are missing ({', '.join(stop.missing)})"
