"""A chart's template is judged as written only where no other file Helm parses into the same
template set (its chart's templates, a parent chart's, a subchart's) may define its name: Helm
names it `<chart>/templates/<path>`, and a later non-empty `define` (or `block`) of that name
replaces what the file says (guardlint.parse.helm_template_set)."""

from __future__ import annotations

import os

import pytest

from guardlint.parse import helm_template_set, recorder
from tests.conftest import findings_of, processor_seconds, run_scan, write_file
from tests.hostile.linear_time_cases import BUDGET
from tests.hostile.test_helm_lookups import ACCOUNT, DEPLOYMENT
from tests.hostile.test_helm_templates import PRIVILEGED_POD

CHART = "apiVersion: v2\nname: web\nversion: 0.1.0\n"
SAFE_POD = PRIVILEGED_POD.replace("privileged: true", "privileged: false")
HELPERS = '{{- define "web.labels" -}}\napp: web\n{{- end }}\n'


def _replacing(name: str, keyword: str = "define") -> str:
    """Ordinary partials, then a definition of `name` that renders the privileged pod."""
    argument = " ." if keyword == "block" else ""
    return HELPERS + f'{{{{- {keyword} "{name}"{argument} }}}}\n' + PRIVILEGED_POD + "{{- end }}\n"


def _chart(tree, files: dict[str, str], charts: dict[str, str] | None = None):
    """A chart `web` in tree/chart with these templates; `charts`: the Chart.yaml of each
    subchart directory below its charts/ (its templates among `files`, by their path)."""
    write_file(tree / "chart", "Chart.yaml", CHART)
    for name, chart in (charts or {}).items():
        write_file(tree / "chart" / "charts" / name, "Chart.yaml", chart)
    for name, text in files.items():
        write_file(tree / "chart", name, text)
    return run_scan(tree, root=str(tree))


def _judged(result) -> tuple[int, int]:
    """(files scanned, files counted as Helm templates)."""
    return result.files["scanned"], result.skipped_files["helm-template"]


@pytest.mark.parametrize(
    "definition",
    [
        _replacing("web/templates/pod.yaml"),
        _replacing("web/templates/pod.yaml", "block"),
        _replacing("chart/templates/pod.yaml"),  # the directory's name, not the chart's
        HELPERS + "{{ define `web/templates/pod.yaml` }}\n" + PRIVILEGED_POD + "{{ end }}\n",
        HELPERS + '{{define "web\\x2ftemplates\\u002fpod.yaml"}}\n' + PRIVILEGED_POD + "{{end}}\n",
    ],
    ids=["define", "block", "directory name", "raw string", "escapes"],
)
def test_a_define_of_a_template_s_name_in_helpers_is_what_helm_renders(tmp_path, definition):
    """_helpers.tpl is parsed after pod.yaml (reverse lexical order), and its non-empty
    define of pod.yaml's name replaces the safe pod: pod.yaml was judged safe while Helm
    deployed the privileged one."""
    files = {"templates/pod.yaml": SAFE_POD, "templates/_helpers.tpl": definition}
    result = _chart(tmp_path, files)
    assert _judged(result) == (0, 2)
    assert not result.findings


def test_a_define_in_another_template_replaces_a_template_parsed_before_it(tmp_path):
    """svc.yaml is parsed after pod.yaml; its define (which makes it a Helm template too)
    replaces pod.yaml's text."""
    files = {
        "templates/pod.yaml": SAFE_POD,
        "templates/svc.yaml": _replacing("web/templates/pod.yaml"),
    }
    assert _judged(_chart(tmp_path, files)) == (0, 2)


EMPTY = "{{/* the pod is the database chart's */}}\n"


@pytest.mark.parametrize(
    ("defined_in", "pod", "written", "name"),
    [
        (
            "templates/_helpers.tpl",
            "charts/db/templates/pod.yaml",
            SAFE_POD,
            "web/charts/database/templates/pod.yaml",
        ),
        (
            "charts/cache/templates/_helpers.tpl",
            "charts/db/templates/deploy/pod.yaml",
            SAFE_POD,
            "web/charts/database/templates/deploy/pod.yaml",
        ),
        (
            "charts/db/charts/x/templates/_x.tpl",
            "templates/pod.yaml",
            EMPTY,
            "web/templates/pod.yaml",
        ),
    ],
    ids=["the parent's", "a sibling subchart's", "a subchart's, of an empty template"],
)
def test_a_define_anywhere_in_the_chart_s_set_counts(tmp_path, defined_in, pod, written, name):
    """A subchart's templates are parsed with its parent's (deeper paths first), under the
    names Helm gives them (`web/charts/database/...`: the subchart's name, not its
    directory's); a template that renders nothing keeps a define of its name parsed before it
    (text/template keeps a non-empty tree over an empty one)."""
    charts = {"db": "apiVersion: v2\nname: database\nversion: 1.0.0\n", "cache": CHART}
    charts["db/charts/x"] = CHART
    files = {pod: written, defined_in: _replacing(name)}
    assert _judged(_chart(tmp_path, files, charts)) == (0, 2)


def test_a_replaced_account_does_not_stop_the_token_mount(tmp_path):
    """The chart's `default` ServiceAccount without automount is replaced by a define of its
    file's name: Helm deploys no such account, and the pod mounts its token."""
    files = {
        "templates/sa.yaml": ACCOUNT,
        "templates/app.yaml": DEPLOYMENT,
        "templates/_helpers.tpl": HELPERS + '{{ define "web/templates/sa.yaml" }}x: 1{{ end }}',
    }
    found = findings_of(_chart(tmp_path, files), "K8S018")
    assert [f.path for f in found] == ["chart/templates/app.yaml"]


