"""Helm parses every template of a chart into one text/template set before it renders any
(engine.render: a parse error of one returns no manifest), so a chart one of whose templates
text/template cannot parse deploys nothing, and its templates' findings were false positives.
A refusal counts where Go 1.19's lexer and parser refuse it whatever else the file holds
(guardlint.parse.helm_refusals): the file Helm reports (the first it parses) gets one GL001 and
the chart's other templates are counted as `helm-refused`. A file Helm leaves out or does not
parse with the template refuses nothing, nor does anything guardlint cannot tell."""

from __future__ import annotations

import pytest

from guardlint.parse import helm_template_set
from guardlint.parse.helm_refusals import refusal
from tests.conftest import findings_of, run_scan
from tests.hostile.conftest import processor_seconds
from tests.hostile.linear_time_cases import BUDGET
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
        ("a: {{ .x }\n}}", 1),  # a `}` alone is no operand
        ("a: }} {{", 1),
        ("plain: yaml\n", None),
    ],
)
def test_an_unclosed_action_is_refused_at_its_line(text, line):
    found = refusal(text.encode())
    assert (found and found.line) == line


@pytest.mark.parametrize(
    ("files", "kept"),
    [
        ({"templates/broken.yaml": "x: {{ .Values.x\n"}, []),
        ({"templates/NOTES.txt": "Thanks {{ .Release.Name\n"}, []),
        ({"templates/_helpers.tpl": '{{- define "x" }}a{{ end }}{{/* c\n'}, []),
        # Closed after a name Helm has no function of (and a `:` without `=`).
        ({"templates/broken.yaml": 'x: {{ .Values.x\ny: "}}"\n'}, []),
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
    ids=["template", "notes", "helpers", "unknown function", "left out", "subchart"],
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
    """The first MAX_REFUSING of them by path are looked at for each template: those of a
    subchart come first (`charts/` before `templates/`) and refuse nothing of the chart."""
    files = {"charts/db/Chart.yaml": SUBCHART, "templates/z.yaml": "x: {{ .x\n"}
    for index in range(helm_template_set.MAX_REFUSING):
        files[f"charts/db/templates/b{index}.yaml"] = "x: {{ .x\n"
    assert _privileged(tmp_path, {"templates/pod.yaml": PRIVILEGED_POD, **files}) == [
        "templates/pod.yaml"
    ]
    del files[f"charts/db/templates/b{helm_template_set.MAX_REFUSING - 1}.yaml"]
    assert _privileged(tmp_path / "again", {"templates/pod.yaml": PRIVILEGED_POD, **files}) == []


# Each refuses the whole chart in Go 1.19's text/template with Helm's functions, at its line.
_REFUSED = {
    "two defines": ('{{ define "a" }}x{{ end }}\n{{ define "a" }}y{{ end }}\n', 2),
    "block without a value": ('a: 1\n{{ block "a" }}x{{ end }}\n', 2),
    "string left open": ('a: {{ "x }} \nb: 1\n', 1),
    "raw string left open": ("a: {{ `x }}\nb: 1\n", 1),
    "unknown function": ("a: {{ .x | quote }}\nb: {{ toYml .y }}\n", 2),
    "env": ('a: {{ env "HOME" }}\n', 1),
    "comment not at its delimiter": ("a: 1\nb: {{ /* x */ }}\n", 2),
    "else after else": ("{{ if .x }}a{{ else }}b{{ else }}c{{ end }}\n", 1),
    "break outside a range": ("{{ range .x }}{{ else }}{{ break }}{{ end }}\n", 1),
    "end without a chain": ("a: 1\n{{ end }}\n", 2),
    "chain never ended": ("a: 1\n{{ if .x }}\nb: 1\n", 2),
    "define inside an if": ('{{ if .x }}{{ define "a" }}{{ end }}{{ end }}\n', 1),
    "unclosed paren": ("a: {{ (.x }}\n", 1),
    "bad character": ('a: {{ quote"x" }}\n', 1),
}
# Each parses in Go 1.19 (or a later Helm's Go), so guardlint refuses none of them.
_PARSED = {
    "empty define twice": ('{{ define "a" }} {{/* c */}} {{ end }}{{ define "a" }}x{{ end }}\n'),
    "defines in two files' names": ('{{ define "a" }}x{{ end }}{{ define "b" }}x{{ end }}\n'),
    "block with a value": ('{{ block "a" . }}x{{ end }}\n'),
    "helm functions": ('{{ include "a" . | nindent 4 }}{{ toYaml .x | indent 2 }}{{ tpl "" . }}'),
    "break in a range": ("{{ range .x }}{{ if .y }}{{ break }}{{ end }}{{ continue }}{{ end }}"),
    "else with": ("{{ with .x }}{{ else with .y }}{{ else }}{{ end }}"),
    "variables": ("{{ range $i, $e := .x }}{{ $i }}{{ $v := 1 }}{{ $v = 2 }}{{ end }}"),
    "numbers": ("{{ add 1 -2 0x1F 1e3 .5 }}{{- .x -}}"),
    "string holding delimiters": ('a: {{ "}} {{" }}{{ `\n}}` }}'),
}


@pytest.mark.parametrize("case", _REFUSED, ids=list(_REFUSED))
def test_what_text_template_refuses_is_read_with_its_line(case):
    text, line = _REFUSED[case]
    found = refusal(text.encode())
    assert found is not None and found.line == line, found


@pytest.mark.parametrize("case", _PARSED, ids=list(_PARSED))
def test_what_text_template_parses_is_no_refusal(case):
    assert refusal(_PARSED[case].encode()) is None


@pytest.mark.parametrize("case", _REFUSED, ids=list(_REFUSED))
def test_a_chart_with_a_template_go_refuses_reports_none_of_its_other_templates(tmp_path, case):
    text, line = _REFUSED[case]
    files = {"templates/pod.yaml": PRIVILEGED_POD, "templates/broken.yaml": text}
    assert _privileged(tmp_path, files) == []
    result = run_scan(tmp_path, root=str(tmp_path))
    [error] = findings_of(result, "GL001")
    assert error.path.endswith("broken.yaml") and error.region.start_line == line
    assert "so Helm renders none of this chart's templates" in error.message


def test_a_chart_helm_refuses_has_one_parse_error_where_helm_reports_it(tmp_path):
    """Helm parses deeper paths first, then in reverse lexical order, and reports the first
    error (engine.go sortTemplates): here `templates/sub/a.yaml`, then `templates/z.yaml`."""
    broken = "x: {{ .x\n"
    files = {"templates/pod.yaml": PRIVILEGED_POD, "templates/a.yaml": broken}
    files |= {"templates/z.yaml": broken, "templates/sub/a.yaml": "y: 1\nx: {{ nope }}\n"}
    _privileged(tmp_path, files)
    result = run_scan(tmp_path, root=str(tmp_path))
    [error] = findings_of(result, "GL001")
    assert error.path.replace("\\", "/").endswith("templates/sub/a.yaml")
    assert error.region.start_line == 2 and "'nope'" in error.message
    assert result.skipped_files["helm-refused"] == 3
    del files["templates/sub/a.yaml"]
    _privileged(tmp_path / "again", files)
    result = run_scan(tmp_path / "again", root=str(tmp_path / "again"))
    assert [f.path.rsplit("/", 1)[-1] for f in findings_of(result, "GL001")] == ["z.yaml"]


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ (" * 200_000,
        '{{ define "a" }}x{{ end }}' * 40_000,
        "{{ if .x }}" * 100_000 + "{{ end }}" * 100_000,
        '{{ "' + "\\x" * 400_000 + '" }}',
        "{{ .a.b.c" * 100_000 + " }}",
        "{{/*" * 200_000,
    ],
    ids=["parens", "defines", "nested chains", "escapes", "fields", "comments"],
)
def test_a_hostile_template_is_read_in_linear_time(tmp_path, hostile):
    """The reader takes each character once: a megabyte of actions, chains or definitions
    costs a moment, and the chart's other template is judged or counted as the text says."""
    files = {"templates/pod.yaml": PRIVILEGED_POD, "templates/_helpers.tpl": hostile}
    started = processor_seconds()
    _privileged(tmp_path, files)
    assert processor_seconds() - started < BUDGET
