"""Writing a report, baseline or config where the user said, and nowhere else.

- `-` is standard output.
- A regular file, or a path that does not exist yet, is written to a temporary file in the
  same directory and renamed over the target: a failed or interrupted write leaves the
  previous file intact, and a replaced file keeps its permission bits.
- A character or block device, FIFO or socket is opened and written in place (`/dev/null`,
  `/dev/tty`, a named pipe), as the shell's `>` would; a FIFO with no reader waits for one.
- A symbolic link is followed only to a file guardlint's caller opened for it:
  `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` (process substitution), `/proc/self/fd/N`. Any
  other link in the report's place is refused, and so is a link among the directories on the
  way to it inside the current directory: in CI that is the checkout, whose links the pull
  request's author chose, so following one would let them overwrite any file, or fill any
  directory, the job can write. Links above the current directory are the machine's own.

Whatever goes wrong is `OutputWriteError`: `Error: cannot write PATH: reason`, exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from typing import TextIO

import click

STDOUT = "-"
_MAX_LINKS = 40  # the kernel's own limit on links in one path (ELOOP beyond it)
_LINK_REFUSED = (
    "it is a symbolic link, and guardlint writes through a link only to its own standard "
    "output or error (/dev/stdout, /dev/fd/N); name the file it points to instead"
)
_DIRECTORY_LINK_REFUSED = (
    "{link} is a symbolic link inside the current directory, which guardlint does not follow "
    "to write; name the directory it points to instead"
)


class OutputWriteError(click.ClickException):
    exit_code = 2  # the exit status of every usage, configuration and output error


def write_output(path: str, report: str | bytes) -> None:
    """Write `report` (text as UTF-8, or UTF-8 bytes) to `path` as the module docstring
    says."""
    data = report.encode("utf-8") if isinstance(report, str) else report
    try:
        _write(path, data)
    except OSError as exc:
        raise OutputWriteError(f"cannot write {_shown(path)}: {exc.strerror or exc}") from None


def _shown(path: str) -> str:
    return "standard output" if path == STDOUT else path


def _write(path: str, data: bytes) -> None:
    if path == STDOUT:
        _write_stream(sys.stdout, data)
        return
    descriptor = _own_descriptor(path)
    if descriptor is not None:
        _write_descriptor(descriptor, data)
        return
    link = _directory_link_here(path)
    if link is not None:
        raise OutputWriteError(f"cannot write {path}: {_DIRECTORY_LINK_REFUSED.format(link=link)}")
    try:
        existing: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        existing = None
    if existing is None or stat.S_ISREG(existing.st_mode):
        _replace(path, data, existing)
    elif stat.S_ISLNK(existing.st_mode):
        raise OutputWriteError(f"cannot write {path}: {_LINK_REFUSED}")
    elif stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    else:
        _write_in_place(path, data)


def _own_descriptor(path: str) -> int | None:
    """N when `path` is /dev/fd/N or /proc/self/fd/N, or a chain of links that ends there."""
    descriptor_dirs = {os.path.realpath("/dev/fd"), os.path.realpath("/proc/self/fd")}
    for _ in range(_MAX_LINKS):
        directory = os.path.realpath(os.path.dirname(os.path.abspath(path)))
        name = os.path.basename(path)
        if name.isascii() and name.isdigit() and directory in descriptor_dirs:
            return int(name)
        path = os.path.join(directory, name)
        if not os.path.islink(path):
            return None
        path = os.path.join(directory, os.readlink(path))
    return None


def _directory_link_here(path: str) -> str | None:
    """The first directory on the way to `path`, as written (`..` included), that is a
    symbolic link inside the current directory."""
    here = os.getcwd()
    prefix = os.sep if os.path.isabs(path) else ""
    for part in os.path.dirname(path).split(os.sep):
        if part in ("", "."):
            continue
        prefix = os.path.join(prefix, part)
        if os.path.islink(prefix) and _inside(os.path.dirname(prefix) or ".", here):
            return prefix
    return None


def _inside(directory: str, top: str) -> bool:
    return os.path.commonpath([os.path.realpath(directory), top]) == top


def _write_descriptor(descriptor: int, data: bytes) -> None:
    # Standard output and error go through Python's streams, which know when they are closed
    # (a descriptor number the process reused for something else is not the caller's).
    if descriptor in (1, 2):
        _write_stream(sys.stdout if descriptor == 1 else sys.stderr, data)
        return
    with os.fdopen(os.dup(descriptor), "wb") as stream:
        stream.write(data)


def _write_stream(stream: TextIO | None, data: bytes) -> None:
    """UTF-8 whatever the locale: the same bytes `--output FILE` writes, and no
    UnicodeEncodeError when a scanned file's text is not in the terminal's encoding."""
    if stream is None:  # the process started with this descriptor closed
        raise OSError(errno.EBADF, "it is closed")
    try:
        stream.flush()
        binary = getattr(stream, "buffer", None)
        if binary is None:
            stream.write(data.decode("utf-8"))
        else:
            binary.write(data)
        stream.flush()
    except OSError:
        _discard_unwritten(stream)
        raise


def _discard_unwritten(stream: TextIO) -> None:
    """Point the broken descriptor at the null device, so that the interpreter's final flush
    of what is still buffered does not fail again (a second message and exit status 120)."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: the stream has no descriptor
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)


def _write_in_place(path: str, data: bytes) -> None:
    # Without O_CREAT or O_TRUNC; O_NOFOLLOW: a link put in the device's place is refused too.
    flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags), "wb") as stream:
        stream.write(data)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_TEMPORARY_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
)  # fmt: skip


def _replace(path: str, data: bytes, existing: os.stat_result | None) -> None:
    # The directory as the kernel resolves `path` (`..` after a link included), so that the
    # rename never crosses directories.
    directory = os.path.dirname(path) or os.curdir
    os.makedirs(directory, exist_ok=True)
    # A name nobody can guess, created exclusively and 0600, as tempfile.mkstemp makes them
    # (tempfile's import costs every scan 6 ms).
    temporary = os.path.join(directory, f".guardlint-{os.urandom(8).hex()}.tmp")
    handle = os.open(temporary, _TEMPORARY_FLAGS, 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # Created 0600: a replaced file keeps its mode, a new one is an ordinary file.
        mode = stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_current_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
