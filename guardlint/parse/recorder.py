"""What the scan of one file looks at besides the file: every read, existence test, real path
and directory listing, recorded with what it found while a recording is active.

A result cache (guardlint.engine.cached) reuses a file's findings only while everything its
scan looked at is unchanged, so every look at the file system that a document or check makes
goes through guardlint.parse.inputs or guardlint.parse.lookups, which report here. Whatever a
process-wide cache (`memoized`) answers without looking again is replayed as if it had looked.

An observation is `(what, path, how)`, for instance `("read", "/repo/.dockerignore",
(1000000, "/repo"))`, and what was found is a short text (a digest of the bytes, an error, a
kind, a real path): guardlint.parse.lookups.current_state finds it again to compare.

A scan is one snapshot of the file system (`snapshot`): inside it, a function made `per_snapshot`
answers a repeated call from memory, with its observations recorded again likewise.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

Observation = tuple[str, str, tuple]
Observations = dict[Observation, str]

_recordings: list[Observations] = []
Result = TypeVar("Result")


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Snapshot:
    """One scan's lookups kept for its length: `memory` holds what `per_snapshot` functions
    answered (and what other modules keep, under keys of their own), `closing` what to release
    at its end. Forked workers inherit it and go on with their own copy."""

    memory: dict[Any, Any] = field(default_factory=dict)
    closing: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)


_snapshots: list[Snapshot] = []


def active() -> bool:
    """Whether a recording is on: callers skip the cost of describing what they found."""
    return bool(_recordings)


def note(what: str, path: str, how: tuple, state: str) -> None:
    """Record one observation in the innermost recording (none: nothing to do)."""
    if _recordings:
        _recordings[-1][(what, path, how)] = state


@contextlib.contextmanager
def recording() -> Iterator[Observations]:
    """Record what is looked at inside; the observations fill the dict it gives."""
    observations: Observations = {}
    _recordings.append(observations)
    try:
        yield observations
    finally:
        _recordings.pop()


def _replay(observations: Observations) -> None:
    if _recordings:
        _recordings[-1].update(observations)


def _observed(
    recorded: bool, function: Callable[..., Result], args: tuple
) -> tuple[Result, Observations]:
    """The call's result and, when a recording is on to take them, its observations: with none
    on, nothing is recorded (no digest of what it reads), and the answer is kept apart from a
    recorded call's, which a later recording replays."""
    if not recorded:
        return function(*args), {}
    with recording() as observations:
        value = function(*args)
    return value, observations


def memoized(maxsize: int) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """functools.lru_cache for a function that looks at the file system: each call's
    observations are kept with its result and recorded again on every call it answers."""

    def decorate(function: Callable[..., Result]) -> Callable[..., Result]:
        @functools.lru_cache(maxsize=maxsize)
        def observed(recorded: bool, *args: Any) -> tuple[Result, Observations]:
            return _observed(recorded, function, args)

        @functools.wraps(function)
        def wrapper(*args: Any) -> Result:
            value, observations = observed(active(), *args)
            _replay(observations)
            return value

        return wrapper

    return decorate


@contextlib.contextmanager
def snapshot() -> Iterator[None]:
    """One scan: the file system is taken not to change inside (see `per_snapshot`); a snapshot
    inside another is part of it."""
    if _snapshots:
        yield
        return
    current = Snapshot()
    _snapshots.append(current)
    try:
        with current.closing:
            yield
    finally:
        _snapshots.pop()


def current_snapshot() -> Snapshot | None:
    """The snapshot of the scan going on, if any."""
    return _snapshots[-1] if _snapshots else None


def per_snapshot(function: Callable[..., Result]) -> Callable[..., Result]:
    """Inside a snapshot, each call's result and observations are kept, and a later call with
    the same arguments gets the result and records the observations again; outside one, every
    call looks. For lookups that files of one scan repeat (each directory above them)."""

    @functools.wraps(function)
    def wrapper(*args: Any) -> Result:
        if not _snapshots:
            return function(*args)
        memory = _snapshots[-1].memory
        recorded = active()
        key = (function, recorded, args)
        if key not in memory:
            memory[key] = _observed(recorded, function, args)
        value, observations = memory[key]
        _replay(observations)
        return value

    return wrapper
