"""A scan's result-cache entries in one, the scan's pack: a scan of the files an earlier scan
had reads their entries at once instead of one by one, and knows a file whose status is the
one it had then (device, inode, size, modification and change times) by its entry's key
without reading the file again: the status discovery's listing gave where the file was
reached through no link, else the one found now without following a link
(guardlint.parse.inputs: a status found through a link would tell what lies where it leads).

A pack is stored in the result cache (guardlint.engine.result_cache) under a key that digests
the scan's context and its files (their paths, kinds and templates, in order), so only the
same scan of the same tree finds it. It holds the entry key of each file, with the file's
status where the status can tell the file, and those entries, whose dependencies it holds once
for all of them (most are shared: the directories up to the root, the day), with the status of
each file they read where that status tells the bytes read (`read_unchanged`). Its files are a
list in the scan's order, which the key digests: it names no path (a third of its header's
bytes, and of the 5 ms a warm corpus scan took to decode it). The entries are the stored
pack's tail (guardlint.engine.result_cache), each found by its place in it, which its file's
item holds, and decoded when its file is looked up: a warm scan holds as objects the entry of
the file at hand, not those of every file at once (of a warm corpus scan, 6 MB and a fifth of
its page faults).
Its bytes are anyone's like every entry's: what does not check out is not used, and its
entries are checked as every entry is (guardlint.engine.cached). A pack changes nothing a
planted entry could not: a file is still reported as the entry under its key says.

A directory's status (device, inode, modification and change times) tells its names likewise,
as git's untracked cache has it: creating, removing, renaming or re-linking a name in it changes
its times, writing into a file does not (its reads keep their own status). The pack records it
for the directories whose names decide observations of its entries (`directory_unchanged`)
where the scan could list and search them and they hold no link (whose target could change its
kind unseen), and only for scans by the same user and groups (a name another may not look up is
found absent, the permissions unchanged).

A status tells a file only when the file was last changed more than SETTLED_NANOSECONDS before
the scan began. Otherwise the file could change again right after being read and keep the
status recorded (times have the precision of the file system's clock; git calls such entries
racily clean); a file changed after the scan began has a later change time.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from time import time_ns
from typing import Any, NamedTuple

import orjson

from guardlint.engine.cache_observations import names_directory
from guardlint.engine.result_cache import ResultCache
from guardlint.model.documents import SourceFile
from guardlint.parse.digests import blake2b
from guardlint.parse.inputs import READ, input_status, status_signature
from guardlint.parse.lookups import HELM_NAME

SETTLED_NANOSECONDS = 2 * 10**9
# A scan of fewer files has no pack: reading their entries one by one takes a few milliseconds.
MIN_FILES = 40
# A pack holds every entry of a scan: larger than one file's (result_cache.MAX_ENTRY_BYTES).
MAX_PACK_BYTES = 64 * 1024 * 1024

# Each file's status as recorded, and the key of its entry.
Files = dict[str, tuple[list[int] | None, str]]
# A file's item in a stored pack: its status as recorded (or None), the key of its entry, and
# the entry's place in the tail (start, size).
ITEM_SIZE = 4


class Known(NamedTuple):
    """A file the pack knows by its status: the status, its entry's key and the entry."""

    signature: list[int]
    key: str
    entry: Any


