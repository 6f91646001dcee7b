"""A lookup reads a file of a chart's templates/ as Helm renders it: the Chart.yaml that makes
it one is a dependency of the scans that read it, as the file is, and so are the other files of
its template set, which may define its name."""

from __future__ import annotations

from tests.cache.test_invalidation import rescan, rules_of
from tests.conftest import write_file
from tests.hostile.test_helm_lookups import ACCOUNT, CHART
from tests.hostile.test_helm_template_sets import HELPERS
from tests.hostile.test_helm_templates import PRIVILEGED_POD

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
KUSTOMIZATION = "resources: [pod.yaml, chart/templates/sa.yaml]\n"


def test_a_chart_made_around_an_account_a_kustomization_lists_analyses_the_pod_again(
    tmp_path, analysed
):
    """The account, written where Helm never renders it, is plain YAML until a Chart.yaml
    makes its directory a chart's templates/: then the pod's scan no longer counts it."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "kustomization.yaml", KUSTOMIZATION)
    write_file(tree, "pod.yaml", POD + "  containers: [{name: c, image: nginx:1.27}]\n")
    write_file(
        tree / "chart/templates", "sa.yaml", "# {{ if false }}\n" + ACCOUNT + "# {{ end }}\n"
    )
    before, _ = rescan(tree, cache, analysed)
    assert "K8S018" not in rules_of(before, "pod.yaml")
    write_file(tree / "chart", "Chart.yaml", CHART)
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S018" in rules_of(after, "pod.yaml")
    assert "pod.yaml" in scanned
    write_file(tree / "chart/templates", "sa.yaml", ACCOUNT)
    again, scanned = rescan(tree, cache, analysed)
    assert "K8S018" not in rules_of(again, "pod.yaml")
    assert "pod.yaml" in scanned


def test_a_define_of_a_template_s_name_added_to_helpers_analyses_the_template_again(
    tmp_path, analysed
):
    """pod.yaml's bytes stay the same; a define of its name in _helpers.tpl makes Helm render
    that instead, so pod.yaml's cached verdict (its privileged container) no longer holds, and
    holds again once the define is gone."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree / "chart", "Chart.yaml", CHART)
    write_file(tree / "chart/templates", "pod.yaml", PRIVILEGED_POD)
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS)
    before, scanned = rescan(tree, cache, analysed)
    assert "K8S001" in rules_of(before, "chart/templates/pod.yaml")
    assert rescan(tree, cache, analysed) == (before, [])
    replacing = '{{ define "web/templates/pod.yaml" }}\nkind: ConfigMap\n{{ end }}\n'
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS + replacing)
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S001" not in rules_of(after, "chart/templates/pod.yaml")
    judged = ["chart/templates/_helpers.tpl", "chart/templates/pod.yaml"]
    assert scanned == judged
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS)  # its own verdict kept
    assert rescan(tree, cache, analysed) == (before, ["chart/templates/pod.yaml"])


def test_a_define_of_an_account_s_file_name_analyses_the_pods_beside_it_again(tmp_path, analysed):
    """The chart's account stops the pod's token mount until a define of its file's name in
    _helpers.tpl replaces it: the pod's file, unchanged, is judged again."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree / "chart", "Chart.yaml", CHART)
    write_file(tree / "chart/templates", "sa.yaml", ACCOUNT)
    write_file(
        tree / "chart/templates", "app.yaml", POD + "  containers: [{name: c, image: x:1}]\n"
    )
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS)
    before, _ = rescan(tree, cache, analysed)
    assert "K8S018" not in rules_of(before, "chart/templates/app.yaml")
    replacing = '{{ define "web/templates/sa.yaml" }}\nkind: ConfigMap\n{{ end }}\n'
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS + replacing)
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S018" in rules_of(after, "chart/templates/app.yaml")
    assert scanned == [
        f"chart/templates/{name}" for name in ("_helpers.tpl", "app.yaml", "sa.yaml")
    ]


def _pod_left_undeployed(tmp_path, analysed, where: str, name: str, texts: tuple[str, str]):
    """A chart's privileged pod.yaml, judged; then the file `where/name` (below the chart) is
    written as texts[1], which makes Helm deploy no pod.yaml, whose cached finding no longer
    holds; then as texts[0] again, and the finding is back. The file is judged when changed
    where it is one of the chart's templates (whether it is the one Helm reports)."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    judged = [f"chart/{where}/{name}"] if where == "templates" else []
    judged.append("chart/templates/pod.yaml")
    write_file(tree / "chart", "Chart.yaml", CHART)
    write_file(tree / "chart/templates", "pod.yaml", PRIVILEGED_POD)
    write_file(tree / "chart" / where, name, texts[0])
    before, _ = rescan(tree, cache, analysed)
    assert "K8S001" in rules_of(before, "chart/templates/pod.yaml")
    write_file(tree / "chart" / where, name, texts[1])
    after, scanned = rescan(tree, cache, analysed)
    assert not rules_of(after, "chart/templates/pod.yaml")
    assert scanned == judged
    write_file(tree / "chart" / where, name, texts[0])  # its own verdict kept
    assert rescan(tree, cache, analysed) == (before, ["chart/templates/pod.yaml"])


