"""Kubernetes manifests as the checks see them: multi-document files, Lists, typed lists,
JSON, pod templates of any kind, Helm chart templates (K8S001 and K8S005 as probes)."""

from __future__ import annotations

import json

from tests.checks.kubernetes import scan_rule
from tests.conftest import findings_of, lines_of, run_scan, write_file

MULTI_DOCUMENT = """\
apiVersion: v1
kind: Pod
metadata:
  name: one
  namespace: shop
spec:
  containers:
    - name: one
      image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: two
  namespace: shop
spec:
  selector: {app: two}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: three
  namespace: shop
spec:
  containers:
    - name: three
      image: nginx:1.27
      securityContext:
        privileged: true
"""


def test_multi_document_only_the_third_document_is_reported(tmp_path):
    write_file(tmp_path, "all.yaml", MULTI_DOCUMENT)
    (finding,) = scan_rule(tmp_path, "K8S001")
    assert (finding.region.start_line, finding.resource) == (30, "Pod shop/three container three")


def test_kind_list_items_are_checked(tmp_path):
    write_file(
        tmp_path,
        "list.yaml",
        """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: app, namespace: shop}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app, namespace: shop}
    spec:
      template:
        spec:
          hostPID: true
          containers:
            - name: app
              image: example/app:1.0
              securityContext: {privileged: true}
""",
    )
    result = run_scan(tmp_path, only_rules={"K8S001", "K8S005"})
    assert lines_of(result, "K8S001") == [17]
    assert lines_of(result, "K8S005") == [13]
    assert findings_of(result, "K8S005")[0].resource == "Deployment shop/app"


def _nested_lists(depth: int) -> str:
    """A privileged Pod in `depth` Lists, each List the second item of the one around it."""
    text, indent = "", ""
    for _ in range(depth):
        text += f"{indent}apiVersion: v1\n{indent}kind: List\n{indent}items:\n"
        text += f"{indent}  - apiVersion: v1\n{indent}    kind: ConfigMap\n"
        text += f"{indent}    metadata: {{name: filler}}\n{indent}  -\n"
        indent += "    "
    return text + (
        f"{indent}apiVersion: v1\n{indent}kind: Pod\n{indent}metadata: {{name: deep}}\n"
        f"{indent}spec: {{containers: [{{name: app, securityContext: {{privileged: true}}}}]}}\n"
    )


def test_lists_in_lists_are_scanned_to_the_yaml_nesting_limit(tmp_path):
    # Two YAML levels a List: 45 Lists and the Pod fit in the 100 levels guardlint parses.
    text = _nested_lists(45)
    write_file(tmp_path, "deep.yaml", text)
    (finding,) = scan_rule(tmp_path, "K8S001")
    assert finding.resource == "Pod default/deep container app"
    assert finding.region.start_line == len(text.splitlines())
    write_file(tmp_path, "deep.yaml", _nested_lists(60))
    result = run_scan(tmp_path, only_rules={"K8S001"})
    (error,) = findings_of(result, "GL001")
    assert error.properties["reason"] == "nesting deeper than 100 levels"
    assert not findings_of(result, "K8S001")


def test_typed_list_items_are_objects_of_the_list_kind(tmp_path):
    # What the API server returns: a PodList whose items carry neither apiVersion nor kind.
    text = """\
apiVersion: v1
kind: PodList
metadata: {resourceVersion: "42"}
items:
  - metadata: {name: api, namespace: shop}
    spec:
      containers:
        - {name: app, image: nginx:1.27, securityContext: {privileged: true}}
"""
    write_file(tmp_path, "pods.json", text)
    (finding,) = scan_rule(tmp_path, "K8S001")
    assert (finding.region.start_line, finding.resource) == (8, "Pod shop/api container app")


def test_list_items_kubectl_rejects_are_parse_errors(tmp_path):
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: kept, namespace: shop}
    spec: {containers: [{name: app, securityContext: {privileged: true}}]}
  - metadata: {name: no-kind}
  - just text
  - apiVersion: v1
    kind: List
    items: {not: a list}
