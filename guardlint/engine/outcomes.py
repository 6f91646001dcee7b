"""Each file's outcome, in the order of the files: from the result cache (guardlint.engine.cached,
imported only with `--cache-dir`), scanned otherwise, in worker processes for many files
(guardlint.parallel). A scan without a cache imports none of the cache's modules."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Sequence

from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import FileOutcome, RuleRunner
from guardlint.model.documents import SourceFile
from guardlint.parallel import effective_jobs, in_order


def file_outcomes(
    files: Sequence[SourceFile], runner: RuleRunner, options: ScanOptions
) -> Iterator[FileOutcome]:
    """The outcome of each file, in order (see the module's docstring)."""
    if options.cache_dir is not None:
        from guardlint.engine import cached

        scan = cached.cached_scan(files, runner, options)
        if scan is not None:
            yield from cached.outcomes(scan, files, runner, options)
            return
    yield from scanned(files, functools.partial(scan_file, runner=runner), runner, options)


def scanned(
    files: Sequence[SourceFile],
    work: Callable[[SourceFile], FileOutcome],
    runner: RuleRunner,
    options: ScanOptions,
) -> Iterator[FileOutcome]:
    """`work` done on each file, in order: in worker processes for many files."""
    jobs = effective_jobs(options.jobs, len(files), file_sizes(files))
    if jobs == 1:
        return in_order(work, files, jobs)
    from guardlint.engine.hooks import worker_plan  # classification: for worker processes
    from guardlint.engine.runner import unscanned  # only for files whose process ended

    plan = worker_plan(files, runner.rules, options.max_bytes)
    lost = functools.partial(unscanned, runner=runner)
    return in_order(work, files, jobs, plan.together, plan.before_fork, lost)


def file_sizes(files: Sequence[SourceFile]) -> Iterator[int]:
    """Each file's size, as the choice of worker processes weighs it (read as it is asked
    for): 0 for one that cannot be looked at (its scan says why)."""
    for source in files:
        if source.content is not None:
            yield len(source.content)
            continue
        if source.status is not None:  # discovery's listing gave it (status_signature)
            yield source.status[2]
            continue
        try:
            yield os.stat(source.path).st_size
        except (OSError, ValueError):  # gone, unreadable, a NUL in its name
            yield 0


def scan_file(source: SourceFile, runner: RuleRunner) -> FileOutcome:
    """guardlint.engine.runner.scan_file, imported on first use: a scan that reuses every
    file's outcome parses nothing and makes no finding."""
    from guardlint.engine.runner import scan_file as scanned_outcome

    return scanned_outcome(source, runner)
