"""Walk the paths to scan, skip what is excluded, and name each file's kind.

Kinds by name (names.py): `dockerfile`, `compose`, `appspec` (CodeDeploy), `buildspec` (AWS
CodeBuild), `ecs` (task definitions and Dockerrun.aws.json). A file of these kinds is parsed
whatever its text, so a broken one is reported. YAML/JSON files whose content might be IaC are
`structured`: their documents are classified after parsing (documents.py). A cheap text sniff
drops YAML/JSON that cannot be any of our kinds without parsing it. Under a Helm chart's
templates/, a YAML/JSON name that is no partial (`_helpers.yaml`) is a manifest as Helm
renders it, judged where no value changes that (guardlint.parse.helm_templates); every other
file there (`_helpers.tpl`, `NOTES.txt`) is of the kind HELM_SUPPORT, judged only for whether
Helm refuses its chart for it, and otherwise skipped. A template for substitution
(`deploy.yaml.j2`, guardlint.parse.substitution) has the kind of the file it becomes. A CDK
cloud assembly's asset folders and files without templates are skipped
(guardlint.parse.cdk_assembly).

Every file and directory that is not scanned is counted with the reason (SKIP_REASONS), so the
summary accounts for what a repository kept out of the scan.

The walk costs the same for every directory however deep it sits: a directory's real path and
its path relative to the root are its parent's plus its name, and its entries' types come from
the directory listing, so only links need a look-up of the whole path.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from guardlint.discover.dependents import chart_manifest, with_dependents
from guardlint.discover.excludes import Excludes
from guardlint.discover.links import leads_out, resolve_link
from guardlint.discover.names import kind_by_name, template_of
from guardlint.model.documents import SourceFile
from guardlint.parse.beneath import resolve_beneath
from guardlint.parse.cdk_assembly import MANIFEST, NO_TEMPLATE, STAGED_ASSET, AssemblyEntries
from guardlint.parse.helm_charts import (
    HELM_IGNORED,
    HELM_REFUSED,
    HELM_SUPPORT,
    HELM_TEMPLATE,
    below_chart_templates,
)
from guardlint.parse.inputs import VERSION_CONTROL_DIRS, listed_status, relative_path
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.substitution import TEMPLATE
from guardlint.parse.text import peek, printable

if TYPE_CHECKING:  # imported by --shard only (a frozen dataclass: 1 ms of each start)
    from guardlint.discover.shards import Shard

# Why a file or directory was not scanned: the keys of the JSON summary's `skip_reasons`.
NOT_IAC_NAME = "not-iac-name"
NOT_IAC_CONTENT = "not-iac-content"
EXCLUDED = "excluded"
LINK_OUTSIDE_ROOT = "link-outside-root"
BROKEN_LINK = "broken-link"
DUPLICATE = "duplicate"
SPECIAL_FILE = "special-file"
VERSION_CONTROL = "version-control"
DEPENDENCIES = "dependencies"
VIRTUAL_ENVIRONMENT = "virtual-environment"
CACHE = "cache"
EDITOR_SETTINGS = "editor-settings"
LINK_LOOP = "link-loop"
CDK_ASSET, CDK_METADATA = STAGED_ASSET, NO_TEMPLATE
SKIP_REASONS = {
    NOT_IAC_NAME: "not IaC by name",
    NOT_IAC_CONTENT: "not IaC by content",
    EXCLUDED: "excluded",
    HELM_TEMPLATE: "Helm templates",
    HELM_IGNORED: "left out of its Helm chart (.helmignore)",
    HELM_REFUSED: "Helm templates of a chart Helm refuses (a template text/template cannot parse)",
    TEMPLATE: "unfilled templates",
    LINK_OUTSIDE_ROOT: "link out of the scan root or into .git",
    BROKEN_LINK: "broken link or link loop",
    DUPLICATE: "same file as another (a link)",
    SPECIAL_FILE: "FIFO, socket or device",
    VERSION_CONTROL: "version control",
    DEPENDENCIES: "dependencies",
    VIRTUAL_ENVIRONMENT: "virtual environment",
    CACHE: "cache",
    EDITOR_SETTINGS: "editor settings",
    LINK_LOOP: "reached again through a link",
    CDK_ASSET: "CDK staged assets (--cdk-assets scans them)",
    CDK_METADATA: "CDK assembly metadata and context",
}
SKIPPED_DIRS = {
    **dict.fromkeys(VERSION_CONTROL_DIRS, VERSION_CONTROL),
    **dict.fromkeys(("node_modules", ".terraform", ".eggs"), DEPENDENCIES),
    **dict.fromkeys(
        ("__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox"), CACHE
    ),
    ".idea": EDITOR_SETTINGS,
}
_VENV_HOME = LazyPattern(rb"^[ \t]*home[ \t]*=", re.MULTILINE)
_VENV_INTERPRETERS = (("bin", "python"), ("Scripts", "python.exe"))
_VENV_CONFIG_MAX_BYTES = 64 * 1024


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Discovery:
    """The files a walk selected and what it passed over, with why."""

    files: list[SourceFile] = field(default_factory=list)
    skipped_files: Counter = field(default_factory=Counter)  # reason -> files not scanned
    skipped_dirs: Counter = field(default_factory=Counter)  # reason -> directories not walked
    errors: list[tuple[str, str]] = field(default_factory=list)  # (rel_path, reason)
    visited_dirs: set[str] = field(default_factory=set, repr=False)  # real paths


def _is_virtualenv(path: str, entries: dict[str, os.DirEntry]) -> bool:
    """A Python virtual environment: a pyvenv.cfg that names the base interpreter's `home`, or
    one beside the environment's own interpreter. An empty pyvenv.cfg alone does not hide a
    directory from the scan; a linked one is never read (it could lead out of the root)."""
    config = entries.get("pyvenv.cfg")
    if config is None:
        return False
    if config.is_file(follow_symlinks=False) and _VENV_HOME.search(
        peek(config.path, _VENV_CONFIG_MAX_BYTES)
    ):
        return True
    return any(os.path.lexists(os.path.join(path, *parts)) for parts in _VENV_INTERPRETERS)


def _display(name: str) -> str:
    """A path (component) as reports show it. A name that is not valid UTF-8 (kept by Python
    as lone surrogates) would make every report fail to encode: shown with U+FFFD instead;
    control characters in a name would reach the terminal (progress line, text report): shown
    escaped. The file is still read by its real name."""
    if name.isascii() and name.isprintable():
        return name  # nearly every name
    return printable(name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _relative(path: str, root: str) -> str:
    rel = relative_path(path, root)
    return "." if rel == os.curdir else _display(rel.replace(os.sep, "/"))


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


def discover(
    paths: list[str],
    root: str,
    excludes: Iterable[str] = (),
    shard: Shard | None = None,
    cdk_assets: bool = False,
    statuses: bool = False,
    named_kind: str | None = None,
) -> Discovery:
    """Every file under `paths` that some pack may scan, in a stable order; with `shard`, only
    the files, skips and errors of that slice; with `cdk_assets`, the asset staging folders of
    CDK cloud assemblies too; with `statuses`, each file's status as listed where it was
    reached through no link (SourceFile.status); with `named_kind`, a file of no IaC name too,
    as that kind (a file a scanned file names: guardlint.engine.named_files)."""
    result = Discovery()
    walker = _Walker(root, list(excludes), result, shard, cdk_assets, statuses, named_kind)
    by_real_path: dict[str, int] = {}  # a file's real path -> its index in result.files
    # The root's files, in a walk of their own that selects what any slice would, for the
    # files that name a file named (discover.namers).
    walk = _Walker(root, list(excludes), Discovery(), None, cdk_assets, False, None).walk
    for path in paths if named_kind else with_dependents(paths, root, walk):
        for source, real in walker.walk(os.path.abspath(path)):
            # All names of one file (links) belong to one slice, which keeps one of them.
            if not walker.owns_real(real):
                continue
            if real not in by_real_path:
                by_real_path[real] = len(result.files)
                result.files.append(source)
                continue
            kept = result.files[by_real_path[real]]
            if kept.path == source.path:
                continue  # the same file through overlapping path arguments
            # One file under two names (a symlink): scan it once, under its own name.
            if os.path.islink(kept.path) and not os.path.islink(source.path):
                result.files[by_real_path[real]] = source
            result.skipped_files[DUPLICATE] += 1
    result.files.sort(key=lambda f: f.rel_path)
    return result


class _Entry(NamedTuple):
    """A path met in the walk, with what its parent already tells about it (a named tuple:
    the walk makes one for every name of every directory)."""

    path: str
    rel: str
    real: str  # the parent's real path and the name; "" for a path argument
    entry: os.DirEntry | None  # None for a path argument
    in_chart: bool = False  # its parent holds a Chart.yaml
    in_templates: bool = False  # under a Helm chart's templates/ directory
    in_assembly: bool = False  # its parent is a CDK cloud assembly
    through_link: bool = False  # a directory on the way to it is a symbolic link


class _Walker:
    def __init__(
        self,
        root: str,
        excludes: list[str],
        result: Discovery,
        shard: Shard | None,
        cdk_assets: bool,
        statuses: bool,
        named_kind: str | None,
    ) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.excluded = Excludes(excludes)
        self.result = result
        self.shard = shard
        self.cdk_assets = cdk_assets
        self.statuses = statuses
        self.assemblies = AssemblyEntries(root)
        self.named_kind = named_kind  # the kind of a file of no IaC name, if any

    def owns(self, rel_path: str) -> bool:
        return self.shard is None or self.shard.owns(rel_path)

    def owns_real(self, real_path: str) -> bool:
        return self.shard is None or self.owns(relative_path(real_path, self.real_root))

    def walk(self, path: str) -> Iterator[tuple[SourceFile, str]]:
        """(file, its real path) for each file to scan under `path`. Depth first with an
        explicit stack: a tree thousands of directories deep must not exhaust Python's
        recursion limit."""
        linked = self._linked(path)
        in_templates = self._below_chart_templates(path)
        pending = [
            _Entry(
                path,
                _relative(path, self.root),
                "",
                None,
                in_templates=in_templates,
                through_link=linked,
            )
        ]
        while pending:
            found = self._visit(pending.pop())
            if isinstance(found, tuple):
                yield found
            else:
                pending.extend(reversed(found))

    def _linked(self, path: str) -> bool:
        """Whether a path argument is reached from the root through a link (or is not below
        it): its files' statuses are not to be told from their listing."""
        if not self.statuses:
            return False
        rel = relative_path(path, self.root)
        below = os.path.normpath(os.path.join(self.real_root, rel))
        try:
            return (
                rel.startswith(os.pardir)
                or resolve_beneath(path, self.root, self.real_root) != below
            )
        except OSError:  # a loop
            return True

    def _below_chart_templates(self, path: str) -> bool:
        """Whether a path argument lies below a Helm chart's templates/ directory inside the
        root (the pre-commit hook and --changed-only name changed files): its file is judged
        as Helm renders it, or counted, as when the walk reaches it from the chart. The path
        is read as written, as the walk reads the names of linked directories."""
        return below_chart_templates(path, self.root, os.path.isfile)

    def _skip(self, item: _Entry, is_dir: bool, reason: str) -> list[_Entry]:
        if self.owns(item.rel):
            (self.result.skipped_dirs if is_dir else self.result.skipped_files)[reason] += 1
        return []

    def _visit(self, item: _Entry) -> tuple[SourceFile, str] | list[_Entry]:
        """The file to scan at `item`, or the entries of the directory at `item`."""
        is_link = os.path.islink(item.path) if item.entry is None else item.entry.is_symlink()
        try:
            if is_link or item.entry is None:
                info, resolved = resolve_link(item.path, item.real, self.root, self.real_root)
                mode = 0 if info is None else info.st_mode  # out of the root: never looked at
                is_dir, is_file, real = stat.S_ISDIR(mode), stat.S_ISREG(mode), resolved or ""
            else:
                real = item.real
                is_dir = item.entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and item.entry.is_file(follow_symlinks=False)
        except OSError as exc:
            if is_link and exc.errno in (errno.ENOENT, errno.ELOOP):
                return self._skip(item, False, BROKEN_LINK)  # a broken link or a link loop
            if self.owns(item.rel):
                self.result.errors.append((item.rel, exc.strerror or str(exc)))
            return []
        if item.rel != "." and self.excluded(item.rel):
            return self._skip(item, is_dir, EXCLUDED)
        if (is_link or item.entry is None) and leads_out(
            item.path, real or None, self.root, self.real_root
        ):
            return self._skip(item, is_dir, LINK_OUTSIDE_ROOT)
        # A listing names each entry: no basename of each path.
        name = item.entry.name if item.entry is not None else os.path.basename(item.path)
        if is_dir:
            reason = self._cdk_reason(item, name, is_dir=True)
            return (
                self._skip(item, True, reason)
                if reason
                else self._directory(item, name, real, is_link)
            )
        if not is_file:
            return self._skip(item, False, SPECIAL_FILE)  # FIFOs, sockets, devices: never opened
        kind = kind_by_name(name) or self.named_kind or self._assembly_template(item, name)
        if item.in_templates and not chart_manifest(name, kind):
            if self.named_kind is not None:  # named by a file: judged by its own slice alone
                return self._skip(item, False, HELM_TEMPLATE)
            kind = HELM_SUPPORT  # judged only for whether Helm refuses its chart for it
        elif kind is None:
            return self._skip(item, False, NOT_IAC_NAME)
        elif reason := self._cdk_reason(item, name, is_dir=False):
            return self._skip(item, False, reason)
        template = kind != HELM_SUPPORT and template_of(name) is not None
        listed = self.statuses and item.entry is not None and not (is_link or item.through_link)
        status = listed_status(item.entry) if listed else None  # type: ignore[arg-type]
        chart_template = item.in_templates
        return SourceFile(
            item.path, item.rel, kind, self.root, template, chart_template, status=status
        ), real

    def _directory(self, item: _Entry, name: str, real: str, is_link: bool) -> list[_Entry]:
        at_root = item.path == self.root
        if not at_root and name in SKIPPED_DIRS:
            return self._skip(item, True, SKIPPED_DIRS[name])
        if real in self.result.visited_dirs:
            # Reached again: through a link (a loop or a duplicate, counted), or through
            # overlapping path arguments (already accounted for).
            return self._skip(item, True, LINK_LOOP) if is_link else []
        self.result.visited_dirs.add(real)
        try:
            with os.scandir(item.path) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            if self.owns(item.rel):
                reason = "permission denied" if isinstance(exc, PermissionError) else None
                self.result.errors.append((item.rel, reason or exc.strerror or str(exc)))
            return []
        by_name = {entry.name: entry for entry in entries}
        if not at_root and _is_virtualenv(item.path, by_name):
            return self._skip(item, True, VIRTUAL_ENVIRONMENT)
        # Go templates: each file is judged as Helm renders it, or counted as skipped.
        in_templates = item.in_templates or (name == "templates" and self._in_chart(item))
        in_chart = "Chart.yaml" in by_name
        in_assembly = MANIFEST in by_name and self.assemblies.is_assembly(item.path)
        prefix = "" if item.rel == "." else item.rel + "/"
        real_prefix = os.path.join(real, "")  # joined once, not per entry (1.5 ms a corpus)
        return [
            _Entry(
                entry.path,
                prefix + _display(entry.name),
                real_prefix + entry.name,
                entry,
                in_chart,
                in_templates,
                in_assembly,
                item.through_link or is_link,
            )
            for entry in entries
        ]

    def _cdk_reason(self, item: _Entry, name: str, is_dir: bool) -> str | None:
        known = None if item.entry is None else item.in_assembly  # a path argument: not known
        reason = self.assemblies.reason(item.path, is_dir, known, name)
        return None if reason == CDK_ASSET and self.cdk_assets else reason

    def _assembly_template(self, item: _Entry, name: str) -> str | None:
        """structured for a file a stack of its CDK cloud assembly deploys, whatever its name."""
        known = None if item.entry is None else item.in_assembly
        return "structured" if self.assemblies.names_template(item.path, name, known) else None

    @staticmethod
    def _in_chart(item: _Entry) -> bool:
        """The templates/ directory of a Helm chart: its parent holds a Chart.yaml file (the
        parent's listing tells whether there is one at all)."""
        chart = os.path.join(os.path.dirname(item.path), "Chart.yaml")
        return (item.entry is None or item.in_chart) and os.path.isfile(chart)
