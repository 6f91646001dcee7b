"""The whole scan: discover the files, scan each (in worker processes for large trees), and
collect the findings in a stable order."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from guardlint.discover import NOT_IAC_CONTENT, NOT_IAC_NAME, discover, scan_root
from guardlint.discover.names import DOCUMENT_KINDS_BY_NAME
from guardlint.engine.named_files import MAX_NAMED_FILES, MAX_ROUNDS, SharedFile, named_sources
from guardlint.engine.options import ScanOptions
from guardlint.engine.outcomes import file_outcomes
from guardlint.engine.rule_runner import (
    FILE_KIND,
    INTERNAL_ERROR_RULE,
    PARSE_ERROR_RULE,
    FileOutcome,
    RuleRunner,
)
from guardlint.findings.numbering import repeats
from guardlint.model.documents import SKIPPED, UNPARSABLE, Region, SourceFile
from guardlint.model.findings import SORT_KEY, Finding, Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.recorder import snapshot
from guardlint.rulebook import Rulebook, load_rulebook


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class ScanResult:
    """A whole scan: its findings, the rules it ran and what it scanned."""

    root: str
    findings: list[Finding]
    rules: list[Rule]
    files: Counter = field(default_factory=Counter)  # scanned / skipped / unparsable
    skipped_files: Counter = field(default_factory=Counter)  # why files were skipped
    skipped_dirs: Counter = field(default_factory=Counter)  # why directories were not walked
    kinds: Counter = field(default_factory=Counter)  # documents per kind
    duration: float = 0.0
    file_kinds: dict[str, list[str]] = field(default_factory=dict)  # document kinds per file
    # Superseded rules named by the options or an inline suppression (each gets a notice).
    superseded_named: set[str] = field(default_factory=set)
    reused_files: int = 0  # outcomes from the result cache (guardlint.engine.cached)
    # With --shard: named files other slices may judge too, by path (engine.named_files).
    shared_files: dict[str, SharedFile] = field(default_factory=dict)

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding of each that is made more than once (a chart's template judged in several
    renderings), in the place of the first: an unsuppressed one where there is one, since an
    inline ignore written in one rendering does not cover the finding of another."""
    unique: dict[tuple, Finding] = {}
    keep = unique.setdefault
    for finding in findings:
        key = (finding.rule_id, finding.path, finding.region, finding.resource, finding.message)
        kept = keep(key, finding)
        if kept is not finding and kept.suppression is not None and finding.suppression is None:
            unique[key] = finding
    return list(unique.values())


def _skip_reason(outcome: FileOutcome) -> str | None:
    return (outcome.skip_reason or NOT_IAC_CONTENT) if outcome.status == SKIPPED else None


def _add(result: ScanResult, outcome: FileOutcome) -> None:
    kinds = outcome.kinds
    result.file_kinds[outcome.rel_path] = sorted(kinds)
    result.files[outcome.status] += 1
    skip_reason = _skip_reason(outcome)
    if skip_reason is not None:
        result.skipped_files[skip_reason] += 1
    # What Counter.update adds, without its Python-level Mapping check and call per file (a
    # warm corpus scan adds 2,283 outcomes).
    counted = result.kinds
    for kind, count in kinds.items():
        counted[kind] = counted.get(kind, 0) + count
    if outcome.superseded_named:
        result.superseded_named.update(outcome.superseded_named)
    result.reused_files += outcome.reused
    result.findings.extend(outcome.findings)


def _add_unreadable(result: ScanResult, errors: list[tuple[str, str]], parse_rule: Rule) -> None:
    """A GL001 finding for each path discovery could not read."""
    # Here, not at the top: a scan that reuses every file's outcome makes no finding.
    from guardlint.findings.make import make_finding

    for rel_path, reason in errors:
        hit = Hit(
            message=f"Could not read {rel_path}: {reason}; it was not scanned.",
            region=Region(1),
            resource=rel_path,
            properties={"reason": reason},
            fingerprint_key=reason,
        )
        result.findings.append(make_finding(parse_rule, hit, rel_path, []))
        result.files[UNPARSABLE] += 1


