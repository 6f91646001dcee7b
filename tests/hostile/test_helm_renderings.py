"""What Helm never renders where it is written hides nothing in a chart's template: a `define`'s
body (rendered only where it is included), a `block`'s (another file can define its name anew),
the rest of a range's pass after a `break` or `continue`, and a suppression written in a branch
some rendering does not take."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.test_helm_templates import PRIVILEGED_LINE, PRIVILEGED_POD, _chart

POD = "chart/templates/pod.yaml"
BEFORE, AFTER = PRIVILEGED_POD.split("        privileged: true\n")


def _privileged(result) -> list[tuple[int, bool]]:
    """Each K8S001 finding's line, and whether it is suppressed."""
    return [(f.region.start_line, f.suppression is not None) for f in findings_of(result, "K8S001")]


@pytest.mark.parametrize(
    "define",
    [
        '        # {{ define "pod.safe" }}\n',
        '{{ define "pod.safe" }}\n',
        '{{- define "pod.safe" }}\n',
    ],
    ids=["in comments", "outside comments", "trimmed"],
)
def test_a_define_s_body_renders_nothing_where_it_is_written(tmp_path, define):
    """`privileged: false` in a define after `privileged: true`: YAML read the key twice and
    kept the last value, where Helm renders only the first (a define only names a template)."""
    end = define.replace('define "pod.safe"', "end")
    body = "        privileged: false\n"
    text = BEFORE + "        privileged: true\n" + define + body + end + AFTER
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged(result) == [(PRIVILEGED_LINE, False)]
    assert not findings_of(result, "GL001")  # no duplicate key: the define renders nothing


def test_a_value_printed_in_a_define_s_body_does_not_skip_the_template(tmp_path):
    define = '{{ define "pod.name" }}\nname: {{ .Release.Name }}\n{{ end }}\n'
    result = _chart(tmp_path, "pod.yaml", define + PRIVILEGED_POD)
    assert _privileged(result) == [(PRIVILEGED_LINE + 3, False)]


def _with_helpers(tmp_path, pod: str):
    """A chart whose _helpers.tpl (a partial, never judged) defines "pod.security" privileged,
    which replaces the body of a block of that name in `pod` wherever Helm renders it."""
    helpers = '{{- define "pod.security" }}\n        privileged: true\n{{- end }}\n'
    write_file(tmp_path / "chart" / "templates", "_helpers.tpl", helpers)
    return _chart(tmp_path, "pod.yaml", pod)


def test_a_block_another_file_redefines_is_not_judged_as_its_body(tmp_path):
    """`privileged: false` in a block: judged as the pod's, where Helm renders the privileged
    define of _helpers.tpl in its place (a later non-empty define replaces a block's body)."""
    block = '        {{- block "pod.security" . }}\n        privileged: false\n{{- end }}\n'
    result = _with_helpers(tmp_path, BEFORE + block + AFTER)
    assert not result.findings
    assert result.skipped_files["helm-template"] == 2  # the pod and _helpers.tpl


def test_a_block_in_comments_renders_an_unknown_value_not_its_body(tmp_path):
    """`privileged: true`, then a block in comments whose body says `privileged: false`: YAML
    read the key twice and kept the body's value, which another file replaces."""
    block = '        # {{ block "pod.security" . }}\n        privileged: false\n'
    block += "        # {{ end }}\n"
    text = BEFORE + "        privileged: true\n" + block + AFTER
    result = _with_helpers(tmp_path, text)
    assert _privileged(result) == [(PRIVILEGED_LINE, False)]
    assert not findings_of(result, "GL001")


def test_a_define_named_as_its_own_file_is_not_judged_as_nothing(tmp_path):
    """Helm names this file `web/templates/pod.yaml`; a define of that name with nothing else
    written around it is the template Helm renders for the file (text/template keeps a
    non-empty tree for a name over an empty one), where its body was judged to render nothing."""
    define = '{{ define "web/templates/pod.yaml" }}\n' + PRIVILEGED_POD + "{{ end }}\n"
    result = _chart(tmp_path, "pod.yaml", define)
    assert result.skipped_files["helm-template"] == 1
    assert not result.files["scanned"]


def _pass(*middle: str, otherwise: str = "        privileged: false\n") -> str:
    """The pod whose securityContext is written in a range over `.Values.once`: `privileged:
    true` first in its pass, then `middle`, and `otherwise` in its else."""
    return (
        BEFORE
        + "        # {{ range .Values.once }}\n        privileged: true\n"
        + "".join(middle)
        + "        # {{ else }}\n"
        + otherwise
        + "        # {{ end }}\n"
        + AFTER
    )


SAFE = "        privileged: false\n"


@pytest.mark.parametrize(
    "text",
    [
        _pass("        # {{ break }}\n", SAFE),
        _pass("        # {{ continue }}\n", SAFE),
        _pass("        # {{ if .Values.stop }}{{ break }}{{ end }}\n", SAFE),
        _pass("        # {{ with .Values.a }}{{ else }}{{ continue }}{{ end }}\n", SAFE),
        _pass("        # {{ range .Values.b }}{{ else }}{{ continue }}{{ end }}\n", SAFE),
    ],
    ids=["break", "continue", "break in an if", "continue in a with's else", "in a range's else"],
)
def test_what_follows_a_break_or_continue_in_its_pass_is_not_rendered_with_it(tmp_path, text):
    """A pass that takes a `break` or `continue` renders nothing after it: the privileged
    container it deploys was judged as if the pass went on to `privileged: false`."""
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged(result) == [(PRIVILEGED_LINE + 1, False)]


