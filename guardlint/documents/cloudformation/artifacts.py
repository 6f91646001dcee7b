"""Files a template deploys from beside it (a function's CodeUri, an API's DefinitionUri): where
they are, and their content, read like every input (guardlint.parse.inputs) and never from
outside the scan root. They are not scanned documents of their own, but checks read them (bandit
on a function's Python code). Every look at them goes through guardlint.parse.lookups, so that
a cached result of the template is reused only while they are unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from guardlint.documents.cloudformation.resources import LAMBDA_FUNCTION, Resource, region_at
from guardlint.documents.dependencies import Budget, file_limit, note_unread, read_within
from guardlint.model.documents import Document
from guardlint.parse.inputs import (
    LEADS_INTO_VERSION_CONTROL,
    LEADS_OUTSIDE,
    InputError,
    leads_into_version_control,
)
from guardlint.parse.lookups import FILE, path_kind, real_path, walk

MAX_FILES_PER_FUNCTION = 500
# The code bandit analyses for one template, in all (dense code: about 3.5 s a megabyte; a
# comment or a long string costs next to nothing), each file within the scan's file-size limit.
CODE = Budget("the Python files bandit analyzes for one template", 2_000_000, "bytes")
# Build output, dependencies and tests are not the function's own code.
SKIPPED_CODE_DIRS = frozenset(
    {".aws-sam", ".git", "node_modules", "venv", ".venv", "site-packages", "__pycache__",
     ".pytest_cache", ".tox", "build", "dist", "tests", "test"}
)  # fmt: skip


def local_python_files(
    directory: Path, root: Path, document: Document, function: Resource
) -> Iterator[tuple[Path, bytes]]:
    """(real path, content) of the .py files of `function`'s code directory (or the file).

    It never leaves the scan root (the files are read as guardlint.parse.inputs reads the
    repository's), and skips dependencies and build output. A file or directory linked out of
    the root or into its version-control data, or a file refused as it is read (past the
    scan's file-size limit or the template's CODE budget, not a regular file), and the files
    past MAX_FILES_PER_FUNCTION, are not read: a GL001 note on `document` says so.
    """
    if path_kind(str(directory)) == FILE:
        candidates: Iterator[Path] = iter([directory])
    else:
        candidates = _walk_python(directory, root, document, function)
    read: set[str] = set()
    for count, path in enumerate(candidates):
        if count >= MAX_FILES_PER_FUNCTION:
            held = f"holds more than {MAX_FILES_PER_FUNCTION:,} Python files"
            _note_unanalyzed(document, function, directory, root, held)
            return
        real = real_path(str(path), str(root))
        refused = _refusal(str(path), real, root)
        if refused:
            _note_unanalyzed(document, function, path, root, refused)
            continue
        if real in read:
            continue  # the same file through a link
        read.add(real)
        try:
            yield Path(real), read_within(real, str(root), CODE, file_limit(document.source))
        except InputError as exc:
            if not exc.missing:
                _note_unanalyzed(document, function, Path(real), root, exc.reason)


def _walk_python(
    directory: Path, root: Path, document: Document, function: Resource
) -> Iterator[Path]:
    """The .py files below `directory`, through linked directories too (`sam build` and
    `sam package` copy what a link holds): each target inside the root entered once, which
    also cuts loops; a link out of the root, or into its version-control data, is a note."""
    entered = {str(directory)}

    def follow(link: str) -> bool:
        real = real_path(link, str(root))
        refused = _refusal(link, real, root)
        if refused:
            _note_unanalyzed(document, function, Path(link), root, refused)
            return False
        if real in entered:
            return False
        entered.add(real)
        return True

    for current, dirs, files in walk(str(directory), follow):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_CODE_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(current) / name


def _refusal(path: str, real: str | None, root: Path) -> str | None:
    """Why code at `path` (a link to `real`, None where it leads out) is not read: it leads
    out of the root or into its version-control data; None when it may be read."""
    if real is None:
        return LEADS_OUTSIDE
    if leads_into_version_control(path, real, str(root), str(root)):
        return LEADS_INTO_VERSION_CONTROL
    return None


def local_artifact_path(document: Document, uri: Any) -> Path | None:
    """The file or directory a local artifact path (CodeUri: src/) names, beside the
    template, when it stays inside the scan root; None for URLs, intrinsics and blanks."""
    source = document.source
    if source is None or not isinstance(uri, str) or "://" in uri or not uri.strip():
        return None
    path = real_path(str(Path(source.path).parent / uri.strip()), source.root or ".")
    return None if path is None else Path(path)


def _note_unanalyzed(
    document: Document, function: Resource, path: Path, root: Path, why: str
) -> None:
    """A GL001 note at the function's CodeUri (or Code): code bandit did not analyze, and why
    (a file past a limit, or a directory of too many files)."""
    key = "Code" if function.type == LAMBDA_FUNCTION else "CodeUri"
    where = region_at(function.props, key, function.region)
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    what = f"all of {shown}" if why.startswith("holds ") else shown
    why = f"it {why}" if why.startswith("holds ") else why
    note_unread(
        document,
        where,
        f"bandit (CFN030) did not analyze {what}, the code of function {function.logical_id}: "
        f"{why}",
    )
