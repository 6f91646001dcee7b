"""A manifest placed in a Helm chart's templates/ is judged as Helm renders it: a comment, a Go
template comment, white space or a trim marker never hides it; a file whose text depends on
values is counted as a Helm template, never reported as unparsable."""

from __future__ import annotations

import pytest

from guardlint.parse.helm_actions import MAX_VARIANTS
from tests.conftest import findings_of, run_scan, write_file

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
  containers:
    - name: p
      image: nginx:1.27
      securityContext:
        privileged: true
      volumeMounts: [{name: root, mountPath: /host}]
  volumes:
    - name: root
      hostPath: {path: /}
"""
PRIVILEGED_LINE = PRIVILEGED_POD.splitlines().index("        privileged: true") + 1


def _chart(tmp_path, name: str, text: str):
    write_file(tmp_path / "chart", "Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    write_file(tmp_path / "chart" / "templates", name, text)
    return run_scan(tmp_path)


def _privileged_lines(result) -> list[tuple[str, int]]:
    return [(f.path, f.region.start_line) for f in findings_of(result, "K8S001")]


@pytest.mark.parametrize(
    ("text", "shift"),
    [
        pytest.param(PRIVILEGED_POD, 0, id="no action"),
        pytest.param("# {{ .Release.Name }}\n" + PRIVILEGED_POD, 1, id="comment line"),
        pytest.param(
            PRIVILEGED_POD.replace("name: p\n", "name: p  # {{ .Values.x }}\n", 1),
            0,
            id="trailing comment",
        ),
        pytest.param("{{/* doc */}}\n" + PRIVILEGED_POD, 1, id="Go comment"),
        pytest.param("{{- /* doc\n  over two lines */ -}}\n" + PRIVILEGED_POD, 2, id="trimmed"),
        pytest.param(
            "# {{ if .Values.x }}\n" + PRIVILEGED_POD + "# {{ end }}\n", 1, id="control in comments"
        ),
        pytest.param(
            "{{- if .Values.on }}\n" + PRIVILEGED_POD + "{{- end }}\n", 1, id="control outside"
        ),
        pytest.param('# {{ "}}" }}\n' + PRIVILEGED_POD, 1, id="delimiter in a string"),
        pytest.param(
            PRIVILEGED_POD.replace("spec:\n", "spec:\n  {{- /* the pod */}}\n", 1),
            1,
            id="left trim on its own line",
        ),
    ],
)
def test_a_privileged_pod_in_a_chart_template_is_reported_on_its_written_line(
    tmp_path, text, shift
):
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged_lines(result) == [("chart/templates/pod.yaml", PRIVILEGED_LINE + shift)]
    assert not findings_of(result, "GL001")
    assert result.skipped_files.get("helm-template", 0) == 0


def test_a_comment_whose_trim_marker_swallows_the_next_line_does_not_hide_the_pod(tmp_path):
    """` -}}` in a YAML comment joins the next line to the comment: Helm deploys the pod without
    that line, and so is it judged (labels gone, the privileged container kept)."""
    swallowed = "  name: p # {{ .Release.Name -}}\n  labels: {a: b}\n"
    text = PRIVILEGED_POD.replace("  name: p\n", swallowed)
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged_lines(result) == [("chart/templates/pod.yaml", PRIVILEGED_LINE + 1)]


@pytest.mark.parametrize(
    "glued",
    ["---", "\n  ---", "# {{/* a comment */}}\n---"],
    ids=["after a ConfigMap", "at the start", "after a comment action"],
)
def test_a_pod_glued_to_helm_s_separator_is_judged_as_the_manifest_helm_splits_off(tmp_path, glued):
    """Helm splits a template's output at `---` glued to what follows (`---apiVersion: v1`,
    releaseutil.SplitManifests), where YAML reads one document with a key `---apiVersion`: the
    privileged pod Helm deploys was judged as keys of a ConfigMap, or as no manifest."""
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"
    before = config_map + glued if glued == "---" else glued
    text = before + PRIVILEGED_POD
    result = _chart(tmp_path, "pod.yaml", text)
    shift = before.count("\n") + 1  # the separator is judged on a line of its own
    assert _privileged_lines(result) == [("chart/templates/pod.yaml", PRIVILEGED_LINE + shift)]


def test_trimming_inside_a_block_scalar_still_judges_the_rendered_pod(tmp_path):
    """Where putting each rendered line back on its written line would change the YAML (a
    block scalar's empty lines), the rendered text is judged: the pod is still reported."""
    text = PRIVILEGED_POD.replace(
        "  name: p\n", "  name: p\n  annotations:\n    doc: |\n      one\n      {{- /* c */}}\n", 1
    )
    result = _chart(tmp_path, "pod.yaml", text)
    assert [path for path, _ in _privileged_lines(result)] == ["chart/templates/pod.yaml"]


@pytest.mark.parametrize(
    "text",
    [
        PRIVILEGED_POD.replace("name: p\n", "name: {{ .Release.Name }}\n", 1),
        PRIVILEGED_POD.replace("name: p\n", 'name: "p-{{ .Release.Name }}"\n', 1),
        PRIVILEGED_POD.replace("name: p\n", "name: p#{{ .Release.Name }}\n", 1),
        "{{ if .Values.on }}{{ .Values.name }}{{ end }}\n" + PRIVILEGED_POD,
        PRIVILEGED_POD + '{{ include "pod.extra" . }}\n',
    ],
    ids=[
        "value",
        "in a quoted value",
        "in a plain value",
        "value in a branch",
        "include",
    ],
)
def test_a_template_that_depends_on_values_is_counted_not_reported(tmp_path, text):
    result = _chart(tmp_path, "pod.yaml", text)
    assert not result.findings
    # Chart.yaml holds no IaC; the template is counted as one.
    assert result.skipped_files == {"helm-template": 1, "not-iac-content": 1}
    assert result.files["skipped"] == 2 and not result.files["scanned"]


@pytest.mark.parametrize(
    "text",
    [
        "{{ /* not a comment: a space before it */ }}\n" + PRIVILEGED_POD,
        "# {{ if .Values.on }}\n" + PRIVILEGED_POD,  # a chain never ended
        PRIVILEGED_POD + "# {{ end }}\n",  # an end without a chain
        "# {{ if .Values.on }}{{ else }}{{ else }}\n" + PRIVILEGED_POD + "# {{ end }}\n",
        "# {{ break }}\n" + PRIVILEGED_POD,
    ],
    ids=[
        "bad comment",
        "chain never ended",
        "end without a chain",
        "else after the last",
        "break outside a range",
    ],
)
def test_a_template_text_template_refuses_is_a_parse_error_not_judged(tmp_path, text):
    """Go's parser refuses these control actions, so Helm renders none of the chart: the
    template is a GL001 (guardlint.parse.helm_refusals), never judged as written."""
    result = _chart(tmp_path, "pod.yaml", text)
    assert [finding.rule_id for finding in result.findings] == ["GL001"]


def test_a_judged_chart_template_keeps_inline_suppressions(tmp_path):
    text = PRIVILEGED_POD.replace(
        "privileged: true\n", "privileged: true  # guardlint:ignore K8S001 reviewed\n"
    )
    result = _chart(tmp_path, "pod.yaml", "{{/* doc */}}\n" + text)
    assert [f.suppression is not None for f in findings_of(result, "K8S001")] == [True]


def test_a_judged_chart_template_gets_the_pod_template_rules(tmp_path):
    deployment = (
        "# {{ .Chart.Name }} web\napiVersion: apps/v1\nkind: Deployment\n"
        "metadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: web\n          image: nginx:1.27\n"
        "          securityContext: {privileged: true}\n"
    )
    result = _chart(tmp_path, "deployment.yaml", deployment)
    assert [(f.region.start_line, f.resource) for f in findings_of(result, "K8S001")] == [
        (11, "Deployment shop/web container web")
    ]


def test_a_chart_template_without_a_namespace_takes_the_release_s_not_default(tmp_path):
    # `helm install --namespace` places a chart's objects; one that names default still lands
    # there.
    unnamed = PRIVILEGED_POD.replace("  namespace: shop\n", "")
    result = _chart(tmp_path, "pod.yaml", unnamed)
    assert findings_of(result, "K8S001") and not findings_of(result, "K8S016")
    named = PRIVILEGED_POD.replace("namespace: shop", "namespace: default")
    assert findings_of(_chart(tmp_path, "pod.yaml", named), "K8S016")


VALUED_POD = PRIVILEGED_POD.replace("name: p\n", "name: {{ .Release.Name }}\n", 1)


@pytest.mark.parametrize("below", ["", "sub/"], ids=["in templates", "in a subdirectory"])
def test_a_chart_template_named_on_the_command_line_is_judged_as_the_walk_judges_it(
    tmp_path, below
):
    """The pre-commit hook and --changed-only name changed files: a template is still read as
    Helm renders it (its trim markers), one that depends on values is still counted, and so is
    a file Helm renders no manifest from."""
    write_file(tmp_path / "chart", "Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    templates = tmp_path / "chart" / "templates" / below
    write_file(templates, "pod.yaml", "{{- /* doc */ -}}\n" + PRIVILEGED_POD)
    write_file(templates, "valued.yaml", VALUED_POD)
    write_file(templates, "_helpers.tpl", '{{- define "web.name" -}}web{{- end }}\n')
    named = [templates / name for name in ("pod.yaml", "valued.yaml", "_helpers.tpl")]
    for paths in ([tmp_path / "chart"], named):
        result = run_scan(*paths, root=str(tmp_path))
        pod = f"chart/templates/{below}pod.yaml"
        assert _privileged_lines(result) == [(pod, PRIVILEGED_LINE + 1)]
        assert not findings_of(result, "GL001")
        assert result.skipped_files["helm-template"] == 2


def test_a_chart_template_named_as_the_scan_root_s_file_is_judged_from_its_chart(
    tmp_path, monkeypatch
):
    """`cd chart/templates && guardlint scan valued.yaml`, as `guardlint scan .` there."""
    write_file(tmp_path / "chart", "Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    write_file(tmp_path / "chart" / "templates", "valued.yaml", VALUED_POD)
    monkeypatch.chdir(tmp_path / "chart" / "templates")
    for path in (".", "valued.yaml"):
        result = run_scan(path)
        assert not result.findings and result.skipped_files == {"helm-template": 1}


def test_a_templates_directory_without_a_chart_beside_it_is_plain_yaml(tmp_path):
    write_file(tmp_path / "templates", "valued.yaml", VALUED_POD)
    result = run_scan(tmp_path / "templates" / "valued.yaml", root=str(tmp_path))
    assert findings_of(result, "K8S001") and "helm-template" not in result.skipped_files


def _alternatives(*branches: str) -> str:
    """The pod with its securityContext's line written once for each branch of a chain whose
    control actions, `# {{ ... }}` lines, are `branches` (the last is the `end`)."""
    before, after = PRIVILEGED_POD.split("        privileged: true\n")
    chain = "".join(
        f"        # {{{{ {action} }}}}\n" + (f"        privileged: {value}\n" if value else "")
        for action, value in branches
    )
    return before + chain + after


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            _alternatives(("if .Values.x", "true"), ("else", "false"), ("end", "")), 12, id="if"
        ),
        pytest.param(
            _alternatives(("if true", "true"), ("else", "false"), ("end", "")), 12, id="if true"
        ),
        pytest.param(
            _alternatives(
                ("if .Values.a", "false"),
                ("else if .Values.b", "true"),
                ("else", "false"),
                ("end", ""),
            ),
            14,
            id="else if",
        ),
        pytest.param(
            _alternatives(("with .Values.a", "true"), ("else", "false"), ("end", "")),
            12,
            id="with",
        ),
        pytest.param(
            _alternatives(("range .Values.a", "true"), ("else", "false"), ("end", "")),
            12,
            id="range",
        ),
        pytest.param(
            _alternatives(
                ("if .Values.a", ""),
                ("if .Values.b", "false"),
                ("else", "true"),
                ("end", ""),
                ("else", "false"),
                ("end", ""),
            ),
            15,
            id="nested",
        ),
        pytest.param(
            _alternatives(("- if .Values.a", "true"), ("- else", "false"), ("- end", "")).replace(
                "{{ - ", "{{- "
            ),
            12,
            id="trim markers",
        ),
    ],
)
def test_alternatives_in_comments_are_each_judged_as_helm_may_render_them(tmp_path, text, line):
    """Control actions in comments choose between branches, which YAML read all at once as a
    duplicate key, keeping the last (with a GL001 note) where Helm may render another: the
    privileged container some rendering deploys was lost. Each rendering is judged; a finding
    its branches agree on is reported once."""
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged_lines(result) == [("chart/templates/pod.yaml", line)]
    assert not findings_of(result, "GL001")
    assert len(findings_of(result, "K8S015")) == 1  # hostPath /: in every rendering


