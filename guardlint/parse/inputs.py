"""Reading every input the one safe way: scanned files, config, baseline, rule packs,
.dockerignore, and the code a template deploys.

An input is never waited for (opened with O_NONBLOCK, so a FIFO has no writer to wait for),
read only when fstat on the open descriptor says it is a regular file, and read with a bound.

Which inputs are the repository's: every path that lies inside the scan root (a scanned file,
a config found there, or a baseline, rule directory or config named on the command line that
lies there). Such a file may have been written, or swapped for a symbolic link, by the author
of a pull request, so it must not lead out of the scan root: it is opened one component at a
time from the root's descriptor without following links, and a link inside the root is only
followed to a target inside the root and outside its version-control data (`.git`, where
actions/checkout writes the job's token into `config`). A path outside the scan root can only
have been named by the user (on the command line, or in a config that is itself outside the
scan root) and is opened as named. Where the platform cannot open relative to a directory
without following links (Windows), the real path is checked before opening instead.
"""

from __future__ import annotations

import errno
import os
import stat

from guardlint.parse import recorder
from guardlint.parse.beneath import resolve_beneath
from guardlint.parse.descriptors import KeptDescriptors
from guardlint.parse.kept_reads import KeptReads

READ = "read"  # what guardlint.parse.recorder calls a read_input
NOT_REGULAR = "not a regular file (a FIFO, socket, device or directory); never read"
LEADS_OUTSIDE = "a symbolic link that leads out of the scan root; never read"
LEADS_INTO_VERSION_CONTROL = "a symbolic link that leads into version-control data; never read"
VERSION_CONTROL_DIRS = frozenset({".git", ".hg", ".svn"})

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_FILE_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_CONFINED = (
    os.open in os.supports_dir_fd
    and os.stat in os.supports_dir_fd
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
)
if _CONFINED:
    _DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY
    _STEP_FLAGS = _DIRECTORY_FLAGS | os.O_NOFOLLOW
    _LEAF_FLAGS = _FILE_FLAGS | os.O_NOFOLLOW
# What opening without following links gives where a link is on the way: then the real path
# decides. A name that is not there is not there by any way of reaching it, unless the path
# climbs (`sam/../src`: lexically `src`, but through a linked `sam` somewhere else).
_LINKED = frozenset({errno.ELOOP, errno.ENOTDIR, errno.EMLINK})
# Directories a scan keeps open on the way to files (the deepest path of the corpus is 9 deep).
KEPT_DIRECTORIES = 32
# What is still unread once the size fstat gave has been read is read in chunks this large,
# so that a generous limit never costs a buffer of that size for a small file.
_CHUNK = 1024 * 1024


