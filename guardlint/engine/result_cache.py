"""The result cache's storage: JSON entries in a directory that concurrent runs may share and
that a CI cache may restore, with bytes a pull request could have chosen.

Entries are DIR/v1/<first two digits of the key>/<key>.json, each holding the key it was
written for: one read under another key, or that is not a regular file, is larger than its
bound (MAX_ENTRY_BYTES unless the caller gives another), is not JSON or not of this format, is
a miss (the scan then writes it again). An entry may carry a tail: bytes after its JSON and a
newline (which JSON as written holds nowhere else), given back undecoded, for the caller to
decode the parts it needs one at a time (guardlint.engine.scan_pack).
Nothing below DIR is followed through a symbolic link: directories are opened one at a time
relative to DIR's descriptor, and a link or file in the place of one is replaced by a directory
when an entry is written. An entry is written to a temporary file beside it and renamed over
it, so a reader sees a whole entry or none. Reading an entry marks it as used (its time), and
once a scan has written entries, the least recently used are removed until the whole takes at
most 90% of the size limit.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from typing import Any

import orjson

from guardlint.engine.options import DEFAULT_CACHE_MAX_BYTES
from guardlint.parse.descriptors import KeptDescriptors

# Directory descriptors kept open between entries (the cache's, its format's, and shards).
KEPT_DESCRIPTORS = 16
MAX_ENTRY_BYTES = 16 * 1024 * 1024
FORMAT_DIRECTORY = "v1"
# 2: findings as compact records (guardlint.findings.records); 3: records without the values
# they repeat (their file's path, their resource and snippet as fingerprint basis); 4: a pack's
# entries in its tail; 5: a pack's files a list in the scan's order, each with its entry's place.
FORMAT = 5
_SUFFIX = ".json"
_TEMPORARY = ".tmp"
# A temporary file this old was left by a run that died before renaming it.
_ABANDONED_SECONDS = 3600
_KEPT_AFTER_EVICTION = 0.9

_SUPPORTED = (
    {os.open, os.stat, os.mkdir, os.unlink, os.rename} <= os.supports_dir_fd
    and {os.utime, os.scandir} <= os.supports_fd
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
)
if _SUPPORTED:
    _DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    _READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
    _WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


class CacheError(Exception):
    """The cache directory cannot be used; the message says why."""


class ResultCache:
    """Entries by key (64 hexadecimal digits) in `directory`, in at most `max_bytes`.

    The descriptors of the directories it used last are kept open until `close`: a scan reads
    and writes thousands of entries in 256 directories."""

    def __init__(self, directory: str, max_bytes: int = DEFAULT_CACHE_MAX_BYTES) -> None:
        self.directory = os.path.abspath(directory)
        self.max_bytes = max_bytes
        # "" (the directory itself), "v1", "v1/ab": descriptors opened by this process.
        self._kept = KeptDescriptors(KEPT_DESCRIPTORS)
        self._process = os.getpid()

    @classmethod
    def open(cls, directory: str, max_bytes: int = DEFAULT_CACHE_MAX_BYTES) -> ResultCache:
        """The cache in `directory`, made if need be; CacheError if it cannot be used."""
        if not _SUPPORTED:
            raise CacheError("this platform cannot open files relative to a directory")
        cache = cls(directory, max_bytes)
        try:
            os.makedirs(cache.directory, mode=0o700, exist_ok=True)
            cache._directory((), create=False)
        except OSError as exc:
            raise CacheError(f"cannot use {directory}: {exc.strerror or exc}") from None
        return cache

    def __getstate__(self) -> dict[str, Any]:
        # Descriptors are this process's.
        return {**self.__dict__, "_kept": KeptDescriptors(KEPT_DESCRIPTORS)}

    def close(self) -> None:
        if self._process == os.getpid():
            self._kept.close()
        else:  # a forked worker's are its parent's too
            self._kept.forget()

    def _directory(self, names: tuple[str, ...], create: bool) -> int:
        """The descriptor of DIR/names[0]/names[1]/..., following no link below DIR; with
        `create`, a missing directory is made and a link or file in its place replaced. Only
        the KEPT_DESCRIPTORS used last stay open (guardlint.parse.descriptors)."""
        path = "/".join(names)
        descriptor = self._kept.get(path)
        if descriptor is None:
            if not names:
                opened = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
            else:
                opened = _subdirectory(self._directory(names[:-1], create), names[-1], create)
            descriptor = self._kept.keep(path, opened)
        return descriptor

    def read(self, key: str, limit: int | None = None) -> Any:
        """The value stored under `key` in at most `limit` bytes (MAX_ENTRY_BYTES), None when
        there is none to use (one stored with a tail is none)."""
        data = self._bytes(key, limit)
        return None if data is None else _value(data, key)

    def read_with_tail(self, key: str, limit: int | None = None) -> tuple[Any, memoryview] | None:
        """The value stored under `key` with a tail, and the tail; None when there is none to
        use (one stored without a tail is none)."""
        data = self._bytes(key, limit)
        end = -1 if data is None else data.find(b"\n")
        if data is None or end < 0:
            return None
        whole = memoryview(data)
        value = _value(whole[:end], key)
        return None if value is None else (value, whole[end + 1 :])

    def _bytes(self, key: str, limit: int | None) -> bytes | None:
        try:
            shard = self._directory((FORMAT_DIRECTORY, key[:2]), False)
            return _read_entry(shard, key + _SUFFIX, limit or MAX_ENTRY_BYTES)
        except OSError:
            return None

    def write(
        self, key: str, value: Any, limit: int | None = None, tail: bytes | None = None
    ) -> bool:
        """Store `value` (JSON) under `key`, with `tail` after it if given, replacing what was
        there; False where it could not be written (more than `limit` bytes (MAX_ENTRY_BYTES),
        or the file system refused)."""
        data = orjson.dumps({"format": FORMAT, "key": key, "value": value})
        if tail is not None:
            data = b"".join((data, b"\n", tail))
        if len(data) > (limit or MAX_ENTRY_BYTES):
            return False
        name = key + _SUFFIX
        temporary = f".{key}.{os.getpid()}.{os.urandom(4).hex()}{_TEMPORARY}"
        try:
            shard = self._directory((FORMAT_DIRECTORY, key[:2]), create=True)
            descriptor = os.open(temporary, _WRITE_FLAGS, 0o600, dir_fd=shard)
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, name, src_dir_fd=shard, dst_dir_fd=shard)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=shard)
                raise
        except OSError:
            return False
        return True

    def evict(self) -> None:
        """Remove abandoned temporary files, and the least recently used entries while the
        entries take more than the size limit (down to 90% of it)."""
        try:
            entries = list(self._entries())
        except OSError:
            return
        total = sum(size for _, size, _, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, shard, name in sorted(entries):
            if total <= self.max_bytes * _KEPT_AFTER_EVICTION:
                break
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self._directory((FORMAT_DIRECTORY, shard), False))
            total -= size

    def _entries(self) -> Iterator[tuple[int, int, str, str]]:
        """(time of last use, size, shard directory, name) of every entry; temporary files
        that were abandoned are removed on the way."""
        now = time.time()
        with os.scandir(self._directory((FORMAT_DIRECTORY,), False)) as shards:
            names = [entry.name for entry in shards if entry.is_dir(follow_symlinks=False)]
        for shard in names:
            with contextlib.suppress(OSError):
                directory = self._directory((FORMAT_DIRECTORY, shard), False)
                for entry in list(os.scandir(directory)):
                    info = entry.stat(follow_symlinks=False)
                    if entry.name.endswith(_TEMPORARY):
                        if now - info.st_mtime > _ABANDONED_SECONDS:
                            with contextlib.suppress(OSError):
                                os.unlink(entry.name, dir_fd=directory)
                    elif entry.name.endswith(_SUFFIX) and stat.S_ISREG(info.st_mode):
                        yield info.st_mtime_ns, info.st_size, shard, entry.name


def _value(data: bytes | memoryview, key: str) -> Any:
    """The value of an entry's JSON written under `key`, None when it is not one."""
    try:
        entry = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return None
    return entry.get("value") if entry.get("key") == key else None


