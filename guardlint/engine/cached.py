"""A scan's files looked up in, and stored to, the result cache (`--cache-dir`): each outcome
reused where it can be, scanned otherwise (guardlint.engine.outcomes, in worker processes for
many files).

A file's outcome (its findings as made, redacted and suppressed, its document kinds, status and
skip reason) is stored under a key that digests the file's bytes, its path and kind, the scan
root and the scan's context (guardlint.engine.cache_context: guardlint, its environment, the
rules as run, the limits), with everything its scan looked at besides the file (recorded by
guardlint.parse.recorder: a .dockerignore, the kustomizations above it, a function's code, a
definition file, including those that were not there). It is reused only when each of those
is found as it was (guardlint.parse.lookups.current_state). An entry is the cache directory's,
whose bytes may be anyone's: every part of it is checked before use, and one that does not
check out is a miss, whose file is scanned and written again. An outcome that is not its
file's alone (the time budget ran out, a rule crashed) or that its entry cannot give back
exactly is not stored. A finding of an entry takes its rule's fields from the enabled rule of
its ID (guardlint.findings.records); a dependency must lie inside the scan root as the file
system resolves it, a read name the root it was confined to, and reading dependencies again
stops at a budget: a planted entry can neither break a report, nor have a scan look outside its
tree, nor keep it reading. A scan of many files also reads and writes its pack
(guardlint.engine.scan_pack): its entries in one, and the files it knows by their status.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import orjson

from guardlint.engine.cache_observations import inside, names_directory, observation_of
from guardlint.engine.options import ScanOptions
from guardlint.engine.outcome_entries import compared, entry_outcome, outcome_data
from guardlint.engine.outcomes import file_sizes, scan_file, scanned
from guardlint.engine.result_cache import CacheError, ResultCache
from guardlint.engine.rule_runner import INTERNAL_ERROR_RULE, FileOutcome, RuleRunner
from guardlint.findings.records import RecordReader
from guardlint.model.documents import SourceFile
from guardlint.parallel import collections_between_chunks, effective_jobs, in_order
from guardlint.parse.beneath import resolve_beneath
from guardlint.parse.inputs import READ, InputError, lies_inside, read_scanned_file
from guardlint.parse.lookups import DAY, HELM_NAME, PRESENCE, current_state
from guardlint.parse.recorder import Observation, Observations, recording

# What one file's scan looks at: a few names per directory up to the root, a function's code
# (at most 500 files, guardlint.documents.cloudformation.artifacts) and its listings. An entry
# naming more would have a warm scan look at them all.
MAX_DEPENDENCIES = 10_000
# Bytes a scan reads again to check recorded reads, each distinct read once: a scan's own
# dependencies (a function's code, kustomizations) stay far below it; entries naming more (one
# file read under 10,000 size bounds) would keep a warm scan reading for minutes.
DEPENDENCY_READ_BUDGET = 1024**3


def cached_scan(
    files: Sequence[SourceFile], runner: RuleRunner, options: ScanOptions
) -> CachedScan | None:
    """The scan's cache, None where its directory cannot be used."""
    try:
        store = ResultCache.open(options.cache_dir, options.cache_max_bytes)
    except CacheError:
        return None  # the command line said so already (guardlint.cli.cache)
    return CachedScan(store, files, runner, options)


def outcomes(
    cached: CachedScan, files: Sequence[SourceFile], runner: RuleRunner, options: ScanOptions
) -> Iterator[FileOutcome]:
    """The outcome of each file, in order, reused or scanned and stored."""
    try:
        if effective_jobs(options.jobs, len(files), file_sizes(files)) == 1:
            # One process: each file is looked up, and scanned if need be, from the bytes read
            # for its key, one after the other.
            yield from in_order(cached.outcome, files, 1)
        else:
            # Worker processes scan the files that need it: those the lookups miss.
            with collections_between_chunks():  # the reused findings are all kept
                looked_up = [cached.reuse(source) for source in files]
            missing = [f for f, (found, _) in zip(files, looked_up, strict=True) if found is None]
            with contextlib.closing(scanned(missing, cached.scan, runner, options)) as fresh:
                for source, (outcome, read) in zip(files, looked_up, strict=True):
                    if outcome is None and read is not None:
                        cached.pack.note(source, read.status, read.key, None)  # a worker's
                    yield outcome if outcome is not None else next(fresh)
            cached.missed += len(missing)
        cached.pack.write(changed=cached.missed > 0)
        if cached.missed:
            cached.store.evict()
    finally:
        cached.store.close()


class _Read(NamedTuple):
    content: bytes
    key: str  # of the file's entry
    status: os.stat_result  # of the file read