def test_an_ordinary_chart_with_partials_and_subcharts_is_judged(tmp_path):
    """Partials defining ordinary names (and a name of another template file, which only that
    file answers to), in the chart and a subchart: every template is judged, its findings kept."""
    helpers = HELPERS + '{{ define "web.fullname" }}{{ .Release.Name }}{{ end }}\n'
    helpers += '{{ define "web/templates/other.yaml" }}x: 1{{ end }}\n'
    files = {
        "templates/pod.yaml": PRIVILEGED_POD,
        "templates/_helpers.tpl": helpers,
        "charts/db/templates/pod.yaml": PRIVILEGED_POD,
        "charts/db/templates/_helpers.tpl": '{{- define "db.name" -}}db{{- end }}\n',
    }
    result = _chart(tmp_path, files, {"db": CHART})
    found = sorted(f.path for f in findings_of(result, "K8S001"))
    assert found == ["chart/charts/db/templates/pod.yaml", "chart/templates/pod.yaml"]
    assert _judged(result) == (2, 2)


@pytest.mark.parametrize("replaced", [False, True])
def test_a_scan_of_a_chart_s_templates_directory_reads_the_set_inside_it(tmp_path, replaced):
    """The scan root is chart/templates: its files are the chart's templates, as discovery
    tells them, and the set guardlint can see is the root's."""
    definition = _replacing("web/templates/pod.yaml") if replaced else HELPERS
    write_file(tmp_path / "chart", "Chart.yaml", CHART)
    write_file(tmp_path / "chart/templates", "pod.yaml", PRIVILEGED_POD)
    write_file(tmp_path / "chart/templates", "_helpers.tpl", definition)
    result = run_scan(tmp_path / "chart/templates", root=str(tmp_path / "chart/templates"))
    assert _judged(result) == ((0, 2) if replaced else (1, 1))
    assert bool(findings_of(result, "K8S001")) is not replaced


def test_a_packed_subchart_is_not_read(tmp_path):
    write_file(tmp_path / "chart" / "charts", "db-1.0.0.tgz", _replacing("web/templates/pod.yaml"))
    assert _judged(_chart(tmp_path, {"templates/pod.yaml": SAFE_POD})) == (1, 0)


@pytest.mark.parametrize("bound", ["MAX_SET_ENTRIES", "MAX_SET_BYTES", "MAX_FILE_BYTES"])
def test_a_set_past_a_bound_counts_every_name_as_defined(tmp_path, monkeypatch, bound):
    files = {"templates/pod.yaml": SAFE_POD, "templates/_helpers.tpl": HELPERS * 40}
    monkeypatch.setattr(helm_template_set, bound, 3 if bound == "MAX_SET_ENTRIES" else 1000)
    assert _judged(_chart(tmp_path, files)) == (0, 2)


def test_a_link_out_of_the_root_counts_every_name_as_defined(tmp_path):
    """Helm reads the linked helpers; guardlint looks at nothing outside the scan root."""
    outside = write_file(tmp_path / "outside", "_helpers.tpl", _replacing("web/templates/pod.yaml"))
    (tmp_path / "t" / "chart" / "templates").mkdir(parents=True)
    os.symlink(outside, tmp_path / "t" / "chart" / "templates" / "_helpers.tpl")
    # The link itself is counted as one leading out of the root.
    assert _judged(_chart(tmp_path / "t", {"templates/pod.yaml": SAFE_POD})) == (0, 1)


def test_a_chart_of_ten_thousand_templates_is_read_once(tmp_path, monkeypatch):
    """Each template's look at its set costs the same however many there are: the set's files
    are read once per scan."""
    count = 10_000
    templates = tmp_path / "chart" / "templates"
    write_file(tmp_path / "chart", "Chart.yaml", CHART)
    partials = (HELPERS.replace("labels", f"labels{n}") for n in range(100))  # one name each
    write_file(templates, "_helpers.tpl", "".join(partials))
    paths = [str(write_file(templates, f"t{i}.yaml", "kind: ConfigMap\n")) for i in range(count)]
    reads: list[str] = []
    real_read = helm_template_set.read_scanned_file

    def counted(path, *args):
        reads.append(path)
        return real_read(path, *args)

    monkeypatch.setattr(helm_template_set, "read_scanned_file", counted)
    started = processor_seconds()
    with recorder.snapshot():
        defined = [helm_template_set.defined_elsewhere(path, str(tmp_path)) for path in paths]
    assert processor_seconds() - started < BUDGET
    assert not any(defined)
    assert len(reads) == count + 1


def test_a_partial_dense_with_definitions_is_read_in_linear_time(tmp_path):
    """400,000 defines whose names each hold the next one's start: one pass over the text
    (which text/template refuses at the `{` after the first name, so Helm renders nothing of
    the chart: tests/hostile/test_helm_refusals.py)."""
    write_file(tmp_path / "chart", "Chart.yaml", CHART)
    write_file(tmp_path / "chart/templates", "_helpers.tpl", '{{ define "' * 400_000 + "}}")
    pod = write_file(tmp_path / "chart/templates", "pod.yaml", SAFE_POD)
    started = processor_seconds()
    state = helm_template_set.template_state(str(pod), str(tmp_path))
    assert state == helm_template_set.REFUSED
    assert processor_seconds() - started < BUDGET
