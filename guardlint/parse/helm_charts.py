"""Where a Helm chart's templates lie, for discovery, without the renderer
(guardlint.parse.helm_templates): a warm scan walks the tree but judges no template."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from guardlint.parse.inputs import relative_path

# The skip reason (the JSON summary's `skip_reasons`) of a file that is judged only rendered.
HELM_TEMPLATE = "helm-template"
# That of a chart's template Helm leaves out (guardlint.parse.helm_ignore): never deployed.
HELM_IGNORED = "helm-ignored"
# That of a template of a chart Helm refuses to render (guardlint.parse.helm_template_set).
HELM_REFUSED = "helm-refused"
# The discovery kind of a file of a chart's templates/ Helm parses but renders as no manifest
# (`_helpers.tpl`, `NOTES.txt`, a partial): judged only for whether text/template refuses it,
# which refuses its chart (a GL001 there, where Helm reports it); skipped as HELM_TEMPLATE
# otherwise, as discovery counted it before.
HELM_SUPPORT = "helm-support"
# A chart's templates/ directory is one of this name beside a file of that name.
_CHART_TEMPLATES, _CHART_FILE = "templates", "Chart.yaml"


def below_chart_templates(path: str, root: str, is_file: Callable[[str], bool]) -> bool:
    """Whether `path` lies below a Helm chart's templates/ directory (one named so beside a
    Chart.yaml) at or inside the scan `root`; `is_file` tells whether a Chart.yaml is there
    (discovery stats it; a lookup of what a pod's file depends on records it for the result
    cache)."""
    return next(charts_holding(path, root, is_file), None) is not None


def charts_holding(path: str, root: str, is_file: Callable[[str], bool]) -> Iterator[str]:
    """The charts whose templates/ directory holds `path` (below_chart_templates), from the
    scan root down: the last is the nearest, a subchart's own. Lazy, so that
    below_chart_templates looks for no Chart.yaml past the first chart, as it did."""
    rel = relative_path(path, root)
    if rel == os.curdir or rel.startswith(os.pardir):
        return
    names = rel.split(os.sep)[:-1]
    if _CHART_TEMPLATES not in names and os.path.basename(root) != _CHART_TEMPLATES:
        return  # most paths: no directory on the way is a templates/ (asked per manifest)
    directories = [root]  # the root and each directory below it on the way to path
    for name in names:
        directories.append(os.path.join(directories[-1], name))
    for directory in directories:
        chart = os.path.dirname(directory)
        if os.path.basename(directory) == _CHART_TEMPLATES and is_file(
            os.path.join(chart, _CHART_FILE)
        ):
            yield chart