def test_a_helmignore_that_leaves_a_template_out_analyses_it_again(tmp_path, analysed):
    """pod.yaml's bytes stay the same; once the chart's .helmignore names it, Helm never loads
    it; once the rule is gone, it is judged again."""
    _pod_left_undeployed(tmp_path, analysed, ".", ".helmignore", ("# none\n", "pod.yaml\n"))


def test_a_template_that_never_closes_an_action_has_its_chart_s_templates_analysed_again(
    tmp_path, analysed
):
    """NOTES.txt never closing a `{{` makes Helm refuse the chart, until it is fixed."""
    notes = ("Installed {{ .Release.Name }}\n", "Installed {{ .Release.Name\n")
    _pod_left_undeployed(tmp_path, analysed, "templates", "NOTES.txt", notes)


def test_the_template_helm_reports_moves_when_a_file_it_parses_first_breaks(tmp_path, analysed):
    """a.yaml's bytes stay the same; once z.yaml (which Helm parses first) breaks too, Helm
    reports z.yaml's error, so a.yaml's cached GL001 no longer holds: one GL001 per chart."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree / "chart", "Chart.yaml", CHART)
    write_file(tree / "chart/templates", "a.yaml", "x: {{ .x\n")
    write_file(tree / "chart/templates", "z.yaml", "kind: ConfigMap\n")
    before, _ = rescan(tree, cache, analysed)
    assert "GL001" in rules_of(before, "chart/templates/a.yaml")
    write_file(tree / "chart/templates", "z.yaml", "x: {{ nope }}\n")
    after, scanned = rescan(tree, cache, analysed)
    assert "GL001" not in rules_of(after, "chart/templates/a.yaml")
    assert "GL001" in rules_of(after, "chart/templates/z.yaml")
    assert "chart/templates/a.yaml" in scanned


def test_fixing_a_broken_helpers_file_drops_its_parse_error_and_judges_the_templates_again(
    tmp_path, analysed
):
    """The GL001 is _helpers.tpl's own (its line moves with its text); pod.yaml, unchanged, is
    counted while the chart is refused and judged once it is not."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree / "chart", "Chart.yaml", CHART)
    write_file(tree / "chart/templates", "pod.yaml", PRIVILEGED_POD)
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS + "{{ nope }}\n")
    before, _ = rescan(tree, cache, analysed)
    assert rules_of(before) == {"GL001"} and rules_of(before, "chart/templates/_helpers.tpl")
    write_file(tree / "chart/templates", "_helpers.tpl", "\n" + HELPERS + "{{ nope }}\n")
    moved, scanned = rescan(tree, cache, analysed)
    assert [finding[2] for finding in moved] != [finding[2] for finding in before]
    assert scanned == ["chart/templates/_helpers.tpl"]
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS)
    after, scanned = rescan(tree, cache, analysed)
    assert "GL001" not in rules_of(after) and "K8S001" in rules_of(
        after, "chart/templates/pod.yaml"
    )
    assert scanned == ["chart/templates/_helpers.tpl", "chart/templates/pod.yaml"]
