"""Compose's `include:`, short syntax (`- ./db/compose.yaml`) or long (`path` a file, or a
list of files merged in order, `project_directory`, `env_file`), every path relative to the
including file's directory. Seen from a file included: the entry that includes it, which says
how Compose reads it there (`inclusion`); seen from the including file: the services it copies
from the files it includes (`included_service_names`), or why they are not known here
(`Unread`).

The including file is looked for where projects put it (guardlint.documents.project_files);
each is parsed once per scan. An entry whose path is left to a variable without a default, or
leads out of the scan root, includes nothing here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from guardlint.documents.dependencies import file_limit
from guardlint.documents.project_files import (
    MAX_LOOKUP_BYTES,
    MAX_PROJECT_FILE_BYTES,
    TOO_LARGE,
    LookupBudget,
    compose_files_above,
    first_document,
)
from guardlint.model.documents import SourceFile
from guardlint.parse.compose_interpolation import interpolate_values
from guardlint.parse.dotenv import read_env_file
from guardlint.parse.inputs import lies_inside
from guardlint.parse.recorder import per_snapshot

MAX_PATHS = 16  # files or environment files one include entry names, past which it is cut
# Document.meta: the include entry of the file (an Inclusion), None when no project includes it.
INCLUSION = "compose_inclusion"


MAX_INCLUDED_FILES = 32  # files read for the services a project includes, nested ones too
MAX_INCLUDE_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Inclusion:
    """One `include:` entry, its paths absolute and normalised."""

    includer: str  # the Compose file whose entry it is
    files: tuple[str, ...]  # merged in this order: the later ones are fragments of the first
    env_files: tuple[str, ...]  # the variables' files, merged in order (none: the default)
    project_directory: str  # where the default `.env` file is

    def is_fragment(self, source: SourceFile) -> bool:
        """Whether the file `source` is merged into an earlier one of the entry."""
        return os.path.abspath(source.path) in self.files[1:]


def inclusion(source: SourceFile) -> Inclusion | None:
    """The first entry that includes the file `source` of the Compose files in its directory
    and those above it, nearest first; None for a file no project includes here (standard
    input, a template, a file scanned without a root)."""
    if source.root is None:
        return None
    root, here = os.path.abspath(source.root), os.path.abspath(source.path)
    budget = LookupBudget()
    for includer in compose_files_above(source):
        if includer == here:
            continue
        if not budget.affords(includer, root):
            return None  # not known here, as for a file past its size limit
        if (entry := _entries(includer, root, file_limit(source)).get(here)) is not None:
            return entry
    return None


@dataclass(frozen=True, slots=True)
class Unread:
    """Why the services a file includes are not known here: the entry of its own `include:`
    that leads to what could not be read (None: the `include:` itself), and the reason."""

    entry: int | None
    reason: str


def included_service_names(source: SourceFile | None, include: Any) -> frozenset[str] | Unread:
    """The names of the services that the Compose file `source`, whose (interpolated)
    `include:` is `include`, copies from the files it includes, and those include in turn;
    Unread when one cannot be read here (a path left to a variable, remote, out of the scan
    root, absent, past the bounds), so that what the project defines is not known."""
    if source is None or source.root is None or source.template or source.path == "-":
        return Unread(None, "the file has no place in a scanned tree")
    root = os.path.abspath(source.root)
    here = os.path.abspath(source.path)
    names: set[str] = set()
    # (including file, its project directory, its include list, depth, own entry it leads from)
    pending: list[tuple[str, str, Any, int, int | None]] = [
        (here, os.path.dirname(here), include, 0, None)
    ]
    budget = MAX_INCLUDED_FILES
    parsed = LookupBudget()
    while pending:
        includer, directory, listed, depth, led_from = pending.pop()
        if not isinstance(listed, list):
            return Unread(led_from, "an `include:` that is not a list")
        if depth >= MAX_INCLUDE_DEPTH:
            return Unread(led_from, f"includes nested more than {MAX_INCLUDE_DEPTH} deep")
        for index, item in enumerate(listed):
            entry_of = index if led_from is None else led_from
            entry = _entry(includer, directory, root, item)
            if entry is None:
                return Unread(entry_of, _unfollowed(item))
            if len(entry.files) > budget:
                return Unread(entry_of, f"past the {MAX_INCLUDED_FILES} included files read")
            budget -= len(entry.files)
            for path in entry.files:
                if not parsed.affords(path, root):
                    return Unread(
                        entry_of,
                        f"the Compose files one lookup reads are parsed up to "
                        f"{MAX_LOOKUP_BYTES:,} bytes in all",
                    )
                data = first_document(path, root)
                if not isinstance(data, dict):
                    return Unread(entry_of, _unparsed(path, root, data))
                if isinstance(data.get("services"), dict):
                    names.update(str(name) for name in data["services"])
                if "include" in data:
                    pending.append(
                        (path, entry.project_directory, data["include"], depth + 1, entry_of)
                    )
    return frozenset(names)


def _unfollowed(item: Any) -> str:
    path = item.get("path") if isinstance(item, dict) else item
    if isinstance(path, str) and "://" in path:
        return "a remote include, which Compose fetches and guardlint never does"
    return "a path left to a variable, absolute or out of the scan root"


def _unparsed(path: str, root: str, data: Any) -> str:
    name = os.path.relpath(path, root)
    if data is TOO_LARGE:
        return f"{name} is larger than the {MAX_PROJECT_FILE_BYTES:,} bytes read of it"
    return f"{name} is absent or not a Compose file"


@per_snapshot
def _entries(path: str, root: str, limit: int) -> dict[str, Inclusion]:
    """The `include:` entries of the Compose file at `path`, by each file they include (the
    first entry naming it); none when there is no such file or it is not one Compose reads.
    `limit`: the scan's file-size limit (file_limit), the .env file is read within."""
    first = first_document(path, root)
    listed = first.get("include") if isinstance(first, dict) else None
    if not isinstance(listed, list):
        return {}
    # Interpolated with the variables of the including project's .env file (within the scan's
    # file-size limit; the including file's own scan notes a file past it), read only for a
    # path left to a variable.
    if _holds_a_variable(listed):
        env = read_env_file(os.path.join(os.path.dirname(path), ".env"), limit, root)
        interpolate_values(listed, env)
    directory = os.path.dirname(path)
    by_file: dict[str, Inclusion] = {}
    for item in listed:
        entry = _entry(path, directory, root, item)
        for file in entry.files if entry is not None else ():
            by_file.setdefault(file, entry)  # type: ignore[arg-type]
    return by_file


