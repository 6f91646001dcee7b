"""A chart's template that Helm leaves out (its chart's .helmignore ignores it, or the default
rule `templates/.?*`) is never deployed: its findings were false positives, and a `define` in
it replaced nothing. Only what every chart that would load it leaves out goes
(guardlint.parse.helm_ignore), and a hostile .helmignore costs time linear in the tree."""

from __future__ import annotations

import pytest

from guardlint.parse import helm_ignore
from tests.conftest import findings_of, processor_seconds, run_scan, write_file
from tests.hostile.linear_time_cases import BUDGET
from tests.hostile.test_helm_template_sets import CHART, HELPERS, SAFE_POD
from tests.hostile.test_helm_templates import PRIVILEGED_POD

SUBCHART = CHART.replace("name: web", "name: db")


def _privileged(tree, files: dict[str, str], root=None) -> list[str]:
    """The files below tree/chart (a chart `web`; a `charts/<name>/Chart.yaml` among `files`
    makes a subchart) that K8S001 reports, each privileged pod's."""
    write_file(tree / "chart", "Chart.yaml", CHART)
    for name, text in files.items():
        write_file(tree / "chart", name, text)
    result = run_scan(root or tree, root=str(root or tree))
    found = findings_of(result, "K8S001")
    return sorted({finding.path.replace("\\", "/").split("chart/", 1)[-1] for finding in found})


@pytest.mark.parametrize(
    ("ignore", "kept"),
    [
        ("draft.yaml\n", ["templates/pod.yaml"]),  # a base name, anywhere
        ("# drafts\n\n  templates/draft.yaml  \r\n", ["templates/pod.yaml"]),
        ("/templates/d*.yaml\n", ["templates/pod.yaml"]),
        ("templates/*.yaml\n", []),
        ("templates/\n", []),  # a directory, skipped whole
        ("draft.yaml/\n", ["templates/draft.yaml", "templates/pod.yaml"]),  # not a directory
        ("*.yml\n", ["templates/draft.yaml", "templates/pod.yaml"]),
        ("templates/*/draft.yaml\n", ["templates/draft.yaml", "templates/pod.yaml"]),
        # Helm's negation fires on every path it does not match: `templates` is skipped.
        ("!pod.yaml\n", []),
        ("!*\n", ["templates/draft.yaml", "templates/pod.yaml"]),  # matching all, it fires on none
        ("!*/\n", []),  # ... wanting a directory, it fires on each file
    ],
)
def test_a_template_the_chart_s_helmignore_ignores_is_not_judged(tmp_path, ignore, kept):
    files = {
        ".helmignore": ignore,
        "templates/pod.yaml": PRIVILEGED_POD,
        "templates/draft.yaml": PRIVILEGED_POD,
    }
    assert _privileged(tmp_path, files) == kept


def test_a_dot_file_in_templates_is_left_out_by_helm_s_default_rule(tmp_path):
    files = {"templates/.pod.yaml": PRIVILEGED_POD, "templates/sub/.pod.yaml": PRIVILEGED_POD}
    assert _privileged(tmp_path, files) == ["templates/sub/.pod.yaml"]


@pytest.mark.parametrize(
    ("parent", "own", "kept"),
    [
        ("charts/db/templates/pod.yaml\n", "", True),  # `helm install chart/charts/db`
        ("", "pod.yaml\n", True),  # the parent loads db's files without db's rules
        ("charts/db/templates/pod.yaml\n", "pod.yaml\n", False),
        ("charts/db/\n", "templates/\n", False),
    ],
)
def test_a_subchart_s_template_goes_only_where_every_chart_loading_it_leaves_it_out(
    tmp_path, parent, own, kept
):
    files = {
        ".helmignore": parent,
        "charts/db/Chart.yaml": SUBCHART,
        "charts/db/.helmignore": own,
        "charts/db/templates/pod.yaml": PRIVILEGED_POD,
    }
    assert _privileged(tmp_path, files) == (["charts/db/templates/pod.yaml"] if kept else [])


