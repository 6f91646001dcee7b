"""What a file named on the command line changes the judgement of besides itself. The pre-commit
hook and --changed-only name the files a commit changes; a Helm chart's helpers
(`templates/_helpers.tpl`, `NOTES.txt`, a partial), its `.helmignore` and its `Chart.yaml`
render no manifest, but change how Helm renders, leaves out or refuses the chart's templates
(guardlint.parse.helm_template_set), and whether `templates/` is a chart's at all: naming one
scans the chart's templates/ and charts/ (its subcharts, loaded under its `.helmignore`).
A `.dockerignore` or `.containerignore` decides what COPY and ADD take from the build context
of the Dockerfiles beside it, a `<Dockerfile>.dockerignore` from that Dockerfile's
(guardlint.parse.dockerignore), and `.env` the variables of the Compose files beside it: naming
one scans them."""

from __future__ import annotations

import os

from guardlint.discover.namers import Walk, files_naming
from guardlint.discover.names import kind_by_name
from guardlint.parse.cdk_assembly import AssemblyEntries
from guardlint.parse.helm_charts import charts_holding
from guardlint.parse.inputs import relative_path

# A chart's files outside templates/ that decide how its templates are loaded.
_CHART_FILES = frozenset({".helmignore", "Chart.yaml"})
_TEMPLATES = "templates"
_CHART_DIRECTORIES = (_TEMPLATES, "charts")
# A file that decides how the files of a kind beside it are judged: a build context's ignore
# files what COPY and ADD take (guardlint.parse.dockerignore), `.env` a Compose file's variables
# (guardlint.documents.compose_env).
_DECIDES_BESIDE = {
    ".dockerignore": "dockerfile",
    ".containerignore": "dockerfile",
    ".env": "compose",
}
_OWN_IGNORE_SUFFIX = ".dockerignore"


def chart_manifest(name: str, kind: str | None) -> bool:
    """A file of a chart's templates/ that Helm renders as a manifest and guardlint can read:
    a YAML or JSON name, not a partial (`_helpers.yaml`: Helm renders none of them alone)."""
    return kind is not None and kind != "dockerfile" and not name.startswith("_")


def with_dependents(paths: list[str], root: str, walk: Walk) -> list[str]:
    """`paths`, then the files and directories whose judgement a file among them decides, then
    the files of `walk(root)` (discovery's walk) that name one by its path (namers.py); each
    once (a directory named is walked whole anyway)."""
    files = [path for path in map(os.path.abspath, paths) if _inside(path, root)]
    found: dict[str, None] = {}
    for path in files:
        found.update(dict.fromkeys([*_chart_directories(path, root), *_files_decided_by(path)]))
    # A CDK cloud assembly's staged assets and metadata: no scan reads them for another file
    # (a stack's template writes its assets' folder names, `aws:asset:path`, and reads none).
    assembly = AssemblyEntries(root)
    read = [path for path in files if assembly.reason(path, False, None) is None]
    found.update(dict.fromkeys(files_naming(read, root, walk)))
    return [*paths, *found]


def _inside(path: str, root: str) -> bool:
    return os.path.isfile(path) and not relative_path(path, root).startswith(os.pardir)


def _chart_directories(path: str, root: str) -> list[str]:
    chart = _chart_loaded_by(path, root)
    if chart is None:
        return []
    directories = (os.path.join(chart, name) for name in _CHART_DIRECTORIES)
    return [
        directory
        for directory in directories
        if not relative_path(directory, root).startswith(os.pardir) and os.path.isdir(directory)
    ]


def _files_decided_by(path: str) -> list[str]:
    """The files beside `path` whose judgement it decides (_DECIDES_BESIDE), or the Dockerfile
    whose own ignore file it is."""
    directory, name = os.path.split(path)
    kind = _DECIDES_BESIDE.get(name)
    if kind is not None:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            return []
        return [os.path.join(directory, other) for other in names if kind_by_name(other) == kind]
    own = name[: -len(_OWN_IGNORE_SUFFIX)] if name.endswith(_OWN_IGNORE_SUFFIX) else ""
    return [os.path.join(directory, own)] if _is_dockerfile(own) else []


def _is_dockerfile(name: str) -> bool:
    return bool(name) and kind_by_name(name) == "dockerfile"


def _chart_loaded_by(path: str, root: str) -> str | None:
    """The directory of the chart inside `root` whose templates the file at `path` helps load,
    if it is one of its helpers, its `.helmignore` or its `Chart.yaml`."""
    directory, name = os.path.split(path)
    if name in _CHART_FILES:
        return directory if os.path.isdir(os.path.join(directory, _TEMPLATES)) else None
    if _TEMPLATES not in directory.split(os.sep) or chart_manifest(name, kind_by_name(name)):
        return None
    charts = list(charts_holding(path, root, os.path.isfile))
    return charts[-1] if charts else None  # the nearest: a subchart's helpers load with its own
