"""Looks at the file system besides reading a file (guardlint.parse.inputs reads): a path's
kind, its real path, whether a name is there, a directory tree's listings, whether another
file of a Helm chart's template set may define a template's name
(guardlint.parse.helm_template_set); and at the day.
Each records what it found while a recording is on (guardlint.parse.recorder), and
`current_state` finds the same thing again, so that a cached result is reused only while all of
it is unchanged."""

from __future__ import annotations

import datetime
import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator

from guardlint.parse import recorder
from guardlint.parse.beneath import resolve_beneath
from guardlint.parse.digests import sha256
from guardlint.parse.inputs import (
    READ,
    InputError,
    content_state,
    names_nothing,
    read_input,
    refusal_state,
)

KIND, REAL, PRESENCE, LISTING, DAY = "kind", "real", "presence", "listing", "day"
HELM_NAME = "helm-name"  # `how`: the scan root
FILES = "files"  # a directory's files of some name endings: `files_named`
# A `files_named` observation names at most this many endings, each at most this long: what a
# cache entry may ask a warm scan to list again (guardlint.engine.cached).
MAX_ENDINGS, MAX_ENDING_LENGTH = 8, 16
DIRECTORY, FILE, OTHER, ABSENT, UNKNOWN = "directory", "file", "other", "absent", "unknown"
# The errors that say a path is not there, as pathlib's exists() and is_dir() read them.
_NOT_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def _kind(path: str) -> str:
    if names_nothing(path):
        return ABSENT
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return ABSENT if exc.errno in _NOT_THERE else UNKNOWN
    if stat.S_ISDIR(mode):
        return DIRECTORY
    return FILE if stat.S_ISREG(mode) else OTHER


def path_kind(path: str) -> str:
    """DIRECTORY, FILE (regular), OTHER, ABSENT or UNKNOWN (it cannot be told), following
    symbolic links."""
    kind = _kind(path)
    recorder.note(KIND, path, (), kind)
    return kind


def real_path(path: str, root: str) -> str | None:
    """The real path of `path`, inside the scan `root` as written, resolved without looking
    outside the root (guardlint.parse.beneath); None where it leads out. Past the bound on
    links (a loop) it stays as written, as os.path.realpath leaves it."""
    real = _real(path, root)
    recorder.note(REAL, path, (root,), real or "")
    return real


def real_root(root: str) -> str:
    """os.path.realpath of the scan root: the user named it, and it is the root whatever it
    is reached through."""
    real = _real_root(root)
    recorder.note(REAL, root, (), real)
    return real


def _real_root(root: str) -> str:
    return os.path.abspath(root) if names_nothing(root) else os.path.realpath(root)


def _real(path: str, root: str) -> str | None:
    if names_nothing(path):
        return os.path.abspath(path)
    try:
        return resolve_beneath(path, root, _real_root(root))
    except OSError:  # a loop: unresolved, and not readable
        return os.path.abspath(path)


def _presence(path: str) -> str:
    if names_nothing(path):
        return ABSENT
    try:
        os.lstat(path)
    except OSError:
        return ABSENT
    return "present"


def entry_info(path: str) -> os.stat_result | None:
    """os.lstat, or None where it fails (the name is not there)."""
    try:
        info = None if names_nothing(path) else os.lstat(path)
    except OSError:
        info = None
    recorder.note(PRESENCE, path, (), ABSENT if info is None else "present")
    return info


def _entries(directory: str) -> list[tuple[str, bool, bool]] | None:
    """(name, leads to a directory, is a symbolic link) of each entry, as os.walk tells them;
    None when the directory cannot be listed."""
    if names_nothing(directory):
        return None
    found = []
    try:
        with os.scandir(directory) as listing:
            for entry in listing:
                try:
                    is_directory = entry.is_dir()
                except OSError:
                    is_directory = False
                found.append((entry.name, is_directory, entry.is_symlink()))
    except OSError:
        return None
    return found


def files_named(directory: str, endings: tuple[str, ...]) -> list[str] | None:
    """The names of the entries of `directory` that are not directories and end in one of the
    lower-case `endings` (in any case), sorted; None when it cannot be listed. Only those
    names are recorded: a lookup of manifests is not invalidated by a README added beside
    them."""
    names = _files_named(_entries(directory), endings)
    if recorder.active():
        recorder.note(FILES, directory, endings, _names_state(names))
    return names


def _files_named(
    entries: list[tuple[str, bool, bool]] | None, endings: tuple[str, ...]
) -> list[str] | None:
    if entries is None:
        return None
    return sorted(name for name, is_directory, _ in entries
                  if not is_directory and name.lower().endswith(endings))  # fmt: skip


def _names_state(names: list[str] | None) -> str:
    return UNKNOWN if names is None else _lines_state(names)


def _listing_state(entries: list[tuple[str, bool, bool]] | None) -> str:
    if entries is None:
        return UNKNOWN
    return _lines_state(
        f"{name}\0{int(is_dir)}{int(link)}" for name, is_dir, link in sorted(entries)
    )


def _lines_state(lines: Iterable[str]) -> str:
    text = "\n".join(lines)
    return "sha256:" + sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def walk(
    top: str, follow: Callable[[str], bool] | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk(top): top-down, the caller may prune and order `dirs` in place, links to
    directories listed but entered only where `follow(path)` says so (asked in order, after
    the pruning), directories that cannot be listed passed over."""
    pending = [top]
    while pending:
        current = pending.pop()
        entries = _entries(current)
        recorder.note(LISTING, current, (), _listing_state(entries))
        if entries is None:
            continue
        dirs = [name for name, is_directory, _ in entries if is_directory]
        files = [name for name, is_directory, _ in entries if not is_directory]
        links = {name for name, _, link in entries if link}
        yield current, dirs, files
        entered = [
            path
            for path in (os.path.join(current, d) for d in dirs)
            if os.path.basename(path) not in links or (follow is not None and follow(path))
        ]
        pending.extend(reversed(entered))


def _current_day() -> datetime.date:
    return datetime.date.today()


def today() -> datetime.date:
    """datetime.date.today(), recorded (with no path): a finding that the day decides (an
    end of life that has passed) is not reused on another day."""
    day = _current_day()
    recorder.note(DAY, "", (), day.isoformat())
    return day


def _read_state(path: str, how: tuple) -> str:
    max_bytes, root = how
    try:
        return content_state(read_input(path, max_bytes, root))
    except InputError as exc:
        return refusal_state(exc)


def _helm_name_state(path: str, how: tuple) -> str:
    from guardlint.parse.helm_template_set import name_state  # only where charts were scanned

    return name_state(path, *how)


_STATES: dict[str, Callable[[str, tuple], str]] = {
    READ: _read_state,
    KIND: lambda path, how: _kind(path),
    REAL: lambda path, how: (_real(path, *how) or "") if how else _real_root(path),
    PRESENCE: lambda path, how: _presence(path),
    LISTING: lambda path, how: _listing_state(_entries(path)),
    FILES: lambda path, how: _names_state(_files_named(_entries(path), how)),
    DAY: lambda path, how: _current_day().isoformat(),
    HELM_NAME: _helm_name_state,
}
OBSERVED = frozenset(_STATES)


def current_state(what: str, path: str, how: tuple) -> str:
    """What the observation `(what, path, how)` finds now (see guardlint.parse.recorder)."""
    return _STATES[what](path, how)