def _subdirectory(parent: int, name: str, create: bool) -> int:
    try:
        return os.open(name, _DIRECTORY_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
    except OSError:  # a symbolic link (ELOOP) or another file (ENOTDIR) in its place
        if not create:
            raise
        os.unlink(name, dir_fd=parent)
    with contextlib.suppress(FileExistsError):  # a concurrent run made it first
        os.mkdir(name, 0o700, dir_fd=parent)
    return os.open(name, _DIRECTORY_FLAGS, dir_fd=parent)


def _read_entry(shard: int, name: str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes, which is marked as used."""
    try:
        # Look before opening: opening a device or FIFO can act on it or wait.
        if not stat.S_ISREG(os.stat(name, dir_fd=shard, follow_symlinks=False).st_mode):
            return None
        descriptor = os.open(name, _READ_FLAGS, dir_fd=shard)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        size = info.st_size
        if not stat.S_ISREG(info.st_mode) or size > limit:
            return None
        data = os.read(descriptor, size + 1)  # the size it has: a bound costs a buffer of its size
        if len(data) > size:
            return None  # it grows: being written in place, not by guardlint
        with contextlib.suppress(OSError):
            os.utime(descriptor)  # used now: the last to be evicted
        return data
    except OSError:
        return None
    finally:
        os.close(descriptor)