class CachedScan:
    """One scan's files looked up in, and stored to, a ResultCache."""

    def __init__(
        self,
        store: ResultCache,
        files: Sequence[SourceFile],
        runner: RuleRunner,
        options: ScanOptions,
    ) -> None:
        # Here, not at the top: a scan without a cache imports neither.
        from guardlint.engine.cache_context import context_digest
        from guardlint.engine.scan_pack import ScanPack

        self.store = store
        self.runner = runner
        self.max_bytes = options.max_bytes
        self.context = context_digest(runner.rules, options)
        self.pack = ScanPack(store, self.context, files)
        self.records = RecordReader(runner.enabled_rule)
        self.missed = 0  # files this process looked up in vain, or had workers scan
        # What each dependency looked like when this scan first checked it: many files share
        # one (a kustomization up the tree, a CDK manifest), and a scan is one snapshot.
        # None: not looked at (outside the scan root, or past the read budget).
        self._states: dict[Observation, str | None] = {}
        # Whether each dependency of the pack's table is found as recorded, by index.
        self._verdicts: dict[tuple[str, ...], dict[int, bool]] = {}
        self._real_paths: dict[str, str] = {}
        self._read_budget = DEPENDENCY_READ_BUDGET

    def _read(self, source: SourceFile) -> _Read | None:
        """The file's bytes and key, when its outcome may be cached: a file of the tree,
        readable (one that is not is scanned, and reported, as without a cache)."""
        import hashlib  # here: OpenSSL's, only with a result cache (guardlint.parse.digests)

        if source.root is None or source.content is not None:
            return None
        try:
            content, status = read_scanned_file(source.path, self.max_bytes, source.root)
        except InputError:
            return None
        identity = [self.context, source.root, source.path, source.rel_path, source.kind,
                    source.template, source.chart_template,
                    hashlib.sha256(content).hexdigest()]  # fmt: skip
        return _Read(content, hashlib.sha256(orjson.dumps(identity)).hexdigest(), status)

    def reuse(self, source: SourceFile) -> tuple[FileOutcome | None, _Read | None]:
        """The file's outcome from the cache, or None, and what was read to look it up (None
        where the pack knew the file by its status, or it could not be read)."""
        known = self.pack.known(source)
        if known is not None:
            outcome = self._checked(known.entry, source)
            if outcome is not None:
                self.pack.keep(source, known)
                return outcome, None
        read = self._read(source)
        if read is None:
            return None, None
        entry = self.pack.entry(read.key)
        entry = entry if entry is not None else self.store.read(read.key)
        outcome = self._checked(entry, source)
        if outcome is not None:
            self.pack.note(source, read.status, read.key, entry)
        return outcome, read

    def _checked(self, entry: Any, source: SourceFile) -> FileOutcome | None:
        """The outcome an entry gives the file, None if it does not check out or what it
        depends on changed."""
        try:
            if not isinstance(entry, dict):
                return None
            if not self._unchanged(entry["dependencies"], _roots(source.root)):
                return None
            return entry_outcome(entry["outcome"], source.rel_path, self.records)
        except (KeyError, TypeError, ValueError, OSError):
            return None  # an entry that is not one this scan wrote

    def _unchanged(self, dependencies: Any, roots: tuple[str, ...]) -> bool:
        """Whether each dependency is found as recorded (ValueError where one is not a
        dependency of a file under `roots`). One of the pack's, named by its index, is
        judged once per scan: the files of a pack share most of theirs."""
        if type(dependencies) is not list or len(dependencies) > MAX_DEPENDENCIES:
            raise ValueError("dependencies are a list, not too long")
        verdicts = self._verdicts.setdefault(roots, {})
        for item in dependencies:
            if type(item) is not int:
                verdict = self._found_as_recorded(item, roots)
            else:
                verdict = verdicts.get(item)
                if verdict is None:
                    dependency = self.pack.dependency(item)
                    verdict = verdicts[item] = self._found_as_recorded(dependency, roots, item)
            if not verdict:
                return False
        return True

    def _found_as_recorded(
        self, item: Any, roots: tuple[str, ...], index: int | None = None
    ) -> bool:
        """Whether the dependency is found as recorded; one of the pack's (by `index`) read
        from a file, or deciding by the names of a directory leading inside `roots` as now,
        whose status is the one the pack recorded is, without looking again."""
        observation, state = observation_of(item, roots)
        what, path, how = observation
        if index is not None:
            if what == READ and self.pack.read_unchanged(index, path, how[1]):
                return True
            if what == HELM_NAME and self._helm_set_unchanged(index, path, how[0], roots):
                return True
            directory = names_directory(observation, state) or ""
            inward = bool(directory) and inside(self._real_path(directory, roots), roots)
            if inward and self.pack.directory_unchanged(directory):
                return True
        return self._state(observation, roots) == state

    def _helm_set_unchanged(self, index: int, path: str, root: str, roots: tuple[str, ...]) -> bool:
        """Whether the pack tells the Helm template set of the chart template at `path` by
        statuses (guardlint.engine.helm_sets), its top inside `roots` as resolved."""
        top = self.pack.helm_set_top(index, path)
        if top is None or not inside(self._real_path(top, roots), roots):
            return False
        return self.pack.helm_set_unchanged(index, path, root)

    def _state(self, observation: Observation, roots: tuple[str, ...]) -> str | None:
        if observation not in self._states:
            self._states[observation] = self._look(observation, roots)
        return self._states[observation]

    def _look(self, observation: Observation, roots: tuple[str, ...]) -> str | None:
        """What the observation finds now, unless it would look outside `roots` through a
        link (a read is confined to its root by guardlint.parse.inputs) or past the budget."""
        what, path, how = observation
        if what == READ:
            self._read_budget -= _read_cost(path, how[0])
            if self._read_budget < 0:
                return None
        elif what != DAY:
            # A presence test does not follow the name itself, only the directories to it.
            looked_at = os.path.dirname(path) if what == PRESENCE else path
            if not inside(self._real_path(looked_at, roots), roots):
                return None
        return current_state(*observation)

    def _real_path(self, path: str, roots: tuple[str, ...]) -> str:
        """Where `path` leads, each directory resolved once per scan: many names are looked up
        in one, and directories share theirs up to the root, so one that is no link is its
        parent's real path and its name (one lstat). A link is resolved without looking
        outside the root (guardlint.parse.beneath): "" where it leads out or loops."""
        below: list[tuple[str, str]] = []  # (path, name) to resolve, nearest the root last
        real = self._real_paths.get(path)
        while real is None:
            parent, name = os.path.split(path)
            if path in roots:
                real = self._real_paths[path] = _real_root(roots)
            elif name in ("", os.curdir, os.pardir) or os.path.islink(path):
                real = self._real_paths[path] = _leads_to(path, roots)
            else:
                below.append((path, name))
                path = parent
                real = self._real_paths.get(path)
        for path, name in reversed(below):
            real = self._real_paths[path] = os.path.join(real, name) if real else ""
        return real

    def outcome(self, source: SourceFile) -> FileOutcome:
        """The file's outcome, from the cache or scanned (and stored)."""
        reused, read = self.reuse(source)
        if reused is not None:
            return reused
        self.missed += 1
        return self.scan(source, read)

    def scan(self, source: SourceFile, read: _Read | None = None) -> FileOutcome:
        """Scan the file (`read`: its bytes and key, read already), and store its outcome
        with what the scan looked at."""
        read = read or self._read(source)
        if read is None:
            return scan_file(source, self.runner)
        with recording() as observations:
            # The bytes the key digests are the bytes scanned, whatever happens to the file.
            outcome = scan_file(dataclasses.replace(source, content=read.content), self.runner)
        entry = self._store(read.key, source, observations, outcome)
        self.pack.note(source, read.status, read.key, entry)
        return outcome

    def _store(
        self, key: str, source: SourceFile, observations: Observations, outcome: FileOutcome
    ) -> dict[str, Any] | None:
        """Store the outcome, if it can be, and give the entry stored."""
        if not outcome.complete or any(f.rule_id == INTERNAL_ERROR_RULE for f in outcome.findings):
            return None
        dependencies = [[what, path, list(how), state]
                        for (what, path, how), state in observations.items()]  # fmt: skip
        try:  # where it looked outside the scan root, there is nothing to check it against
            checkable = [observation_of(item, _roots(source.root)) for item in dependencies]
        except ValueError:
            return None
        if len(checkable) > MAX_DEPENDENCIES:
            return None
        # Stored only if it comes back exactly: JSON spells every value, and every finding
        # carries what its rule gives (a record leaves that out).
        try:
            data = orjson.loads(orjson.dumps(outcome_data(outcome)))
            again = entry_outcome(data, source.rel_path, self.records)
        except (TypeError, ValueError):
            return None
        if compared(again) != compared(outcome):
            return None
        entry = {"dependencies": dependencies, "outcome": data}
        self.store.write(key, entry)
        return entry


@functools.cache
def _roots(root: str) -> tuple[str, ...]:
    """The directories a file's scan may look inside: the scan root as given and as real."""
    return tuple({root, os.path.abspath(root), os.path.realpath(root)})


@functools.cache
def _real_root(roots: tuple[str, ...]) -> str:
    return os.path.realpath(roots[0])  # each of `roots` names the one root


def _leads_to(path: str, roots: tuple[str, ...]) -> str:
    """The real path of `path` below one of `roots`, resolved inside it; "" where it is not
    below one, leads out of it, or loops."""
    for root in roots:
        if lies_inside(path, root):
            try:
                return resolve_beneath(path, root, _real_root(roots)) or ""
            except OSError:
                return ""
    return ""


def _read_cost(path: str, max_bytes: int) -> int:
    """The bytes reading `path` again takes (at most `max_bytes`)."""
    try:
        return min(max_bytes, os.stat(path).st_size)
    except (OSError, ValueError):
        return 0
