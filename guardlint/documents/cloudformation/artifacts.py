"""Files a template deploys from beside it (a function's CodeUri, an API's DefinitionUri): where
they are, and their content, read like every input (guardlint.parse.inputs) and never from
outside the scan root. They are not scanned documents of their own, but checks read them (bandit
on a function's Python code). Every look at them goes through guardlint.parse.lookups, so that
a cached result of the template is reused only while they are unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from guardlint.model import Document
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.lookups import FILE, path_kind, real_path, walk

MAX_FILES_PER_FUNCTION = 500
MAX_FILE_BYTES = 1_000_000
# Build output, dependencies and tests are not the function's own code.
SKIPPED_CODE_DIRS = frozenset(
    {".aws-sam", ".git", "node_modules", "venv", ".venv", "site-packages", "__pycache__",
     ".pytest_cache", ".tox", "build", "dist", "tests", "test"}
)  # fmt: skip


def local_python_files(directory: Path, root: Path) -> Iterator[tuple[Path, bytes]]:
    """(real path, content) of the .py files of a function's code directory (or the file).

    It never leaves the scan root (links pointing outside are skipped, and the files are read
    as guardlint.parse.inputs reads the repository's), skips dependencies and build output,
    and caps the number and size of files.
    """
    if path_kind(str(directory)) == FILE:
        candidates: Iterator[Path] = iter([directory])
    else:
        candidates = _walk_python(directory)
    for count, path in enumerate(candidates):
        if count >= MAX_FILES_PER_FUNCTION:
            return
        real = Path(real_path(str(path)))
        if not real.is_relative_to(root):
            continue
        try:
            content = read_input(str(real), MAX_FILE_BYTES, str(root))
        except InputError:
            continue
        yield real, content


def _walk_python(directory: Path) -> Iterator[Path]:
    for current, dirs, files in walk(str(directory)):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_CODE_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(current) / name


def local_artifact_path(document: Document, uri: Any) -> Path | None:
    """The file or directory a local artifact path (CodeUri: src/) names, beside the
    template, when it stays inside the scan root; None for URLs, intrinsics and blanks."""
    source = document.source
    if source is None or not isinstance(uri, str) or "://" in uri or not uri.strip():
        return None
    root = Path(real_path(source.root or "."))
    path = Path(real_path(str(Path(source.path).parent / uri.strip())))
    return path if path.is_relative_to(root) else None