class ScanPack:
    """The pack of a scan's files as stored (`known`, `entry`), and the one this scan makes
    (`note`, `write`)."""

    def __init__(self, store: ResultCache, context: str, files: Sequence[SourceFile]) -> None:
        self._store = store
        identity = [
            context,
            [[f.root, f.path, f.rel_path, f.kind, f.template, f.chart_template] for f in files],
        ]
        # 350 KB for the corpus: CPython's blake2b (guardlint.parse.digests), three times its
        # sha256, and a warm scan need not load OpenSSL's.
        self.key = blake2b(b"pack" + orjson.dumps(identity), digest_size=32).hexdigest()
        self._settled_before = time_ns() - SETTLED_NANOSECONDS
        self._kept = len(files) >= MIN_FILES
        self._paths = [f.path for f in files]
        # The status of each file of the scan reached through no link, as discovery listed it.
        self._listed = {(f.path, f.root): f.status for f in files if f.status is not None}
        stored = store.read_with_tail(self.key, MAX_PACK_BYTES) if self._kept else None
        value, self._tail = stored if stored is not None else (None, memoryview(b""))
        items = value.get("files") if type(value) is dict else None
        valid = type(items) is list and len(items) == len(files)
        # Each file's item by its path (a path named twice is one file, as this scan notes it).
        self._files: dict[str, Any] = dict(zip(self._paths, items, strict=True)) if valid else {}
        self._places: dict[str, tuple[Any, Any]] | None = None  # by entry key, made when asked
        self._dependencies: list[Any] = value.get("dependencies", []) if valid else []
        self._read_statuses: list[Any] = value.get("read_statuses", []) if valid else []
        if type(self._dependencies) is not list:
            self._files, self._dependencies = {}, []
        if type(self._read_statuses) is not list:
            self._read_statuses = []
        directories = value.get("directories") if valid else None
        credentials = _credentials()
        same_looker = valid and credentials is not None and value.get("credentials") == credentials
        self._directories = directories if same_looker and type(directories) is dict else {}
        self._unchanged_directories: dict[str, bool] = {}
        helm_sets = value.get("helm_sets") if same_looker else None
        self._helm_sets: list[Any] = helm_sets if type(helm_sets) is list else []
        self._helm_digests: dict[tuple[str, str], str | None] = {}  # now, by (top, root)
        self._roots = {f.root for f in files if f.root is not None}
        self._noted: Files = {}
        self._noted_entries: dict[str, Any] = {}
        self._kept_keys: set[str] = set()  # of the entries `keep` took from this pack
        self._noted_anew = False  # whether `note` noted a file

    def known(self, source: SourceFile) -> Known | None:
        """What the pack holds of a file whose status is the one recorded (a file of the tree:
        not standard input)."""
        if source.root is None or source.content is not None:
            return None
        recorded = self._files.get(source.path)
        if type(recorded) is not list or len(recorded) != ITEM_SIZE or recorded[0] is None:
            return None
        signature, key, start, size = recorded
        if type(key) is not str or self._status(source) != signature:
            return None
        entry = self._decoded(start, size)
        return None if entry is None else Known(signature, key, entry)

    @staticmethod
    def _status(source: SourceFile) -> list[int] | None:
        """The file's status as discovery listed it, or as found now without following a link."""
        if source.status is not None:
            return source.status
        info = input_status(source.path, source.root)  # type: ignore[arg-type]
        return None if info is None else status_signature(info)

    def keep(self, source: SourceFile, known: Known) -> None:
        """The file as the pack knew it, its entry checked: in the pack this scan makes."""
        self._noted[source.path] = (known.signature, known.key)
        self._kept_keys.add(known.key)

    def entry(self, key: str) -> Any:
        """The entry the pack holds under `key`, None if none: decoded anew on each call (a
        scan asks once per file it does not know by its status, and to write the pack anew)."""
        if self._places is None:
            self._places = {}
            for item in self._files.values():
                if type(item) is list and len(item) == ITEM_SIZE and type(item[1]) is str:
                    self._places[item[1]] = item[2], item[3]
        place = self._places.get(key)
        return None if place is None else self._decoded(*place)

    def _decoded(self, start: Any, size: Any) -> Any:
        """The entry of `size` bytes at `start` in the tail; None where that is no span of the
        tail, or holds no JSON."""
        if type(start) is not int or type(size) is not int:
            return None
        if not 0 <= start <= start + size <= len(self._tail):
            return None
        try:
            return orjson.loads(self._tail[start : start + size])
        except orjson.JSONDecodeError:
            return None

    def dependency(self, index: int) -> Any:
        """The dependency its entries name by `index`, None if none: the files of a scan share
        most of theirs (the directories up to the root, the day), so the pack holds each
        once, and its entries' dependencies are indexes into that table."""
        return self._dependencies[index] if 0 <= index < len(self._dependencies) else None

    def read_unchanged(self, index: int, path: str, root: str) -> bool:
        """Whether the file that the read its entries name by `index` read (`path` below
        `root`) has the status the pack recorded: its bytes are then those the read found."""
        recorded = self._read_statuses[index] if 0 <= index < len(self._read_statuses) else None
        if type(recorded) is not list:
            return False
        # Most are files of this scan (a Compose file a Dockerfile's scan reads): the status
        # discovery listed, as input_status tells it, is then not looked up again.
        listed = self._listed.get((path, root))
        if listed is not None:
            return listed == recorded
        info = input_status(path, root)
        return info is not None and status_signature(info) == recorded

    def directory_unchanged(self, directory: str) -> bool:
        """Whether `directory` has the status the pack recorded: the names in it are then
        those its entries' observations found (see the module's docstring)."""
        verdict = self._unchanged_directories.get(directory)
        if verdict is None:
            recorded = self._directories.get(directory)
            verdict = type(recorded) is list and _directory_status(directory) == recorded
            self._unchanged_directories[directory] = verdict
        return verdict

    def helm_set_top(self, index: int, path: str) -> str | None:
        """Where the Helm template set its entries name by `index` starts, as recorded for
        the chart template at `path`; None where none is recorded."""
        found = self._helm_set(index, path)
        return None if found is None else found[0]

    def helm_set_unchanged(self, index: int, path: str, root: str) -> bool:
        """Whether the Helm template set its entries name by `index` (the observation of the
        chart template at `path` below the scan `root`) is as the pack recorded it, by the
        statuses of what decides it (guardlint.engine.helm_sets); its top is one the caller
        found inside the scan root (`helm_set_top`). Each top is looked at once a scan."""
        from guardlint.engine.helm_sets import statuses_digest

        found = self._helm_set(index, path)
        if found is None:
            return False
        top, digest = found
        if (top, root) not in self._helm_digests:
            self._helm_digests[top, root] = statuses_digest(top, root)
        return self._helm_digests[top, root] == digest

    def _helm_set(self, index: int, path: str) -> tuple[str, str] | None:
        from guardlint.engine.helm_sets import recorded_set

        recorded = self._helm_sets[index] if 0 <= index < len(self._helm_sets) else None
        return recorded_set(recorded, path)

    def note(self, source: SourceFile, info: os.stat_result, key: str, entry: Any) -> None:
        """The file as this scan found it: its status when read, the key of its entry and the
        entry (None when it is not cached, or was written by a worker process)."""
        self._noted[source.path] = (status_signature(info) if self._settled(info) else None, key)
        self._noted_anew = True
        if entry is not None:
            self._noted_entries[key] = entry

    def write(self, changed: bool) -> None:
        """Store the pack this scan makes, when the scan `changed` entries or it differs from
        the stored one: the entries of its files (those workers wrote read back)."""
        if not self._kept:
            return
        # Each file kept (`keep`) is noted as the stored pack knows it (whose paths are this
        # scan's): the pack is unchanged where all were.
        every_file_kept = bool(self._files) and len(self._noted) == len(self._files)
        if not changed and not self._noted_anew and every_file_kept:
            return
        noted = [self._noted.get(path) for path in self._paths]
        if not changed and noted == self._stored_notes():
            return
        entries = {}
        for _, key in self._noted.values():
            entry = self._noted_entries.get(key)
            if entry is None:
                entry = self.entry(key) if key in self._kept_keys else self._store.read(key)
            entries[key] = entry
        table: dict[bytes, int] = {}
        places: dict[str, list[int]] = {}
        tail: list[bytes] = []
        size = 0
        for key, entry in entries.items():
            indexes = self._indexes(entry, table)
            if indexes is not None:
                packed = orjson.dumps({"dependencies": indexes, "outcome": entry["outcome"]})
                places[key] = [size, len(packed)]
                tail.append(packed)
                size += len(packed)
        files = [None if item is None or item[1] not in places else [*item, *places[item[1]]]
                 for item in noted]  # fmt: skip
        dependencies = [orjson.loads(item) for item in table]
        read_statuses = [self._read_status(item) for item in dependencies]
        self._store.write(
            self.key,
            {"files": files, "dependencies": dependencies,
             "read_statuses": read_statuses, "credentials": _credentials(),
             "directories": self._directory_statuses(dependencies),
             "helm_sets": self._helm_set_statuses(dependencies)},
            MAX_PACK_BYTES,
            b"".join(tail),
        )  # fmt: skip

    def _stored_notes(self) -> list[Any]:
        """What this scan would note of each file to find the stored pack as it is."""
        items = (self._files.get(path) for path in self._paths)
        return [tuple(item[:2]) if type(item) is list else item for item in items]

    def _read_status(self, item: Any) -> list[int] | None:
        """The status of the file a read dependency read, where the status tells its bytes:
        the file was settled before this scan began, and this scan found the bytes recorded
        (it recorded or checked every dependency of its files) or this status. None for any
        other dependency, and for a read of no file of a scan root reached through no link."""
        if type(item) is not list or len(item) != 4 or item[0] != READ:
            return None
        path, how = item[1], item[2]
        if type(path) is not str or type(how) is not list or len(how) != 2:
            return None
        if type(how[1]) is not str or how[1] not in self._roots:
            return None
        info = input_status(path, how[1])
        return status_signature(info) if info is not None and self._settled(info) else None

    def _directory_statuses(self, dependencies: list[Any]) -> dict[str, list[int]]:
        """The status of each directory whose names decide a dependency, where it tells them:
        settled before this scan began (so unchanged while it looked), listed and searched by
        this process, holding no link."""
        statuses: dict[str, list[int]] = {}
        if _credentials() is None:
            return statuses
        for what, path, how, state in dependencies:
            directory = names_directory((what, path, tuple(how)), state)
            if directory is None or directory in statuses:
                continue
            status = _directory_status(directory)
            settled = status is not None and max(status[2:]) < self._settled_before
            if settled and _linkless(directory):
                statuses[directory] = status  # type: ignore[assignment]
        return statuses

    def _helm_set_statuses(self, dependencies: list[Any]) -> list[list[str] | None]:
        """For each Helm template set observation, its top and the digest of the statuses that
        tell it (guardlint.engine.helm_sets), where they do; None for every other dependency.
        Like a directory's status, only for scans by the same user and groups."""
        if _credentials() is None:
            return []
        from guardlint.engine.helm_sets import set_status

        statuses: list[list[str] | None] = []
        digests: dict[tuple[str, str], str | None] = {}  # by (top, root)
        for what, path, how, _ in dependencies:
            if what == HELM_NAME and type(how) is list and len(how) == 1 and how[0] in self._roots:
                statuses.append(set_status(path, how[0], self._settled_before, digests))
            else:
                statuses.append(None)
        return statuses

    def _settled(self, info: os.stat_result) -> bool:
        """Whether the file was last changed long enough before this scan began for its status
        to tell it (see the module's docstring)."""
        return max(info.st_mtime_ns, info.st_ctime_ns) < self._settled_before

    def _indexes(self, entry: Any, table: dict[bytes, int]) -> list[int] | None:
        """The entry's dependencies as indexes into the `table` being made (each new one added),
        from this pack's indexes or written out; None where the entry is not one to pack."""
        if type(entry) is not dict or type(entry.get("dependencies")) is not list:
            return None
        if "outcome" not in entry:
            return None
        indexes = []
        for item in entry["dependencies"]:
            if type(item) is int:
                item = self.dependency(item)
                if item is None:
                    return None
            spelled = orjson.dumps(item)
            indexes.append(table.setdefault(spelled, len(table)))
        return indexes


def _credentials() -> list[Any] | None:
    """Who looks: the effective user and groups (None where the platform has none)."""
    if not hasattr(os, "geteuid"):
        return None
    return [os.geteuid(), os.getegid(), sorted(os.getgroups())]


def _directory_status(directory: str) -> list[int] | None:
    """The status of the directory `directory` leads to (None where it is none)."""
    try:
        info = os.stat(directory)
    except (OSError, ValueError):
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    return [info.st_dev, info.st_ino, info.st_mtime_ns, info.st_ctime_ns]


def _linkless(directory: str) -> bool:
    """Whether this process can list and search `directory`, and it holds no symbolic link."""
    effective = os.access in os.supports_effective_ids
    if not os.access(directory, os.R_OK | os.X_OK, effective_ids=effective):
        return False
    try:
        with os.scandir(directory) as listing:
            return not any(entry.is_symlink() for entry in listing)
    except OSError:
        return False