def _holds_a_variable(value: Any) -> bool:
    """Whether a string of `value` (an include list as parsed) holds a `$`: the values
    interpolation reads (it leaves keys as written), each map or list looked at once."""
    seen: set[int] = set()
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if "$" in node:
                return True
        elif isinstance(node, (dict, list)) and id(node) not in seen:
            seen.add(id(node))
            pending.extend(node.values() if isinstance(node, dict) else node)
    return False


def _entry(includer: str, directory: str, root: str, item: Any) -> Inclusion | None:
    """One entry (a path, or `{path, project_directory, env_file}`), its paths resolved from
    the including file's directory, lexically as Compose joins them."""
    options = item if isinstance(item, dict) else {"path": item}
    files = _paths(directory, root, options.get("path"))
    env_files = _paths(directory, root, options.get("env_file"))
    project = _paths(directory, root, options.get("project_directory"))
    if not files or None in files or None in env_files or None in project:
        return None
    # Compose's default project directory is the (first) included file's.
    project_directory = project[0] if project else os.path.dirname(files[0])
    return Inclusion(includer, files, env_files, project_directory)  # type: ignore[arg-type]


def _paths(directory: str, root: str, value: Any) -> tuple[str | None, ...]:
    """A path or list of paths, each absolute and normalised; None for one this scan cannot
    follow (left to a variable, absolute, out of the scan root, not text)."""
    listed = value if isinstance(value, list) else [] if value is None else [value]
    return tuple(_path(directory, root, item) for item in listed[:MAX_PATHS])


def _path(directory: str, root: str, item: Any) -> str | None:
    if not isinstance(item, str) or not item.strip() or "$" in item or os.path.isabs(item):
        return None
    where = os.path.normpath(os.path.join(directory, item.strip()))
    return where if lies_inside(where, root) else None