def test_a_branch_helm_never_takes_is_not_judged(tmp_path):
    """`if false` (text/template's truth of a constant): Helm never renders the branch."""
    text = _alternatives(("if false", "true"), ("end", ""))
    result = _chart(tmp_path, "pod.yaml", text)
    assert not findings_of(result, "K8S001") and findings_of(result, "K8S015")


def test_a_string_literal_s_line_breaks_in_a_comment_print_lines_of_their_own(tmp_path):
    """`# {{ "\\n  key: value" }}` prints its value, and the lines after its line break are no
    comment; the lines after it are judged one line further down per line break."""
    text = PRIVILEGED_POD.replace(
        "      securityContext:\n        privileged: true\n",
        '      securityContext: # {{ "\\n        privileged: true" }}\n',
    )
    result = _chart(tmp_path, "pod.yaml", text)
    assert _privileged_lines(result) == [("chart/templates/pod.yaml", PRIVILEGED_LINE)]


def test_a_chain_of_more_branches_than_judged_renderings_is_counted(tmp_path):
    branches = [("if .Values.a", "false")]
    branches += [(f"else if .Values.b{n}", "false") for n in range(MAX_VARIANTS - 2)]
    judged = _alternatives(*branches, ("else", "true"), ("end", ""))
    assert findings_of(_chart(tmp_path, "pod.yaml", judged), "K8S001")
    branches.append(("else if .Values.c", "false"))
    too_many = _alternatives(*branches, ("else", "true"), ("end", ""))
    result = _chart(tmp_path, "pod.yaml", too_many)
    assert not result.findings and result.skipped_files["helm-template"] == 1
