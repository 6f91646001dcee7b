"""An object another file supplies to a chart template's pod (a LimitRange's container defaults,
a `default` ServiceAccount without automount) counts as Helm renders the file that holds it:
one written where Helm never renders it (`# {{ if false }}`), or only for some values, or in a
partial, never removes a finding; and two identical findings keep the unsuppressed one."""

from __future__ import annotations

import json

import pytest

from guardlint.parse.helm_templates import static_texts
from tests.conftest import findings_of, run_scan, write_file
from tests.documents.test_eks_manifests import PRIVILEGED, _template

CHART = "apiVersion: v2\nname: web\nversion: 0.1.0\n"
LIMIT_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - {type: Container, default: {memory: 512Mi, cpu: '1'}}
"""
ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
automountServiceAccountToken: false
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers:
        - {name: api, image: "example/api:1.0"}
"""
# Ways of writing an object in a chart's template that not every rendering holds.
NOT_ALWAYS = {
    "never rendered": lambda text: "# {{ if false }}\n" + text + "# {{ end }}\n",
    "rendered for some values": lambda text: "# {{ if .Values.x }}\n" + text + "# {{ end }}\n",
    "in one branch, another namespace's in the other": lambda text: (
        "# {{ if .Values.x }}\n"
        + text
        + "# {{ else }}\n---\n"
        + text.replace("shop", "other")
        + "# {{ end }}\n"
    ),
}
# Ways every rendering holds it alike.
ALWAYS = {
    "as written": lambda text: text,
    "after a Go comment": lambda text: "{{/* defaults */}}\n" + text,
    "in both branches": lambda text: (
        "{{- if .Values.x }}\n" + text + "{{- else }}\n" + text + "{{- end }}\n"
    ),
}


def _rules(tmp_path, rule_id: str, files: dict[str, str], chart: bool = True) -> list:
    if chart:
        write_file(tmp_path / "chart", "Chart.yaml", CHART)
    for name, text in files.items():
        write_file(tmp_path / "chart" / "templates", name, text)
    result = run_scan(tmp_path, only_rules={rule_id})
    return [(f.path.rsplit("/", 1)[-1], f.region.start_line) for f in findings_of(result, rule_id)]


@pytest.mark.parametrize("written", list(NOT_ALWAYS.values()), ids=list(NOT_ALWAYS))
def test_a_limit_range_not_in_every_rendering_gives_no_container_defaults(tmp_path, written):
    text = written(LIMIT_RANGE) + "---\n" + DEPLOYMENT
    assert static_texts(text) is not None  # the pod's file is judged, not counted
    assert _rules(tmp_path, "K8S011", {"app.yaml": text}) != []


@pytest.mark.parametrize("written", list(ALWAYS.values()), ids=list(ALWAYS))
def test_a_limit_range_in_every_rendering_gives_its_defaults(tmp_path, written):
    text = written(LIMIT_RANGE) + "---\n" + DEPLOYMENT
    assert _rules(tmp_path, "K8S011", {"app.yaml": text}) == []


@pytest.mark.parametrize("written", list(NOT_ALWAYS.values()), ids=list(NOT_ALWAYS))
@pytest.mark.parametrize("beside", [True, False], ids=["another file", "the pod's file"])
def test_an_account_not_in_every_rendering_does_not_stop_the_token_mount(tmp_path, written, beside):
    files = (
        {"sa.yaml": written(ACCOUNT), "app.yaml": DEPLOYMENT}
        if beside
        else {"app.yaml": written(ACCOUNT) + "---\n" + DEPLOYMENT}
    )
    assert _rules(tmp_path, "K8S018", files) != []


def test_an_account_whose_rendering_depends_on_values_supplies_nothing(tmp_path):
    labelled = ACCOUNT.replace("namespace: shop", 'namespace: shop, labels: {a: "{{ .Values.a }}"}')
    files = {"sa.yaml": labelled}
    assert static_texts(labelled) is None
    assert _rules(tmp_path, "K8S018", {**files, "app.yaml": DEPLOYMENT}) != []


def test_an_account_in_a_partial_is_rendered_nowhere_alone(tmp_path):
    assert _rules(tmp_path, "K8S018", {"_sa.yaml": ACCOUNT, "app.yaml": DEPLOYMENT}) != []


@pytest.mark.parametrize("written", list(ALWAYS.values()), ids=list(ALWAYS))
def test_an_account_in_every_rendering_stops_the_token_mount(tmp_path, written):
    assert _rules(tmp_path, "K8S018", {"sa.yaml": written(ACCOUNT), "app.yaml": DEPLOYMENT}) == []


def test_a_templates_directory_without_a_chart_reads_as_plain_yaml(tmp_path):
    """No chart, no Helm: `# {{ if false }}` is a comment, and the account is applied."""
    files = {"sa.yaml": NOT_ALWAYS["never rendered"](ACCOUNT), "app.yaml": DEPLOYMENT}
    assert _rules(tmp_path, "K8S018", files, chart=False) == []


def test_of_two_identical_findings_the_unsuppressed_one_is_kept(tmp_path):
    """Two objects of one name in one CDK manifest (the last applied wins), one annotated:
    their findings share the manifest's line, and the annotation covers its own object's."""
    annotated = json.loads(json.dumps(PRIVILEGED))
    annotated["metadata"]["annotations"] = {
        "guardlint.dev/ignore": "K8S001",
        "guardlint.dev/ignore-reason": "reviewed",
    }
    manifest = json.dumps([annotated, PRIVILEGED])
    write_file(tmp_path, "stack.template.json", _template(manifest))
    found = findings_of(run_scan(tmp_path), "K8S001")
    assert [f.suppression for f in found] == [None]
