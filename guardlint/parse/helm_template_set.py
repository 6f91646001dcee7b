"""Whether another file Helm parses with a chart's template may define the template's own name,
so that Helm renders that definition for the file, not what the file says.

Helm parses every template of a chart, of its subcharts and of its library charts (below
`charts/`) into one text/template set, file by file (engine.go sortTemplates: deeper paths
first, at one depth in reverse lexical order), each under the name `<chart>/templates/<path>`
(`<chart>` the name in Chart.yaml, or an alias; a subchart's `<parent>/charts/<name>`), and a
later non-empty `define` or `block` of a name replaces the template of that name
(text/template's associate), a file's own included: `{{ define "web/templates/pod.yaml" }}` in
`web/templates/_helpers.tpl` is what Helm deploys for pod.yaml. A name Helm gives a file holds
`templates/` and ends in the file's base name, and no ordinary chart defines such a name: where
one is defined in the set, whatever comes before its base name and whichever file Helm parses
last, the file is not judged as written.

The set is the highest chart inside the scan root whose templates the file is one of (its own,
or its parent's through `charts/<name>`): that chart's templates/ and, below its charts/, each
subchart's templates/, every file there whatever its name (where the scan root is a chart's
templates/, every file below it), read once per scan (one snapshot) within MAX_FILE_BYTES each
and MAX_SET_BYTES and MAX_SET_ENTRIES together, in one pass over each file's text. Past a
bound, or where a file cannot be read or a link leads out of the root, every name counts as
defined. A subchart packed as a `.tgz` is never read. The look is recorded for the result
cache as one observation of the file (lookups.HELM_NAME), which a warm scan makes again where
the statuses of the set's files do not tell it (guardlint.engine.helm_sets).
"""

from __future__ import annotations

import itertools
import os

from guardlint.parse import recorder
from guardlint.parse.beneath import resolve_beneath
from guardlint.parse.helm_ignore import left_out_by_helm, loaded_with
from guardlint.parse.helm_pipelines import string_literal
from guardlint.parse.helm_refusals import Refusal, refusal
from guardlint.parse.inputs import InputError, names_nothing, read_scanned_file, relative_path
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.lookups import HELM_NAME
from guardlint.parse.text import DEFAULT_MAX_BYTES

MAX_FILE_BYTES = DEFAULT_MAX_BYTES  # a file of a set, read whole (as the scan reads files)
MAX_SET_BYTES = 32 * 1024 * 1024  # the files of a set together
MAX_SET_ENTRIES = 20_000  # the files and directories of a set listed
# Files of a set text/template refuses looked at for each template (the first by path): one
# past them refuses nothing, and each template's look costs a constant.
MAX_REFUSING = 16
# The states of an observation: another file may define the name, none does, Helm leaves the
# file out of every chart that would load it (guardlint.parse.helm_ignore), Helm refuses to
# render it (text/template refuses a file it parses with it: guardlint.parse.helm_refusals),
# or Helm refuses it and reports this file, the first it cannot parse.
DEFINED, UNDEFINED, LEFT_OUT = "defined", "undefined", "left out"
REFUSED, REPORTED = "refused", "refused here"