def _kinds_found(files: list[SourceFile]) -> frozenset[str] | None:
    """The kinds of document `files` hold, each file's text included (FILE_KIND); None when
    some file's are known only once it is parsed."""
    kinds = {FILE_KIND}
    for source in files:
        by_name = DOCUMENT_KINDS_BY_NAME.get(source.kind)
        if by_name is None:
            return None
        kinds |= by_name
    return frozenset(kinds)


def _scan_files(
    files: list[SourceFile],
    runner: RuleRunner,
    options: ScanOptions,
    result: ScanResult,
    progress: Callable[[int, int, FileOutcome], None] | None,
) -> None:
    """Scan `files`, then the files they name to be judged as IaC that discovery passed over
    by their names (guardlint.engine.named_files), round after round."""
    known = {source.rel_path for source in files}
    done, total, room = 0, len(files), MAX_NAMED_FILES
    shared: dict[str, bool] = {}  # rel_path -> skipped by name, of the files of every slice
    for _ in range(MAX_ROUNDS + 1):
        named: dict[tuple[str, str], None] = {}
        for outcome in file_outcomes(files, runner, options):
            done += 1
            if progress is not None:
                progress(done, total, outcome)
            _add(result, outcome)
            named.update(dict.fromkeys(outcome.named))
            if outcome.rel_path in shared:
                result.shared_files[outcome.rel_path] = SharedFile(
                    outcome.status,
                    _skip_reason(outcome),
                    tuple(result.file_kinds[outcome.rel_path]),
                    shared[outcome.rel_path],
                )
        if not named or room <= 0:
            return
        selected = named_sources(named, known, result.root, options, room)
        if not selected:  # all scanned already, or none found: a round of none costs a warm
            return  # scan its cache's context again (0.36 MB of rules digested)
        files = [choice.source for choice in selected]
        room, total = room - len(files), total + len(files)
        for choice in selected:
            if choice.every_slice:
                shared[choice.source.rel_path] = choice.skipped_by_name
            if choice.skipped_by_name:  # counted by discovery as not IaC by name
                _uncount_skipped_by_name(result)


def _uncount_skipped_by_name(result: ScanResult) -> None:
    """A file counted as not IaC by name is scanned after all. In a slice (--shard) another
    slice may have counted it: the count can fall below zero there, and the merge adds up."""
    result.files[SKIPPED] -= 1
    result.skipped_files[NOT_IAC_NAME] -= 1
    if not result.skipped_files[NOT_IAC_NAME]:
        del result.skipped_files[NOT_IAC_NAME]


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
    of_kinds_found = options.rules_of_kinds_found and options.cache_dir is None
    if rulebook is None and not of_kinds_found:
        rulebook = load_rulebook(options.rule_dirs, root)
    discovery = discover(
        options.paths,
        root,
        options.excludes,
        options.shard,
        options.cdk_assets,
        statuses=options.cache_dir is not None,  # what the result cache's pack knows files by
    )
    files = [*discovery.files, *options.sources]
    if rulebook is None:
        rulebook = load_rulebook(options.rule_dirs, root, _kinds_found(files))
    runner = RuleRunner(rulebook, options)
    result = ScanResult(root=root, findings=[], rules=runner.rules)
    result.superseded_named.update(runner.carried_over.named)
    result.skipped_files.update(discovery.skipped_files)
    result.skipped_dirs.update(discovery.skipped_dirs)
    result.files[SKIPPED] += discovery.skipped_files.total()
    if discovery.errors:
        _add_unreadable(result, discovery.errors, rulebook.by_id[PARSE_ERROR_RULE])
    with snapshot():
        _scan_files(files, runner, options, result, progress)
    findings = _deduplicate(result.findings)
    if options.min_severity > min(Severity):  # every finding is at the lowest or above
        findings = [
            f
            for f in findings
            # A crashed rule is reported whatever the threshold: its results are missing.
            if f.severity >= options.min_severity or f.rule_id == INTERNAL_ERROR_RULE
        ]
    findings.sort(key=SORT_KEY)
    for index, unique in repeats([f.fingerprint for f in findings]):
        findings[index].fingerprint = unique
    result.findings = findings
    result.duration = time.perf_counter() - started
    return result
