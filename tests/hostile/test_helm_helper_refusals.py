"""A chart whose refused file is none Helm renders as a manifest (`_helpers.tpl`, `NOTES.txt`,
a partial `_*.yaml`) deploys nothing either: the refusal is one GL001 in that file, at its line
with the reason, however many templates load it, and the chart's templates are counted as
`helm-refused` (guardlint.parse.helm_charts HELM_SUPPORT). It was a scan that passed."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.test_helm_ignore import SUBCHART, _privileged
from tests.hostile.test_helm_templates import PRIVILEGED_POD

HELPERS = '{{- define "web.name" -}}\nweb\n{{- end }}\n'
BROKEN = HELPERS + '{{- define "web.labels" -}}\napp: {{ .Values.app | nosuch }}\n{{- end }}\n'


def _chart(tree, broken_name: str, more: dict[str, str] | None = None) -> list[str]:
    """A chart of three privileged pods and the broken file `broken_name`; the K8S001 kept."""
    files = {f"templates/pod{n}.yaml": PRIVILEGED_POD for n in range(3)}
    return _privileged(tree, {**files, broken_name: BROKEN, **(more or {})})


def _refusals(result) -> list[tuple[str, int, str]]:
    return [
        (f.path.replace("\\", "/").split("chart/", 1)[-1], f.region.start_line, f.message)
        for f in findings_of(result, "GL001")
    ]


@pytest.mark.parametrize(
    "name", ["templates/_helpers.tpl", "templates/NOTES.txt", "templates/_labels.yaml"]
)
def test_a_broken_file_helm_renders_no_manifest_of_is_one_parse_error_at_its_line(tmp_path, name):
    assert _chart(tmp_path, name) == []
    result = run_scan(tmp_path, root=str(tmp_path))
    [(path, line, message)] = _refusals(result)
    assert (path, line) == (name, 5)
    assert "'nosuch'" in message and "Helm renders none of this chart's templates" in message
    assert result.skipped_files["helm-refused"] == 3


def test_only_the_file_helm_reports_of_two_broken_helpers_is_a_parse_error(tmp_path):
    """Helm parses `_z.tpl` before `_a.tpl` (reverse lexical order) and reports its error."""
    _chart(tmp_path, "templates/_z.tpl", {"templates/_a.tpl": BROKEN})
    result = run_scan(tmp_path, root=str(tmp_path))
    assert [path for path, _, _ in _refusals(result)] == ["templates/_z.tpl"]


def test_a_subchart_s_broken_helpers_is_one_parse_error(tmp_path):
    """It refuses db's templates; the parent's render where db is disabled."""
    files = {"charts/db/Chart.yaml": SUBCHART, "charts/db/templates/pod.yaml": PRIVILEGED_POD}
    kept = _chart(tmp_path, "charts/db/templates/_helpers.tpl", files)
    assert kept == [f"templates/pod{n}.yaml" for n in range(3)]
    result = run_scan(tmp_path, root=str(tmp_path))
    assert [path for path, _, _ in _refusals(result)] == ["charts/db/templates/_helpers.tpl"]


def test_sound_helpers_are_skipped_as_helm_templates_as_before(tmp_path):
    assert _chart(tmp_path, "templates/NOTES.txt", {"templates/_helpers.tpl": HELPERS}) == []
    write_file(tmp_path / "chart/templates", "NOTES.txt", "Installed {{ .Release.Name }}\n")
    result = run_scan(tmp_path, root=str(tmp_path))
    assert not _refusals(result) and len(findings_of(result, "K8S001")) == 3
    assert result.skipped_files["helm-template"] == 2 and "helm-refused" not in result.skipped_files


def test_excluding_the_chart_s_templates_keeps_the_parse_error_and_excluding_it_drops_it(
    tmp_path,
):
    """The refusal is the broken file's: excluding the templates that load it changes
    nothing, excluding the file itself drops its GL001 (the chart still deploys nothing)."""
    _chart(tmp_path, "templates/_helpers.tpl")
    kept = run_scan(tmp_path, root=str(tmp_path), excludes=["pod0.yaml", "pod1.yaml"])
    assert [path for path, _, _ in _refusals(kept)] == ["templates/_helpers.tpl"]
    dropped = run_scan(tmp_path, root=str(tmp_path), excludes=["_helpers.tpl"])
    assert not _refusals(dropped) and not findings_of(dropped, "K8S001")
    assert dropped.skipped_files["helm-refused"] == 3


def test_a_suppression_comment_in_the_refused_file_suppresses_nothing(tmp_path):
    """As for a refused manifest: text/template reads none of the file, so nothing in it is a
    comment guardlint can trust; the config (--skip-rule, exclude) is the user's word."""
    ignore = "# guardlint:ignore-file GL001 -- known broken\n"
    _privileged(tmp_path, {"templates/pod.yaml": PRIVILEGED_POD, "templates/_helpers.tpl": ""})
    write_file(tmp_path / "chart/templates", "_helpers.tpl", ignore + BROKEN)
    [error] = findings_of(run_scan(tmp_path, root=str(tmp_path)), "GL001")
    assert error.suppression is None and error.region.start_line == 6


def test_a_file_past_the_size_limit_is_never_read_as_one_to_parse(tmp_path):
    """A `_helpers.tpl` larger than --max-file-size is no GL001 for its size: only the
    template set's look reads it, within its own bounds."""
    helpers = HELPERS + "{{/* padding */}}\n" * 200
    _privileged(tmp_path, {"templates/pod.yaml": PRIVILEGED_POD, "templates/_helpers.tpl": ""})
    write_file(tmp_path / "chart/templates", "_helpers.tpl", helpers)
    result = run_scan(tmp_path, root=str(tmp_path), max_bytes=1000)
    assert not _refusals(result) and findings_of(result, "K8S001")