_CHART_FILE, _TEMPLATES, _CHARTS = "Chart.yaml", "templates", "charts"
_FILE_NAME_PART = "templates/"
# What text/template may read as a `define` or `block` action's start, and the name after it
# (a string literal). Loosely: also inside a comment or a string, where it defines nothing.
_DEFINITION = LazyPattern(r"\{\{-?[ \t\r\n]*(?:define|block)[ \t\r\n]*")
_NAME = LazyPattern(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
_CHART, _IN_TEMPLATES, _IN_CHARTS = range(3)  # what a directory of a set is


def defined_elsewhere(path: str, root: str) -> bool:
    """Whether Helm may render something else than the chart template at `path` (inside the
    scan `root`) says: a file of its template set may define the template's name, or Helm
    leaves the file out; recorded for the result cache."""
    return template_state(path, root) != UNDEFINED


def template_state(path: str, root: str) -> str:
    """`name_state`, recorded for the result cache."""
    path, root = os.path.abspath(path), os.path.abspath(root)
    state = name_state(path, root)
    recorder.note(HELM_NAME, path, (root,), state)
    return state


def name_state(path: str, root: str) -> str:
    """A state, as `template_state` finds it, without recording it."""
    if names_nothing(path):
        return DEFINED  # no file, whose name anything may define
    if left_out_by_helm(path, root):
        return LEFT_OUT
    found = _set_of(path, root)
    if found is None:
        return DEFINED
    claimed, refusing = found
    if (first := _first_refusing(path, root, refusing)) is not None:
        return REPORTED if first[0] == os.path.realpath(path) else REFUSED
    return DEFINED if os.path.basename(path) in claimed else UNDEFINED


def reported_refusal(path: str, root: str) -> Refusal | None:
    """Where and why text/template refuses the chart's template at `path`, where it is the
    file Helm reports (state REPORTED); read from the set's look, not the file again."""
    found = _set_of(path, root)
    first = None if found is None else _first_refusing(path, root, found[1])
    return first[1] if first is not None and first[0] == os.path.realpath(path) else None


def set_top(path: str, root: str) -> str | None:
    """Where the template set of the chart template at `path` starts inside `root` (None where
    it is in none): what decides its state lies there, or in the names of the directories on
    the way to it (guardlint.engine.helm_sets)."""
    top = _set_top(os.path.dirname(path), root)
    return None if top is None else top[0]


def _set_of(path: str, root: str) -> tuple[frozenset[str], tuple[tuple[str, Refusal], ...]] | None:
    top = _set_top(os.path.dirname(path), root)
    return None if top is None else _claimed(*top, root)


def _first_refusing(
    path: str, root: str, refusing: tuple[tuple[str, Refusal], ...]
) -> tuple[str, Refusal] | None:
    """Of the files text/template refuses that Helm loads whenever it loads `path`, the one it
    parses first, whose error it reports: engine.go sortTemplates parses deeper paths first,
    at one depth in reverse lexical order (a subchart's by its directory's name)."""
    real_root = os.path.realpath(root)
    loaded = [
        (relative_path(other, real_root), other, found)
        for other, found in refusing
        if loaded_with(path, os.path.join(root, relative_path(other, real_root)), root)
    ]
    if not loaded:
        return None
    _, other, found = max(loaded, key=lambda each: (each[0].count(os.sep), each[0]))
    return other, found


@recorder.per_snapshot  # each directory's once a scan
def _set_top(directory: str, root: str) -> tuple[str, int] | None:
    """Where the template set that holds the files of `directory` starts inside `root`, and
    what that is: the root, where it is a chart's templates/ (as discovery tells them), else
    the highest chart whose templates/ they lie below, or whose `charts/<name>` is such a
    chart."""
    rel = relative_path(directory, root)
    if rel.startswith(os.pardir):
        return None
    beside = os.path.join(os.path.dirname(os.path.abspath(root)), _CHART_FILE)
    if os.path.basename(os.path.abspath(root)) == _TEMPLATES and os.path.isfile(beside):
        return root, _IN_TEMPLATES
    directories = [root]
    for name in [] if rel == os.curdir else rel.split(os.sep):
        directories.append(os.path.join(directories[-1], name))
    holds = [False] * len(directories)  # whether the chart there holds the files in its set
    for index in range(len(directories) - 2, -1, -1):
        below = os.path.basename(directories[index + 1])
        if below == _TEMPLATES:
            holds[index] = True
        elif below == _CHARTS and index + 2 < len(directories):
            holds[index] = holds[index + 2]
        holds[index] = holds[index] and os.path.isfile(
            os.path.join(directories[index], _CHART_FILE)
        )
    return next(((directories[i], _CHART) for i, held in enumerate(holds) if held), None)


class _Limits:
    """What a set's look may still list and read."""

    def __init__(self) -> None:
        self.entries = MAX_SET_ENTRIES
        self.bytes = MAX_SET_BYTES


@recorder.per_snapshot  # each set's once a scan (its reads are not recorded)
def _claimed(
    top: str, kind: int, root: str
) -> tuple[frozenset[str], tuple[tuple[str, Refusal], ...]] | None:
    """The base names that names defined in the set starting at `top` (a `kind`) end in, of
    those names that hold `templates/`, and the (real) paths of its files text/template
    refuses, reached without a link, with where and why; None where any name may be defined
    (see the module's doc)."""
    real_root = os.path.realpath(root)
    try:
        start = resolve_beneath(top, root, real_root)
    except OSError:
        return None
    if start is None:
        return None
    limits = _Limits()
    claimed: set[str] = set()
    refusing: list[tuple[str, Refusal]] = []
    # Whether a link was followed on the way: then Helm's names for the files are not known.
    pending = [(start, kind, start != os.path.join(real_root, relative_path(top, root)))]
    visited = {start}
    while pending:
        directory, what, linked = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(itertools.islice(listing, limits.entries + 1))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
        limits.entries -= len(entries)
        if limits.entries < 0:
            return None
        for entry in entries:
            found = _entry(entry, real_root)
            if found is None:
                return None
            path, is_directory, is_file = found
            through_link = linked or path != entry.path
            if is_directory and path not in visited:
                inner = _inner(what, entry.name)
                if inner is not None:
                    visited.add(path)
                    pending.append((path, inner, through_link))
            elif is_file and what == _IN_TEMPLATES and _loaded(path, real_root, through_link):
                data = _claim(path, real_root, limits, claimed)
                if data is None:
                    return None
                if not through_link and (found := refusal(data)) is not None:
                    refusing.append((path, found))
    return frozenset(claimed), tuple(sorted(refusing)[:MAX_REFUSING])


def _loaded(path: str, real_root: str, through_link: bool) -> bool:
    """Whether a file of the set may be loaded by Helm: its defines count (where a link was
    followed on the way to it, the names Helm gives its path are not known, and they count)."""
    return through_link or not left_out_by_helm(path, real_root)


def _inner(what: int, name: str) -> int | None:
    """What a directory of this name is, inside a directory that is `what` (None: no part of
    the set)."""
    if what == _CHART:
        return {_TEMPLATES: _IN_TEMPLATES, _CHARTS: _IN_CHARTS}.get(name)
    return _IN_TEMPLATES if what == _IN_TEMPLATES else _CHART


def _entry(entry: os.DirEntry, real_root: str) -> tuple[str, bool, bool] | None:
    """(real path, a directory, a regular file) of a listed entry, a link's where it leads;
    None where a link leads out of the root or loops."""
    try:
        if not entry.is_symlink():
            is_directory = entry.is_dir(follow_symlinks=False)
            return entry.path, is_directory, entry.is_file(follow_symlinks=False)
        target = resolve_beneath(entry.path, real_root, real_root)
    except OSError:
        return None
    if target is None:
        return None
    return target, os.path.isdir(target), os.path.isfile(target)  # broken: neither


def _claim(path: str, real_root: str, limits: _Limits, claimed: set[str]) -> bytes | None:
    """Add what the file's defines claim, and give its bytes; None where it cannot be read
    within the limits or defines a name that cannot be told."""
    try:
        data = read_scanned_file(path, min(MAX_FILE_BYTES, limits.bytes), real_root)[0]
    except InputError:
        return None
    limits.bytes -= len(data)
    if b"{{" not in data or (b"define" not in data and b"block" not in data):
        return data
    text = data.decode("utf-8", "surrogateescape")
    position = 0
    while (definition := _DEFINITION.search(text, position)) is not None:
        written = _NAME.match(text, definition.end())
        if written is None:
            if text.startswith("`", definition.end()):
                return data  # a raw string never closed: text/template parses none of it
            position = definition.end()  # no definition, or one text/template refuses
            continue
        position = written.end()
        name = string_literal(written.group())
        if name is None:
            return None  # an escape Go may read otherwise
        if _FILE_NAME_PART in name:
            claimed.add(name.rsplit("/", 1)[-1])
    return data
