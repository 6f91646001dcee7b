"""What a result-cache entry says its file's scan looked at (guardlint.engine.cached), each
recorded observation checked before a warm scan looks again, as an entry's bytes are anyone's:
inside the scan root, of a kind a scan makes, with the arguments it takes, within the bounds a
scan reads within."""

from __future__ import annotations

import functools
import os
from typing import Any

from guardlint.parse.inputs import READ, names_nothing
from guardlint.parse.lookups import (
    ABSENT,
    DAY,
    FILES,
    HELM_NAME,
    LISTING,
    MAX_ENDING_LENGTH,
    MAX_ENDINGS,
    OBSERVED,
    PRESENCE,
    REAL,
)
from guardlint.parse.recorder import Observation

# A recorded read names its size bound; one from an entry is believed up to this.
_MAX_READ_BYTES = 64 * 1024 * 1024


# Entries share most of their dependencies (the directories up to the root, the day): each
# distinct one is judged once. Bounded, as an entry's bytes are anyone's.
@functools.lru_cache(maxsize=8192)
def inside(path: str, roots: tuple[str, ...]) -> bool:
    """Whether the absolute `path` is one of `roots` or below one (written with `..`: as
    it resolves, without following links)."""
    if not os.path.isabs(path):
        return False
    path = os.path.normpath(path)
    return path in roots or path.startswith(_below(roots))


@functools.cache
def _below(roots: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(root.rstrip(os.sep) + os.sep for root in roots)


def observation_of(item: Any, roots: tuple[str, ...]) -> tuple[Observation, str]:
    """A recorded observation of an entry, checked (ValueError where it is not an observation
    a scan of a file under `roots` makes)."""
    if not isinstance(item, list) or len(item) != 4:
        raise ValueError("a dependency is a list of four")
    what, path, how, state = item
    if what not in OBSERVED or not isinstance(path, str) or not isinstance(state, str):
        raise ValueError("not an observation")
    if not isinstance(how, list) or not (inside(path, roots) or (what == DAY and not path)):
        raise ValueError("an observation outside the scan root")
    if what == READ:
        _check_read(how, roots)
    elif what == FILES:
        _check_endings(how)
    elif what in (REAL, HELM_NAME):
        # A real path is resolved inside the root it names (the root's own: none), a Helm
        # template set read inside it.
        if len(how) not in ((0, 1) if what == REAL else (1,)) or any(r not in roots for r in how):
            raise ValueError("a real path is resolved, a template set read, inside the scan root")
    elif how:
        raise ValueError("an observation with arguments it does not take")
    return (what, path, tuple(how)), state


def _check_read(how: list, roots: tuple[str, ...]) -> None:
    if len(how) != 2:
        raise ValueError("a read takes a size bound and a root")
    max_bytes, root = how
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool):
        raise ValueError("a size bound is a number")
    if not 0 <= max_bytes <= _MAX_READ_BYTES or root not in roots:
        raise ValueError("a read beyond the bounds a scan reads within")


def _check_endings(how: list) -> None:
    if not 0 < len(how) <= MAX_ENDINGS or not all(
        type(ending) is str and 0 < len(ending) <= MAX_ENDING_LENGTH for ending in how
    ):
        raise ValueError("a listing of files by their endings names a few short endings")


def names_directory(observation: Observation, state: str) -> str | None:
    """The directory whose names alone decide what the observation finds, None where more
    does: whether a name is there (not following it), a listing's names and kinds (of a
    directory holding no link: guardlint.engine.scan_pack), a read that found no file (none
    other: a file's bytes change without its directory's status changing). The path must be
    as written plainly: `..` would climb from where a link leads."""
    what, path, _ = observation
    if what in (PRESENCE, READ):
        if what == READ and state != ABSENT:
            return None
        directory, name = os.path.split(path)
    elif what in (FILES, LISTING):
        directory, name = path, os.path.basename(path)
    else:
        return None
    if name in ("", os.curdir, os.pardir) or path != os.path.normpath(path):
        return None
    return None if names_nothing(path) else directory
