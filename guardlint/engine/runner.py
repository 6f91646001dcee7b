"""One file: parse it, run every enabled rule on each of its documents, make the findings.

The runner knows no rule: guardlint.checks.registry gives the code of each (a declarative
`match`, a template, or a Python check imported only when a document of its kind turns up).
"""

from __future__ import annotations

import os
from collections import Counter

from guardlint.documents import UNPARSABLE, ParsedFile, parse_file
from guardlint.documents.registry import named_files
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
from guardlint.parse.inputs import lies_inside, relative_path
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
        return unscanned(source, str(exc), runner)
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


def unscanned(source: SourceFile, reason: str, runner: RuleRunner) -> FileOutcome:
    """The outcome of a file whose scan did not end (its time ran out, the process scanning it
    ended: guardlint.parallel): a GL001 that says why, incomplete (never cached)."""
    message = f"Could not scan {source.rel_path}: {reason}; its findings are missing."
    hit = parse_problem(source.rel_path, ParseError(reason), message)
    finding = make_finding(runner.rulebook.by_id[PARSE_ERROR_RULE], hit, source.rel_path, [])
    return FileOutcome(source.rel_path, UNPARSABLE, [finding], Counter(), complete=False)


def _scan_file(source: SourceFile, runner: RuleRunner) -> FileOutcome:
    parsed: ParsedFile = parse_file(source, runner.options.max_bytes)
    documents = list(parsed.documents)
    if parsed.text_scanned:
        meta = {PARSED_FROM_FILE: tuple(parsed.documents)}
        documents.append(
            Document(FILE_KIND, source.rel_path, None, parsed.lines, source=source, meta=meta)
        )
    named = _named(source, parsed.documents)
    evaluation = evaluate(documents, runner)
    maker = FindingsMaker(source, parsed, documents, evaluation, runner)
    # Past the budget, the findings of the rules that finished are made within a grace budget.
    grace = grace_seconds(runner.options.file_timeout) if evaluation.stop else None
    try:
        with time_budget(grace):
            outcome = maker.outcome()
    except FileTimeout as exc:  # the file's budget, or past a stop the grace budget
        outcome = maker.cut_short(exc)
    except Exception:
        if evaluation.stop is None:
            raise
        # A check's cache left half made where the budget stopped it.
        outcome = maker.cut_short(evaluation.stop.timeout)
    outcome.named = named
    return outcome


def _named(source: SourceFile, documents: list[Document]) -> tuple[tuple[str, str], ...]:
    """(path relative to the scan root, kind) of each file the documents name to be judged
    as IaC, each once, of those inside the root as written (guardlint.engine.named_files
    decides the rest)."""
    if source.root is None:
        return ()
    root = os.path.abspath(source.root)
    named = (item for document in documents for item in named_files(document))
    inside = {
        (relative_path(path, root), kind): None for path, kind in named if lies_inside(path, root)
    }
    return tuple(inside)