def test_a_break_in_an_inner_range_s_else_ends_only_that_range(tmp_path):
    """text/template's range catches a `break` in its else too: the pass of the range around
    it goes on (and one in its body ends only that range)."""
    inner = "        # {{ range .Values.b }}{{ break }}{{ else }}{{ break }}{{ end }}\n"
    result = _chart(tmp_path, "pod.yaml", _pass(inner, SAFE))
    assert _privileged(result) == []


def test_chains_after_a_break_are_each_judged_in_a_pass_that_goes_on(tmp_path):
    """A `break` taken in some renderings leaves fewer for what follows it in the pass: every
    branch after it is still judged in one that goes on."""
    text = (
        BEFORE
        + "        # {{ range .Values.once }}{{ if .Values.stop }}{{ break }}{{ end }}\n"
        + "        # {{ if .Values.a }}\n        privileged: false\n"
        + "        # {{ else }}\n        privileged: true\n        # {{ end }}{{ end }}\n"
        + AFTER
    )
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged(result) == [(PRIVILEGED_LINE + 4, False)]


def test_an_ordinary_chart_s_defines_includes_and_breaks_judge_as_before(tmp_path):
    """A define in _helpers.tpl (a partial: counted), a template that includes it in a comment
    and prints no value, and a range whose pass breaks in an if: judged as before."""
    write_file(tmp_path / "chart", "Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    helpers = '{{- define "web.labels" -}}\napp: web\n{{- end }}\n'
    write_file(tmp_path / "chart" / "templates", "_helpers.tpl", helpers)
    labelled = PRIVILEGED_POD.replace(
        "  namespace: shop\n", '  namespace: shop\n  # {{ include "web.labels" . }}\n'
    )
    ranged = (
        "# {{ range .Values.pods }}{{ if .last }}{{ break }}{{ end }}\n"
        + PRIVILEGED_POD
        + "# {{ end }}\n"
    )
    write_file(tmp_path / "chart" / "templates", "pod.yaml", labelled)
    write_file(tmp_path / "chart" / "templates", "ranged.yaml", ranged)
    result = run_scan(tmp_path, root=str(tmp_path))
    assert sorted((f.path, f.region.start_line) for f in findings_of(result, "K8S001")) == [
        ("chart/templates/pod.yaml", PRIVILEGED_LINE + 1),
        ("chart/templates/ranged.yaml", PRIVILEGED_LINE + 1),
    ]
    assert result.skipped_files["helm-template"] == 1
    assert not findings_of(result, "GL001")


REVIEWED = "# {{ if .Values.reviewed }}\n# guardlint:ignore-file K8S001 -- reviewed\n# {{ end }}\n"
ANNOTATED = (
    "  annotations:\n    # {{ if .Values.reviewed }}\n    guardlint.dev/ignore: K8S001\n"
    "    guardlint.dev/ignore-reason: reviewed\n    # {{ end }}\n    team: web\n"
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(REVIEWED + PRIVILEGED_POD, PRIVILEGED_LINE + 3, id="file-wide, before"),
        pytest.param(PRIVILEGED_POD + REVIEWED, PRIVILEGED_LINE, id="file-wide, after"),
        pytest.param(
            BEFORE
            + "        # {{ if .Values.reviewed }}\n        # guardlint:ignore K8S001 -- ok\n"
            + "        # {{ end }}\n        privileged: true\n"
            + AFTER,
            PRIVILEGED_LINE + 3,
            id="above the line",
        ),
        pytest.param(
            PRIVILEGED_POD.replace("  namespace: shop\n", "  namespace: shop\n" + ANNOTATED),
            PRIVILEGED_LINE + 6,
            id="annotation",
        ),
    ],
)
def test_a_suppression_in_a_branch_does_not_silence_the_renderings_without_it(tmp_path, text, line):
    """A suppression written inside `# {{ if .Values.reviewed }}` applied by line to every
    finding of the file, also in the rendering Helm deploys when the branch is not taken."""
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged(result) == [(line, False)]


@pytest.mark.parametrize(
    "text",
    [
        "# {{ if .Values.a }}\n# guardlint:ignore-file K8S001 -- a\n"
        "# {{ else }}\n# guardlint:ignore-file K8S001 -- b\n# {{ end }}\n" + PRIVILEGED_POD,
        PRIVILEGED_POD + "# {{ if .Values.a }}\n# guardlint:ignore-file K8S001 -- a\n"
        "# {{ else }}\n# guardlint:ignore-file K8S001 -- b\n# {{ end }}\n",
        "# {{ if .Values.x }}\n# note\n# {{ end }}\n"
        + PRIVILEGED_POD.replace(
            "privileged: true\n", "privileged: true  # guardlint:ignore K8S001 ok\n"
        ),
    ],
    ids=["each branch, before", "each branch, after", "outside the branches"],
)
def test_a_finding_every_rendering_suppresses_stays_suppressed(tmp_path, text):
    result = _chart(tmp_path, "pod.yaml", text)
    assert [suppressed for _, suppressed in _privileged(result)] == [True]
    assert not findings_of(result, "GL003")


def test_a_reasonless_suppression_in_a_branch_is_reported_once(tmp_path):
    text = "# {{ if .Values.a }}\n# guardlint:ignore-file K8S001\n# {{ end }}\n" + PRIVILEGED_POD
    result = _chart(tmp_path, "pod.yaml", text)
    assert [f.region.start_line for f in findings_of(result, "GL003")] == [2]
