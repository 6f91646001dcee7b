"""The files that name a file named on the command line by its path, and read it when scanned:
a template's function code (`CodeUri: src`, which SEC001 and the code checks read), an
`AWS::Include` or `DefinitionUri` file, a nested template (`TemplateURL`), a Compose file's
`env_file:`, `build.dockerfile`, `include:` or `extends.file`, a kustomization's resources,
a CodeBuild project's buildspec. The pre-commit hook and --changed-only name only the files a
commit changes; a commit that changes only such a file changes its namer's findings, so naming
it alone scans the files that name it, as a scan of the whole tree judges them.

The look-up is by text, without parsing, in one walk of the scan root (discovery's, under the
same excludes and skips): a file of an IaC name there whose text writes, as a whole path
(`src/app.py`, `./src`, `src/`, `../fn/src`), the named file's path or that of a directory
holding it inside the root, relative to its own directory; `.` or `..` alone (`CodeUri: .`)
only for a named file of no IaC name. It errs toward scanning more (a
file that writes such a path without reading it is scanned too) and misses a path it cannot
see written (one built by `Fn::Sub` or a variable). Bounded: the files of the walk up to
MAX_FILES_READ, each read within the default file-size limit as every input is (inside the
root); a larger one, which a scan refuses anyway, is passed over."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

from guardlint.discover.names import kind_by_name
from guardlint.model.documents import SourceFile
from guardlint.parse.helm_charts import HELM_SUPPORT
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.text import DEFAULT_MAX_BYTES

MAX_FILES_READ = 20_000
# Kinds that name no file whose content their findings depend on: a Dockerfile's COPY sources
# are judged by name, a chart's helpers render nothing.
_NAMES_NO_FILE = frozenset({"dockerfile", HELM_SUPPORT})
# Characters a path is written with: a path written whole is neither preceded by one nor
# followed by one (a `/` may end it: `src/`); bytes of UTF-8 names are.
_PATH = rb"[\w.\-/~$\x80-\xff]"
_PATH_BYTES = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/~$" + bytes(range(128, 256))
)
_FEW_NAMES = 32  # looked for one by one in a file's bytes, before looking at its paths
_LONGEST = 4096  # the longest path looked back for (Linux's PATH_MAX)
# The last name of a path written whole, perhaps before a last `/`: one name per path, so that
# a file is looked through once whatever the number of names looked for. Compiled when first
# used: only a scan of named files (pre-commit, --changed-only) looks for paths.
_LAST_NAME = LazyPattern(rb"(?<![\w.\-~$\x80-\xff])[\w.\-~$\x80-\xff]+(?=/?(?!" + _PATH + rb"))")

Walk = Callable[[str], Iterable[tuple[SourceFile, str]]]


def files_naming(named: list[str], root: str, walk: Walk) -> list[str]:
    """The files of `walk(root)` (discovery's walk) other than `named` whose text writes the
    path of a file of `named` (absolute, regular files inside `root`) or of a directory holding
    it, relative to their own directory; each once, in the walk's order."""
    if not named:
        return []
    targets = {target for path in named for target in _chain(path, root)}
    # `.` or `..` also divides texts (`Fn::Join: [".", ...]`): it names the file's own
    # directory, or one above, for the files no IaC name gives (a function's code beside its
    # template: `CodeUri: .`), not for the templates and manifests of the same tree.
    by_dots = {
        target
        for path in named
        if kind_by_name(os.path.basename(path)) is None
        for target in _chain(path, root)
    }
    # The names a path to one ends in; `.` or `..` for a file's own directory or those above.
    names = frozenset(os.fsencode(os.path.basename(target)) for target in targets)
    last_names = names | {b".", b".."} if by_dots else names
    few = len(last_names) <= _FEW_NAMES
    skipped = set(named)
    found: list[str] = []
    for source in _readable(walk(root), skipped):
        try:
            text = read_input(source.path, DEFAULT_MAX_BYTES, root)
        except InputError:
            continue  # unreadable or too large: the scan of it, if any, says so
        if few and not any(name in text for name in last_names):
            continue  # most files, for a few names: a search in C for each
        directory = os.path.dirname(os.path.abspath(source.path))
        written = _written(text, last_names)
        if any(
            _resolved(directory, path) in (by_dots if _dots(path) else targets) for path in written
        ):
            found.append(source.path)
    return found


def _readable(files: Iterable[tuple[SourceFile, str]], skipped: set[str]) -> Iterator[SourceFile]:
    """The files of a walk that may name another, at most MAX_FILES_READ of them."""
    count = 0
    for source, _real in files:
        if source.kind in _NAMES_NO_FILE or os.path.abspath(source.path) in skipped:
            continue
        count += 1
        if count > MAX_FILES_READ:
            return
        yield source


def _chain(path: str, root: str) -> list[str]:
    """`path`, then each directory holding it up to `root`."""
    chain = [path]
    top = os.path.abspath(root)
    while path != top and os.path.dirname(path) != path:
        path = os.path.dirname(path)
        chain.append(path)
    return chain


def _written(text: bytes, last_names: frozenset[bytes]) -> Iterator[bytes]:
    """Each path written whole in `text` whose last name is one of `last_names`."""
    if last_names.isdisjoint(_LAST_NAME.findall(text)):
        return  # most files, for many names: one pass in C
    for match in _LAST_NAME.finditer(text):
        if match.group() in last_names:
            start = match.start()
            while start > 0 and text[start - 1] in _PATH_BYTES and match.start() - start < _LONGEST:
                start -= 1
            yield text[start : match.end()]


def _dots(written: bytes) -> bool:
    return not written.replace(b"/", b"").replace(b".", b"")


def _resolved(directory: str, written: bytes) -> str:
    return os.path.normpath(os.path.join(directory, os.fsdecode(written)))
