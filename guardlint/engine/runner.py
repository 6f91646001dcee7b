"""One file: parse it, run every enabled rule on each of its documents, make the findings.

The runner knows no rule: guardlint.checks.registry gives the code of each (a declarative
`match`, a template, or a Python check imported only when a document of its kind turns up).
"""

from __future__ import annotations

from collections import Counter

from guardlint.documents import UNPARSABLE, ParsedFile, parse_file
from guardlint.engine.budget import FileTimeout, grace_seconds, time_budget
from guardlint.engine.evaluation import evaluate
from guardlint.engine.making import FindingsMaker, parse_problem
from guardlint.engine.rule_runner import (
    FILE_KIND,
    INTERNAL_ERROR_RULE,
    PARSE_ERROR_RULE,
    FileOutcome,
    RuleRunner,
)
from guardlint.findings.make import make_finding
from guardlint.knowledge.per_file import forget_file
from guardlint.model.documents import PARSED_FROM_FILE, Document, Region, SourceFile
from guardlint.model.findings import Hit
from guardlint.parse.text import ParseError


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
        hit = parse_problem(source.rel_path, ParseError(reason), message)
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
    maker = FindingsMaker(source, parsed, documents, evaluation, runner)
    # Past the budget, the findings of the rules that finished are made within a grace budget.
    grace = grace_seconds(runner.options.file_timeout) if evaluation.stop else None
    try:
        with time_budget(grace):
            return maker.outcome()
    except FileTimeout as exc:  # the file's budget, or past a stop the grace budget
        return maker.cut_short(exc)
    except Exception:
        if evaluation.stop is None:
            raise
        # A check's cache left half made where the budget stopped it.
        return maker.cut_short(evaluation.stop.timeout)