"""
    write_file(tmp_path, "list.yaml", text)
    result = run_scan(tmp_path, only_rules={"K8S001"})
    assert [f.resource for f in findings_of(result, "K8S001")] == ["Pod shop/kept container app"]
    errors = [(f.region.start_line, f.properties["reason"]) for f in findings_of(result, "GL001")]
    not_object = "is not a Kubernetes object (a mapping with apiVersion and kind); kubectl "
    assert errors == [
        (8, f"item 2 of the List on line 1 {not_object}rejects it, and it was not scanned"),
        (9, f"item 3 of the List on line 1 {not_object}rejects it, and it was not scanned"),
        (12, "the items of the List on line 10 are not a list; not scanned"),
    ]


def test_json_manifest(tmp_path):
    write_file(
        tmp_path,
        "pod.json",
        '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j", "namespace": "shop"},\n'
        ' "spec": {"containers": [\n'
        '   {"name": "j", "image": "nginx:1.27", "securityContext": {"privileged": true}}]}}\n',
    )
    assert lines_of(run_scan(tmp_path, only_rules={"K8S001"}), "K8S001") == [3]


def test_a_stream_of_json_objects_is_one_document_each(tmp_path):
    """`kubectl get pods -o json | jq '.items[]'` prints the objects one after another, which
    kubectl applies each; each is scanned, reported at its own lines."""
    pod = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c"}]}}
    objects = [
        {**pod, "metadata": {"name": name, "namespace": "shop"}, "spec": {**pod["spec"], key: True}}
        for name, key in (("a", "hostPID"), ("b", "hostIPC"))
    ]
    write_file(tmp_path, "pods.json", "".join(json.dumps(o, indent=2) + "\n" for o in objects))
    result = run_scan(tmp_path, only_rules={"K8S005", "K8S006"})
    assert not findings_of(result, "GL001")
    assert [(f.rule_id, f.resource, f.region.start_line) for f in result.findings] == [
        ("K8S005", "Pod shop/a", 10),
        ("K8S006", "Pod shop/b", 26),
    ]


def test_pod_template_and_custom_resource_with_pod_template(tmp_path):
    write_file(
        tmp_path,
        "templates.yaml",
        """\
apiVersion: v1
kind: PodTemplate
metadata: {name: base, namespace: shop}
template:
  spec:
    containers:
      - name: base
        image: nginx:1.27
        securityContext: {privileged: true}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: canary
          image: nginx:1.27
          securityContext: {privileged: true}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec:
  template:
    spec: {privileged: true}
""",
    )
    found = scan_rule(tmp_path, "K8S001")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (9, "PodTemplate shop/base container base"),
        (20, "Rollout shop/canary container canary"),
    ]


def test_helm_chart_templates_are_judged_as_helm_renders_them(tmp_path):
    """A chart's template whose text depends on values is counted, never a parse error; one
    Helm renders as it is written (no action, or actions only in comments) is a manifest."""
    chart = tmp_path / "chart"
    write_file(chart, "Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    write_file(chart, "values.yaml", "image: nginx\n")
    write_file(
        chart / "templates",
        "deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  template:\n    spec:\n      containers:\n"
        "        {{- toYaml .Values.containers | nindent 8 }}\n",
    )
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
        "  containers:\n    - name: p\n      image: nginx:1.27\n"
        "      securityContext: {privileged: true}\n"
    )
    write_file(chart / "templates", "pod.yaml", "{{/* a static pod */}}\n" + pod)
    # A directory called templates that is not a chart's is scanned as usual.
    write_file(tmp_path / "templates", "pod.yaml", pod)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert [(f.path, f.region.start_line) for f in findings_of(result, "K8S001")] == [
        ("chart/templates/pod.yaml", 9),
        ("templates/pod.yaml", 8),
    ]
    assert result.skipped_files["helm-template"] == 1
