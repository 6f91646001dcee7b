"""Walk the paths to scan, skip what is excluded, and name each file's kind.

Kinds by name: `dockerfile`, `compose`. YAML/JSON files whose content might be IaC are
`structured`: their documents are classified after parsing (documents.py). A cheap text sniff
drops YAML/JSON that cannot be any of our kinds without parsing it. A Helm chart's templates/
directory is skipped: its files are Go templates, which would only be parse-error noise.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from guardlint.model import SourceFile
from guardlint.parse.text import printable

SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", ".idea", ".eggs",
    }
)  # fmt: skip
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_COMPOSE_NAME = re.compile(
    r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$|^docker-compose\.ya?ml$", re.IGNORECASE
)
# A structured file is only worth parsing when one of these appears in its text.
# `s(?<=\bs)ervices` is `\bservices` starting with a literal: when every alternative does, the
# regex engine skips ahead by first character (3x faster through a non-IaC file).
_IAC_SNIFF = re.compile(
    r"AWSTemplateFormatVersion|AWS::|apiVersion|s(?<=\bs)ervices\b|Statement|Resources",
    re.ASCII,
)


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not IaC (by name or by sniff)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (rel_path, reason)
    visited_dirs: set[str] = field(default_factory=set, repr=False)


def kind_by_name(name: str) -> str | None:
    lower = name.lower()
    if lower in ("dockerfile", "containerfile") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower.startswith(("dockerfile.", "containerfile.")) and not lower.endswith(
        (".dockerignore", ".md", ".txt")
    ):
        return "dockerfile"
    if _COMPOSE_NAME.match(name):
        return "compose"
    if lower.endswith(STRUCTURED_SUFFIXES):
        return "structured"
    return None


def is_helm_templates_dir(path: str) -> bool:
    """The templates/ directory of a Helm chart (its parent holds Chart.yaml)."""
    return os.path.basename(path) == "templates" and os.path.isfile(
        os.path.join(os.path.dirname(path), "Chart.yaml")
    )


def sniff_structured(head: str) -> bool:
    return bool(_IAC_SNIFF.search(head))


def _excluded(rel_path: str, patterns: Iterable[str]) -> bool:
    name = rel_path.rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if (
            fnmatch.fnmatch(rel_path, pattern)
            or fnmatch.fnmatch(name, pattern)
            or fnmatch.fnmatch(rel_path, pattern + "/*")
            or rel_path.startswith(pattern + "/")
        ):
            return True
    return False


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _relative(path: str, root: str) -> str:
    rel = os.path.relpath(path, root)
    if rel == os.curdir:
        return "."
    # A name that is not valid UTF-8 (kept by Python as lone surrogates) would make every
    # report fail to encode: show it with U+FFFD instead; control characters in a name would
    # reach the terminal (progress line, text report): show them escaped. The file is still
    # read by `path`.
    decodable = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return printable(decodable.replace(os.sep, "/"))


def scan_root(paths: list[str]) -> str:
    """The directory findings are relative to: the working directory when every path is inside
    it (so SARIF URIs are repository-relative, as GitHub code scanning expects), otherwise the
    common parent of the paths."""
    cwd = os.getcwd()
    absolute = [os.path.abspath(p) for p in paths] or [cwd]
    if all(p == cwd or p.startswith(cwd.rstrip(os.sep) + os.sep) for p in absolute):
        return cwd
    dirs = [p if os.path.isdir(p) else os.path.dirname(p) for p in absolute]
    return os.path.commonpath(dirs)


def discover(paths: list[str], root: str, excludes: Iterable[str] = ()) -> Discovery:
    """Every file under `paths` that some pack may scan, in a stable order."""
    result = Discovery()
    excludes = list(excludes)
    real_root = os.path.realpath(root)
    by_real_path: dict[str, int] = {}  # a file's real path -> its index in result.files
    real_dirs: dict[str, str] = {}
    for path in paths:
        for source in _walk(os.path.abspath(path), root, real_root, excludes, result):
            real = _real_path(source.path, real_dirs)
            if real not in by_real_path:
                by_real_path[real] = len(result.files)
                result.files.append(source)
                continue
            kept = result.files[by_real_path[real]]
            if kept.path == source.path:
                continue  # the same file through overlapping path arguments
            # One file under two names (a symlink): scan it once, under its own name.
            if os.path.islink(kept.path) and not os.path.islink(source.path):
                result.files[by_real_path[real]], source = source, kept
            result.skipped.append(source.rel_path)
    result.files.sort(key=lambda f: f.rel_path)
    return result


def _real_path(path: str, real_dirs: dict[str, str]) -> str:
    """os.path.realpath(path), resolving each directory once (realpath checks every
    component of the path: most of discovery's time on a large tree)."""
    if os.path.islink(path):
        return os.path.realpath(path)
    directory, name = os.path.split(path)
    if directory not in real_dirs:
        real_dirs[directory] = os.path.realpath(directory)
    return os.path.join(real_dirs[directory], name)


def _walk(
    path: str, root: str, real_root: str, excludes: list[str], result: Discovery
) -> Iterator[SourceFile]:
    """Depth first with an explicit stack: a tree thousands of directories deep must not
    exhaust Python's recursion limit."""
    pending = [path]
    while pending:
        found = _visit(pending.pop(), root, real_root, excludes, result)
        if isinstance(found, SourceFile):
            yield found
        else:
            pending.extend(reversed(found))


def _visit(
    path: str, root: str, real_root: str, excludes: list[str], result: Discovery
) -> SourceFile | list[str]:
    """The file to scan at `path`, or the paths inside the directory at `path`."""
    rel = _relative(path, root)
    if rel != "." and _excluded(rel, excludes):
        return []
    try:
        info = os.stat(path)
    except OSError as exc:
        if os.path.islink(path) and exc.errno in (errno.ENOENT, errno.ELOOP):
            result.skipped.append(rel)  # a broken link or a link loop: nothing to scan
        elif exc.errno != errno.ENOENT:
            result.errors.append((rel, exc.strerror or str(exc)))
        elif kind_by_name(os.path.basename(path)) is not None:
            result.errors.append((rel, "file vanished during the scan"))
        return []
    if os.path.islink(path) and not _inside(path, real_root):
        result.skipped.append(rel)  # never follow a link out of the scan root
        return []
    if stat.S_ISDIR(info.st_mode):
        return _dir_entries(path, root, result)
    if not stat.S_ISREG(info.st_mode):
        result.skipped.append(rel)  # FIFOs, sockets and devices are never opened
        return []
    kind = kind_by_name(os.path.basename(path))
    if kind is None:
        result.skipped.append(rel)
        return []
    return SourceFile(path=path, rel_path=rel, kind=kind, root=root)


def _dir_entries(path: str, root: str, result: Discovery) -> list[str]:
    if path != root and (os.path.basename(path) in SKIPPED_DIRS or _is_virtualenv(path)):
        return []
    if is_helm_templates_dir(path):
        # Go templates, not YAML until `helm template` renders them: scan the rendered output.
        # Each file counts as skipped, so the summary still accounts for every file.
        result.skipped.extend(
            _relative(os.path.join(directory, name), root)
            for directory, _, names in os.walk(path)
            for name in names
        )
        return []
    real = os.path.realpath(path)
    if real in result.visited_dirs:
        return []  # reached again through a symlink: a loop or a duplicate
    result.visited_dirs.add(real)
    try:
        entries = sorted(os.listdir(path))
    except PermissionError:
        result.errors.append((_relative(path, root), "permission denied"))
        return []
    except OSError as exc:
        result.errors.append((_relative(path, root), exc.strerror or str(exc)))
        return []
    return [os.path.join(path, entry) for entry in entries]
