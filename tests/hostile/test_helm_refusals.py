"""Helm parses every template of a chart into one text/template set before it renders any
(engine.render: a parse error of one returns no manifest), so a chart one of whose templates
text/template cannot parse deploys nothing, and its templates' findings were false positives.
Only a refusal guardlint cannot misread counts: a `{{` that no `}}` follows anywhere, which Go's
lexer refuses whatever it is read as (an unclosed action, comment or string); the file gets a
GL001 and the chart's other templates are counted as `helm-refused`. A `{{` closed anywhere
after, or a file Helm leaves out or does not parse with the template, refuses nothing."""

from __future__ import annotations

import pytest

from guardlint.parse import helm_template_set
from guardlint.parse.helm_template_set import unclosed_action
from tests.conftest import findings_of, run_scan
from tests.hostile.test_helm_ignore import SUBCHART, _privileged
from tests.hostile.test_helm_templates import PRIVILEGED_POD


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: {{ .Values.x\n", 1),
        ("a: 1\nb: {{/* never closed\n", 2),
        ('a: {{ "}}" }}\nb: {{ "x\n', 2),  # the last `{{` has no `}}` after it
        ("a: {{ .x }}\n", None),
        ('a: {{ "{{" }}\n', None),  # a `}}` follows: whatever Go reads, guardlint sees none
        ("a: {{ .x }\n}}", None),
        ("a: }} {{", 1),
        ("plain: yaml\n", None),
    ],
)
def test_an_unclosed_action_is_a_brace_pair_no_closing_pair_follows(text, line):
    assert unclosed_action(text.encode()) == line


@pytest.mark.parametrize(
    ("files", "kept"),
    [
        ({"templates/broken.yaml": "x: {{ .Values.x\n"}, []),
        ({"templates/NOTES.txt": "Thanks {{ .Release.Name\n"}, []),
        ({"templates/_helpers.tpl": '{{- define "x" }}a{{ end }}{{/* c\n'}, []),
        # Closed somewhere after: not one guardlint can be sure of.
        ({"templates/broken.yaml": 'x: {{ .Values.x\ny: "}}"\n'}, ["templates/pod.yaml"]),
        # Left out by the chart's .helmignore: Helm never parses it.
        (
            {"templates/broken.yaml": "x: {{ .x\n", ".helmignore": "broken.yaml\n"},
            ["templates/pod.yaml"],
        ),
        # In a subchart: the chart's templates render without it where db is disabled, and
        # db's own are refused.
        (
            {"charts/db/Chart.yaml": SUBCHART, "charts/db/templates/b.yaml": "x: {{ .x\n"},
            ["templates/pod.yaml"],
        ),
    ],
    ids=["template", "notes", "helpers", "closed after", "left out", "subchart"],
)
def test_a_chart_helm_refuses_to_parse_reports_no_finding_of_its_templates(tmp_path, files, kept):
    assert _privileged(tmp_path, {"templates/pod.yaml": PRIVILEGED_POD, **files}) == kept


def test_the_template_helm_refuses_is_a_parse_error_and_the_others_are_counted(tmp_path):
    files = {"templates/pod.yaml": PRIVILEGED_POD, "templates/broken.yaml": "a: 1\nx: {{ .x\n"}
    _privileged(tmp_path, files)
    result = run_scan(tmp_path, root=str(tmp_path))
    [error] = findings_of(result, "GL001")
    assert error.path.endswith("broken.yaml") and error.region.start_line == 2
    assert result.skipped_files["helm-refused"] == 1


def test_a_subchart_installed_alone_keeps_what_a_broken_parent_template_refuses(tmp_path):
    """The parent's broken template refuses the parent's templates only: db alone deploys."""
    files = {
        "templates/broken.yaml": "x: {{ .x\n",
        "charts/db/Chart.yaml": SUBCHART,
        "charts/db/templates/pod.yaml": PRIVILEGED_POD,
    }
    assert _privileged(tmp_path, files) == ["charts/db/templates/pod.yaml"]


def test_files_never_closing_an_action_past_the_bound_refuse_nothing(tmp_path):
    """The first MAX_UNCLOSED of them by path are looked at for each template: those of a
    subchart come first (`charts/` before `templates/`) and refuse nothing of the chart."""
    files = {"charts/db/Chart.yaml": SUBCHART, "templates/z.yaml": "x: {{ .x\n"}
    for index in range(helm_template_set.MAX_UNCLOSED):
        files[f"charts/db/templates/b{index}.yaml"] = "x: {{ .x\n"
    assert _privileged(tmp_path, {"templates/pod.yaml": PRIVILEGED_POD, **files}) == [
        "templates/pod.yaml"
    ]
    del files[f"charts/db/templates/b{helm_template_set.MAX_UNCLOSED - 1}.yaml"]
    assert _privileged(tmp_path / "again", {"templates/pod.yaml": PRIVILEGED_POD, **files}) == []