class InputError(Exception):
    """An input that cannot or must not be read; `reason` says why, for a message."""

    def __init__(
        self, reason: str, missing: bool = False, too_large: bool = False, size: int = 0
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.too_large = too_large  # larger than the bound it was read with
        self.size = size  # then its size, as far as it is known


def lies_inside(path: str, root: str) -> bool:
    """Whether `path`, as written (links not resolved), is `root` or lies below it."""
    path, root = os.path.abspath(path), os.path.abspath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def relative_path(path: str, root: str) -> str:
    """os.path.relpath(path, root), without its two abspath calls where `path` is spelled
    below an absolute `root` (discovery joins every file to its root; a scan asks this of each
    file more than once)."""
    if os.path.isabs(root) and path.startswith(root) and path[len(root) : len(root) + 1] == os.sep:
        below = os.path.normpath(path[len(root) + 1 :].lstrip(os.sep))
        if below != os.pardir and not below.startswith(os.pardir + os.sep):
            return below
    return os.path.relpath(path, root)


def leads_into_version_control(path: str, real: str, root: str, real_root: str) -> bool:
    """Whether `path`, written outside the version-control directories of `root`, really
    (`real`, through a link) lies in one: the checkout's credentials, never the
    repository's to show."""
    return _in_version_control(relative_path(real, real_root)) and not _in_version_control(
        relative_path(path, root)
    )


def _in_version_control(relative: str) -> bool:
    return not VERSION_CONTROL_DIRS.isdisjoint(relative.split(os.sep))


def confinement(path: str, root: str | None) -> str | None:
    """The root an input at `path` must stay inside: `root` when the path lies inside it (the
    repository's file), None when it lies outside (the user's, opened as named)."""
    return root if root is not None and lies_inside(path, root) else None


def read_input(path: str, max_bytes: int, root: str | None = None) -> bytes:
    """The bytes of the regular file at `path`, at most `max_bytes` of them; with a `root`,
    only if the file is inside it (see the module's docstring). Raises InputError.

    While a recording is on (guardlint.parse.recorder), what it read, or why it could not, is
    recorded."""
    if not recorder.active():
        return _read_kept(path, max_bytes, root)
    try:
        data = _read_kept(path, max_bytes, root)
    except InputError as exc:
        recorder.note(READ, path, (max_bytes, root), refusal_state(exc))
        raise
    recorder.note(READ, path, (max_bytes, root), content_state(data))
    return data


def _read_kept(path: str, max_bytes: int, root: str | None) -> bytes:
    """_read_input's bytes; inside a scan, those it read there already (kept_reads)."""
    kept = _kept_reads()
    if kept is None:
        return _read_input(path, max_bytes, root)[0]
    data = kept.get((path, root), max_bytes)
    if data is None:
        data = _read_input(path, max_bytes, root)[0]
        kept.keep((path, root), data)
    return data


def read_scanned_file(path: str, max_bytes: int, root: str) -> tuple[bytes, os.stat_result]:
    """read_input of a file of the scan root, not recorded, with the status fstat gave of the
    file read (the result cache keeps it, to know the file again by input_status)."""
    data, info = _read_input(path, max_bytes, root)
    kept = _kept_reads()
    if kept is not None:  # for the look-ups of the pods beside it, and its own
        kept.keep((path, root), data)
    return data, info


def _kept_reads() -> KeptReads | None:
    """The bytes a scan keeps of what it read (none outside a scan: guardlint.parse.recorder)."""
    snapshot = recorder.current_snapshot()
    if snapshot is None:
        return None
    kept = snapshot.memory.get(KeptReads)
    if kept is None:
        kept = snapshot.memory[KeptReads] = KeptReads()
    return kept


def input_status(path: str, root: str) -> os.stat_result | None:
    """The status of the regular file at `path` below `root`, reached the way read_input
    reaches it but following no link at all (None where one is on the way, where it is not a
    regular file, or where the platform cannot look without following links)."""
    if not _CONFINED or names_nothing(path):
        return None
    with _DirectoriesInUse() as directories:
        try:
            names = _components(relative_path(path, root))
            if not names or os.pardir in names:
                return None
            directory = directories.open(root, tuple(names[:-1]))
            info = os.stat(names[-1], dir_fd=directory, follow_symlinks=False)
        except (OSError, ValueError):
            return None
    return info if stat.S_ISREG(info.st_mode) else None


def status_signature(info: os.stat_result) -> list[int]:
    """What tells a file again without reading it: its device, inode, size, modification and
    change times."""
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def listed_status(entry: os.DirEntry) -> list[int] | None:
    """status_signature of the regular file a directory listing names, its name not followed
    (as input_status tells it, and None where that would: the platform cannot look without
    following links, or it is no regular file)."""
    if not _CONFINED:
        return None
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return status_signature(info) if stat.S_ISREG(info.st_mode) else None


def content_state(data: bytes) -> str:
    """What a recording keeps of bytes read: their digest."""
    import hashlib  # here: OpenSSL's, fast on whole files, only while a recording is on

    return "sha256:" + hashlib.sha256(data).hexdigest()


def refusal_state(error: InputError) -> str:
    """What a recording keeps of an input that was not read: why."""
    return "absent" if error.missing else f"refused: {error.reason}"


def names_nothing(path: str) -> bool:
    """A name with a NUL byte names no file on any file system (and makes os calls raise
    ValueError): a template may well write one (`CodeUri: "a\\0b"`)."""
    return "\0" in path


def _read_input(path: str, max_bytes: int, root: str | None) -> tuple[bytes, os.stat_result]:
    if names_nothing(path):
        raise InputError("No such file or directory", missing=True)
    try:
        descriptor = _open_beneath(path, root) if root is not None else _open_as_named(path)
    except OSError as exc:
        raise _input_error(exc) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(NOT_REGULAR)
        if info.st_size > max_bytes:
            reason = f"file too large ({info.st_size:,} bytes; limit {max_bytes:,})"
            raise InputError(reason, too_large=True, size=info.st_size)
        try:
            data = _read_bounded(descriptor, info.st_size, max_bytes)
        except OSError as exc:
            raise _input_error(exc) from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:  # it grew while we read it
        reason = f"file too large (over {max_bytes:,} bytes)"
        raise InputError(reason, too_large=True, size=len(data))
    return data, info


def _read_bounded(descriptor: int, expected: int, max_bytes: int) -> bytes:
    """Up to max_bytes + 1 bytes, to the end of the file: the size fstat gave in one read,
    then any more (a file that grows, or one whose size the system does not know) in chunks.
    The descriptor's own reads: a buffered file object would cost three system calls more."""
    chunks = [os.read(descriptor, min(expected, max_bytes) + 1)]
    total = len(chunks[0])
    while total <= max_bytes:
        chunk = os.read(descriptor, min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _input_error(exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError("no such file", missing=True)
    if isinstance(exc, PermissionError):
        return InputError("permission denied")
    if isinstance(exc, IsADirectoryError):
        return InputError(NOT_REGULAR)
    return InputError(f"cannot read file: {exc.strerror or exc}")


def _refuse_special(info: os.stat_result) -> None:
    # Opening a device can act on it (a tape rewinds, a modem hangs up): look before opening.
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise InputError(NOT_REGULAR)


def _open_as_named(path: str) -> int:
    _refuse_special(os.stat(path))
    return os.open(path, _FILE_FLAGS)


def _components(relative: str) -> list[str]:
    return [part for part in relative.split(os.sep) if part not in ("", os.curdir)]


def _open_beneath(path: str, root: str) -> int:
    if not _CONFINED:
        return _open_as_named(_link_target(path, root)[0])
    with _DirectoriesInUse() as directories:
        written = _components(relative_path(path, root))
        if os.pardir not in written:
            try:
                return _open_leaf(directories, root, written)
            except OSError as exc:
                climbs = exc.errno == errno.ENOENT and os.pardir in path.split(os.sep)
                if exc.errno not in _LINKED and not climbs:
                    raise
        # A link on the way (or a path that climbs out and back in): resolve it, and go on
        # only if it ends inside the root, again without following any link.
        real, real_root = _link_target(path, root)
        return _open_leaf(directories, root, _components(relative_path(real, real_root)))


def _link_target(path: str, root: str) -> tuple[str, str]:
    """The real paths of `path` and `root`, where `path` may be followed through links: to a
    target inside the root and outside its version-control data, resolved without looking
    outside the root (guardlint.parse.beneath). Raises InputError, or OSError for a loop."""
    real_root = os.path.realpath(root)
    real = resolve_beneath(path, root, real_root)
    if real is None:
        raise InputError(LEADS_OUTSIDE)
    if leads_into_version_control(path, real, root, real_root):
        raise InputError(LEADS_INTO_VERSION_CONTROL)
    return real, real_root


def _open_leaf(directories: _Directories, root: str, names: list[str]) -> int:
    """Open root/names[0]/.../names[-1] following no symbolic link on the way."""
    directory = directories.open(root, tuple(names[:-1]))
    leaf = names[-1] if names else os.curdir
    _refuse_special(os.stat(leaf, dir_fd=directory, follow_symlinks=False))
    return os.open(leaf, _LEAF_FLAGS, dir_fd=directory)


class _Directories:
    """Descriptors of the directories on the way to files, each opened from its parent's
    without following a link: the `size` used last are kept open (a scan reads the files of a
    directory one after the other; most directories hold several, and all share the root)."""

    def __init__(self, size: int) -> None:
        self._kept = KeptDescriptors(size)

    def open(self, root: str, names: tuple[str, ...]) -> int:
        """The descriptor of root/names[0]/...; OSError where one is a link or not there."""
        depth = len(names)
        descriptor = self._kept.get((root, names))
        while descriptor is None and depth > 0:  # the nearest directory above that is open
            depth -= 1
            descriptor = self._kept.get((root, names[:depth]))
        if descriptor is None:
            descriptor = self._kept.keep((root, ()), os.open(root, _DIRECTORY_FLAGS))
        for step in range(depth, len(names)):
            child = os.open(names[step], _STEP_FLAGS, dir_fd=descriptor)
            descriptor = self._kept.keep((root, names[: step + 1]), child)
        return descriptor

    def close(self) -> None:
        self._kept.close()


class _DirectoriesInUse:
    """The directories a scan keeps open; outside a scan, ones closed when the file is open. A
    class rather than a generator: a scan enters it for every file it looks at."""

    __slots__ = ("_directories", "_kept")

    def __enter__(self) -> _Directories:
        self._kept = _kept_directories()
        self._directories = self._kept if self._kept is not None else _Directories(1)
        return self._directories

    def __exit__(self, *exc_info: object) -> None:
        if self._kept is None:
            self._directories.close()


def _kept_directories() -> _Directories | None:
    """The directories a scan keeps open (none outside a scan: guardlint.parse.recorder)."""
    snapshot = recorder.current_snapshot()
    if snapshot is None:
        return None
    if _Directories not in snapshot.memory:
        snapshot.memory[_Directories] = kept = _Directories(KEPT_DIRECTORIES)
        snapshot.closing.callback(kept.close)
    return snapshot.memory[_Directories]