def test_a_subchart_directory_named_with_a_dot_or_underscore_is_not_loaded_by_its_parent(
    tmp_path,
):
    files = {
        "charts/_db/Chart.yaml": SUBCHART,
        "charts/_db/.helmignore": "pod.yaml\n",
        "charts/_db/templates/pod.yaml": PRIVILEGED_POD,
        "charts/db/Chart.yaml": SUBCHART,
        "charts/db/.helmignore": "pod.yaml\n",
        "charts/db/templates/pod.yaml": PRIVILEGED_POD,
    }
    assert _privileged(tmp_path, files) == ["charts/db/templates/pod.yaml"]


def test_a_chart_below_another_s_charts_outside_the_root_keeps_what_its_own_rules_ignore(
    tmp_path,
):
    """Scanning the subchart alone: its parent, outside the root, loads the file."""
    files = {
        "charts/db/Chart.yaml": SUBCHART,
        "charts/db/.helmignore": "pod.yaml\n",
        "charts/db/templates/pod.yaml": PRIVILEGED_POD,
    }
    root = tmp_path / "chart" / "charts" / "db"
    assert _privileged(tmp_path, files, root=root) == ["templates/pod.yaml"]


@pytest.mark.parametrize(
    "ignore",
    [
        "\ufeffdraft.yaml\n",  # older Helm keeps the byte order mark in the rule
        "\x1cdraft.yaml\n",  # no white space to Go
        "draft.yaml\\/\n",  # valid, but not once its `/` is stripped: it matches nothing
        "**/draft.yaml\n",  # Helm refuses the chart; the rule is not taken
        "[draft.yaml\n",
        "draft.yaml\n" * (helm_ignore.MAX_RULES + 1),
        "#" * helm_ignore.MAX_BYTES + "\ndraft.yaml\n",
        "*" * (helm_ignore.MAX_RULE_LENGTH + 1) + "draft.yaml\n",
    ],
    ids=["bom", "separator", "stripped", "double star", "bad", "rules", "bytes", "length"],
)
def test_a_rule_go_may_read_otherwise_or_past_a_bound_ignores_nothing(tmp_path, ignore):
    files = {".helmignore": ignore, "templates/draft.yaml": PRIVILEGED_POD}
    assert _privileged(tmp_path, files) == ["templates/draft.yaml"]


@pytest.mark.parametrize("ignored", [True, False])
def test_a_define_in_a_file_helm_leaves_out_replaces_nothing(tmp_path, ignored):
    """pod.yaml is counted as a Helm template where _replace.tpl may define its name; where
    .helmignore ignores _replace.tpl, pod.yaml is judged as written."""
    replacing = HELPERS + '{{- define "web/templates/pod.yaml" }}\n' + SAFE_POD + "{{- end }}\n"
    files = {
        ".helmignore": "_replace.tpl\n" if ignored else "",
        "templates/pod.yaml": PRIVILEGED_POD,
        "templates/_replace.tpl": replacing,
    }
    assert _privileged(tmp_path, files) == (["templates/pod.yaml"] if ignored else [])


def test_a_hostile_helmignore_costs_time_linear_in_the_tree(tmp_path):
    """A thousand rules that cost each name's length times the rule's to match (a star, then
    a chunk of 900 characters that must end the name), over 300 templates of long names: past
    MAX_WORK for a file, its chart's rules are not matched (the default rule only)."""
    rule = "*" + "?" * 900 + "x\n"
    names = {f"templates/{'d' * 200}{index}/pod.yaml": PRIVILEGED_POD for index in range(300)}
    start = processor_seconds()
    kept = _privileged(tmp_path, {".helmignore": rule * helm_ignore.MAX_RULES, **names})
    assert processor_seconds() - start < BUDGET
    assert len(kept) == 300


def test_a_template_deeper_than_the_bound_is_taken_as_loaded(tmp_path):
    deep = "templates/" + "d/" * (helm_ignore.MAX_DEPTH - 2)
    files = {".helmignore": "pod.yaml\n", deep + "pod.yaml": PRIVILEGED_POD}
    files["templates/pod.yaml"] = PRIVILEGED_POD
    assert _privileged(tmp_path, files) == [deep + "pod.yaml"]
