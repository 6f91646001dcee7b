"""Kubernetes pack: rule IDs, lines, resources and severities on fixtures and targeted manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardlint.checks.kubernetes.api import removed_api_versions
from guardlint.checks.registry import check_for
from guardlint.documents.classify import _kubernetes_meta
from guardlint.model import Document, Severity
from guardlint.parse.yaml_nodes import load_documents
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

K8S = FIXTURES / "kubernetes"


def scan_rule(path: Path, rule_id: str):
    return findings_of(run_scan(path, only_rules={rule_id}), rule_id)


# (fixture, rule, [(line, severity)]) for every bad fixture: the line is the container, the
# offending key or item, never just "somewhere in the file".
BAD_FIXTURES = [
    ("K8S001/bad-cronjob-job-template", [(17, "critical")]),
    ("K8S001/bad-init-container", [(16, "critical")]),
    ("K8S001/bad-openshift-deploymentconfig", [(13, "critical")]),
    ("K8S002/bad-unset", [(8, "medium")]),
    ("K8S002/bad-explicit-true-ephemeral", [(10, "medium")]),
    ("K8S003/bad-container-uid0-overrides-pod", [(13, "medium")]),
    ("K8S003/bad-container-overrides-nonroot-false", [(13, "medium")]),
    ("K8S003/bad-no-security-context", [(8, "medium")]),
    ("K8S003/bad-pod-uid0-inherited", [(8, "medium")]),
    ("K8S004/bad", [(13, "high")]),
    ("K8S004/bad-cronjob", [(12, "high")]),
    ("K8S005/bad", [(13, "high")]),
    ("K8S005/bad-cronjob", [(12, "high")]),
    ("K8S006/bad", [(13, "high")]),
    ("K8S006/bad-cronjob", [(12, "high")]),
    ("K8S007/bad-docker-socket", [(10, "critical")]),
    ("K8S007/bad-log-dir", [(9, "high")]),
    ("K8S008/bad-sys-admin", [(12, "high")]),
    ("K8S008/bad-net-raw-lowercase", [(12, "high")]),
    ("K8S009/bad-no-drop", [(8, "low")]),
    ("K8S009/bad-partial-drop", [(12, "low")]),
    ("K8S010/bad-unset", [(8, "low")]),
    ("K8S010/bad-false", [(10, "low")]),
    ("K8S011/bad-no-resources", [(8, "info"), (8, "low")]),
    ("K8S011/bad-no-memory-limit", [(12, "low")]),
    ("K8S012/bad-no-tag", [(9, "medium")]),
    ("K8S012/bad-latest", [(9, "medium")]),
    ("K8S013/bad", [(9, "info")]),
    ("K8S014/bad-env-password", [(12, "critical")]),
    ("K8S014/bad-aws-key-in-arg", [(10, "critical")]),
    ("K8S014/bad-configmap-secret-key", [(7, "critical")]),
    ("K8S014/bad-command-line", [(14, "critical")]),
    ("K8S015/bad-deployment", [(14, "low")]),
    ("K8S016/bad-no-namespace", [(3, "info")]),
    ("K8S016/bad-default", [(5, "info")]),
    ("K8S017/bad-missing", [(8, "medium")]),
    ("K8S017/bad-container-unconfined-overrides-pod", [(13, "medium")]),
    ("K8S017/bad-apparmor-annotation", [(13, "medium")]),
    ("K8S018/bad-implicit-default", [(6, "low")]),
    ("K8S018/bad-explicit-default", [(13, "low")]),
    ("K8S019/bad", [(12, "medium")]),
    ("K8S020/bad-public-lb", [(7, "medium")]),
    ("K8S020/bad-open-source-range", [(7, "medium")]),
    ("K8S020/bad-nodeport-info", [(7, "info")]),
    ("K8S021/bad-resources-star", [(7, "high")]),
    ("K8S021/bad-verbs-star", [(9, "high")]),
    ("K8S022/bad-cluster-admin", [(8, "critical")]),
    ("K8S022/bad-anonymous", [(10, "critical")]),
    ("K8S022/bad-all-service-accounts-of-namespace", [(11, "critical")]),
    ("K8S023/bad", [(8, "medium")]),
    ("K8S024/bad-exec", [(8, "high")]),
    ("K8S024/bad-impersonate", [(8, "high")]),
    ("K8S024/bad-token-request", [(8, "high")]),
    ("K8S025/bad-data", [(8, "high")]),
    ("K8S025/bad-string-data", [(8, "high")]),
    ("K8S025/bad-tls-key", [(9, "high")]),
    ("K8S026/bad-extensions-deployment", [(1, "medium")]),
    ("K8S026/bad-cronjob-v1beta1", [(1, "medium")]),
    ("K8S026/bad-psp", [(1, "medium")]),
    ("K8S027/bad-sysctl", [(9, "high")]),
    ("K8S027/bad-proc-mount", [(11, "high")]),
    ("K8S028/bad", [(6, "low")]),
    ("K8S028/bad-old-api", [(6, "low")]),
]


@pytest.mark.parametrize(("case", "expected"), BAD_FIXTURES, ids=[c for c, _ in BAD_FIXTURES])
def test_bad_fixture_lines_and_severities(case, expected):
    rule_id = case.split("/")[0]
    found = scan_rule(K8S / case, rule_id)
    assert sorted((f.region.start_line, f.severity.label) for f in found) == expected


def test_every_bad_fixture_has_a_line_assertion():
    asserted = {case for case, _ in BAD_FIXTURES}
    on_disk = {f"{p.parent.name}/{p.name}" for p in K8S.glob("K8S*/bad*")}
    assert on_disk == asserted


def test_cronjob_privileged_container_is_named_and_located():
    (finding,) = scan_rule(K8S / "K8S001/bad-cronjob-job-template", "K8S001")
    assert finding.resource == "CronJob ops/cleanup container cleaner"
    assert "cleaner" in finding.message
    assert finding.snippet == "privileged: true"


def test_pod_level_non_root_with_container_uid_zero_fires_at_the_container_key():
    (finding,) = scan_rule(K8S / "K8S003/bad-container-uid0-overrides-pod", "K8S003")
    assert finding.snippet == "runAsUser: 0"
    assert "UID 0" in finding.message


def test_pod_level_non_root_alone_protects_every_container():
    assert not scan_rule(K8S / "K8S003/good-pod-level-nonroot", "K8S003")


def test_inherited_pod_uid_zero_says_so():
    (finding,) = scan_rule(K8S / "K8S003/bad-pod-uid0-inherited", "K8S003")
    assert "inherited from the pod" in finding.message


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


def test_k8s011_per_case_severities(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: bare
      image: nginx:1.27
    - name: cpu-only
      image: nginx:1.27
      resources:
        limits: {cpu: 100m}
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
""",
    )
    found = scan_rule(tmp_path, "K8S011")
    assert sorted(
        (f.properties["container"], f.severity, tuple(f.properties["missing"])) for f in found
    ) == [
        ("bare", Severity.INFO, ("requests",)),
        ("bare", Severity.LOW, ("memory", "cpu")),
        ("cpu-only", Severity.LOW, ("memory",)),
    ]


def test_k8s011_cpu_limit_can_be_made_optional(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n"
        "    - name: c\n      image: nginx:1.27\n      resources:\n"
        "        limits: {memory: 64Mi}\n",
    )
    options = {"K8S011": {"require_cpu_limit": False}}
    assert not findings_of(run_scan(tmp_path, rule_options=options), "K8S011")
    assert findings_of(run_scan(tmp_path), "K8S011")


def test_secret_values_never_leave_the_finding():
    for case in ("K8S014/bad-env-password", "K8S014/bad-aws-key-in-arg", "K8S025/bad-data"):
        result = run_scan(K8S / case)
        text = (K8S / case).glob("*").__next__().read_text()
        for finding in result.findings:
            for secret in ("Pr0d-Db-Passw0rd-2024", "AKIAQWERTYUIOPASDFGH", "cHJvZC1kYi1wYXNzd29y"):
                if secret in text:
                    assert secret not in finding.snippet + finding.message + str(finding.properties)


def test_k8s014_is_not_repeated_by_sec001():
    result = run_scan(K8S / "K8S014/bad-aws-key-in-arg")
    assert findings_of(result, "K8S014")
    assert not findings_of(result, "SEC001")


def test_k8s014_skips_placeholders_and_references():
    assert not scan_rule(K8S / "K8S014/good-placeholders", "K8S014")
    assert not scan_rule(K8S / "K8S014/good-secret-key-ref", "K8S014")


def test_k8s015_only_long_running_kinds_and_sidecars(tmp_path):
    write_file(
        tmp_path,
        "pods.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: once, namespace: shop}
spec:
  restartPolicy: Never
  containers:
    - name: once
      image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      initContainers:
        - name: setup
          image: busybox:1.36
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
          restartPolicy: Always
      containers:
        - name: web
          image: nginx:1.27
          livenessProbe: {tcpSocket: {port: 80}}
""",
    )
    found = scan_rule(tmp_path, "K8S015")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [(19, "proxy")]


def test_windows_pods_skip_linux_only_rules(tmp_path):
    write_file(
        tmp_path,
        "win.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: shop}\nspec:\n"
        "  os: {name: windows}\n  containers:\n    - name: w\n"
        "      image: mcr.microsoft.com/windows/servercore:ltsc2022\n",
    )
    result = run_scan(tmp_path)
    for rule_id in ("K8S002", "K8S009", "K8S010", "K8S017"):
        assert not findings_of(result, rule_id), rule_id
    assert findings_of(result, "K8S003")


def test_k8s017_legacy_unconfined_annotation_and_container_override(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
spec:
  containers:
    - name: a
      image: nginx:1.27
    - name: b
      image: nginx:1.27
      securityContext:
        seccompProfile: {type: RuntimeDefault}
""",
    )
    found = scan_rule(tmp_path, "K8S017")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [(7, "a")]


def test_k8s020_internal_and_restricted_load_balancers_are_info(tmp_path):
    write_file(
        tmp_path,
        "svc.yaml",
        """\
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
spec:
  type: LoadBalancer
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: office, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports: [{port: 80}]
""",
    )
    found = scan_rule(tmp_path, "K8S020")
    assert [(f.region.start_line, f.severity) for f in found] == [
        (9, Severity.INFO),
        (16, Severity.INFO),
    ]


def test_k8s023_wildcards_are_left_to_k8s021(tmp_path):
    write_file(
        tmp_path,
        "role.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
        "rules:\n  - apiGroups: ['']\n    resources: ['*']\n    verbs: [get]\n",
    )
    result = run_scan(tmp_path)
    assert lines_of(result, "K8S021") == [6]
    assert not findings_of(result, "K8S023")


def test_k8s025_unrendered_template_value_is_not_a_secret(tmp_path):
    write_file(
        tmp_path,
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\n"
        "data:\n  config: {{config_data}}\n",
    )
    assert not scan_rule(tmp_path, "K8S025")


def test_removed_api_table_is_well_formed():
    table = removed_api_versions()
    assert table[("extensions/v1beta1", "Ingress")]["removed_in"] == "1.22"
    assert table[("batch/v1beta1", "CronJob")]["replacement"] == "batch/v1"
    assert ("apps/v1", "Deployment") not in table
    source = Path(__file__).resolve().parent.parent / "guardlint/data/k8s_deprecated_apis.yaml"
    rows = yaml.safe_load(source.read_text())["removed"]
    assert all(set(row) == {"apiVersion", "kinds", "removed_in", "replacement"} for row in rows)


def test_k8s016_skips_cluster_scoped_and_tool_config(tmp_path):
    assert not scan_rule(K8S / "K8S016/good-cluster-scoped", "K8S016")
    write_file(
        tmp_path,
        "crd.yaml",
        "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt}\n"
        "spec: {}\n",
    )
    assert not scan_rule(tmp_path, "K8S016")


def test_helm_chart_templates_are_skipped_not_reported(tmp_path):
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
    # A directory called templates that is not a chart's is scanned as usual.
    write_file(
        tmp_path / "templates",
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
        "  containers:\n    - name: p\n      image: nginx:1.27\n"
        "      securityContext: {privileged: true}\n",
    )
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert [f.path.rsplit("/", 1)[-1] for f in findings_of(result, "K8S001")] == ["pod.yaml"]


# Values of every shape a hand-written manifest can hold where a rule expects a map or a list.
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 70000), st.sampled_from(["", "*", "0", "ALL"])
)
_KEYS = st.sampled_from(
    [
        "containers", "initContainers", "ephemeralContainers", "securityContext", "name",
        "image", "env", "value", "valueFrom", "ports", "hostPort", "capabilities", "add",
        "drop", "privileged", "runAsUser", "runAsNonRoot", "seccompProfile", "type", "volumes",
        "hostPath", "path", "resources", "limits", "requests", "sysctls", "rules", "verbs",
        "resources", "apiGroups", "subjects", "roleRef", "data", "stringData", "tls",
        "metadata", "annotations", "namespace", "template", "spec", "jobTemplate",
    ]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=25,
)
_KINDS = st.sampled_from(
    [
        "Pod", "Deployment", "CronJob", "Job", "DaemonSet", "PodTemplate", "DeploymentConfig",
        "Role", "ClusterRoleBinding", "Service", "Ingress", "Secret", "ConfigMap", "Rollout",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=_KINDS, body=st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_checks_never_crash_on_odd_shapes(rulebook, kind, body):
    text = yaml.safe_dump({"apiVersion": "v1", "kind": kind, **body})
    (data,) = load_documents(text)
    document = Document(
        "kubernetes", "m.yaml", data, text.splitlines(), meta=_kubernetes_meta(data)
    )
    for rule in rulebook.rules:
        if rule.pack == "kubernetes" and rule.check:
            list(check_for(rule)(document, rule))


def test_k8s024_subresource_wildcard_and_read_only_exec(tmp_path):
    write_file(
        tmp_path,
        "role.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods/*"]
    verbs: [create]
  - apiGroups: [""]
    resources: [pods/log, pods/exec]
    verbs: [list]
""",
    )
    found = scan_rule(tmp_path, "K8S024")
    assert [(f.region.start_line, f.resource) for f in found] == [(6, "Role shop/r rule 1")]


def test_k8s016_skips_config_files_without_an_object_name(tmp_path):
    write_file(
        tmp_path,
        "scheduler-policy.json",
        '{"kind": "Policy", "apiVersion": "v1", "predicates": [{"name": "PodFitsPorts"}]}\n',
    )
    assert not scan_rule(tmp_path, "K8S016")


def test_k8s014_secret_flags_in_args_and_command(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: db
      image: postgres:16
      command: [psql, --password, "Vq8#mK2!xLp9"]
      args:
        - --db-password=Tr0ub4dor-and-3
        - --password-file=/run/secrets/db
        - --token
        - $(API_TOKEN)
        - --verbose
        - "true"
""",
    )
    found = scan_rule(tmp_path, "K8S014")
    assert sorted((f.region.start_line, f.properties["name"]) for f in found) == [
        (8, "password"),
        (10, "db-password"),
    ]
    assert all("Vq8#mK2" not in f.snippet and "Tr0ub4dor" not in f.snippet for f in found)


def test_k8s014_points_inside_block_values_so_sec001_does_not_repeat_it(tmp_path):
    write_file(
        tmp_path,
        "cm.yaml",
        """\
apiVersion: v1
kind: ConfigMap
metadata: {name: keys, namespace: shop}
data:
  deploy.key: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIEowIBAAKCAQEAxq1LZ3Bz3m1r9qK2xY8pWqR7hN5Q3uF0hG4T2lYp8uK1zX9v
    -----END RSA PRIVATE KEY-----
  url: "postgres://admin:Sup3rS3cretPass@db.internal:5432/app"
""",
    )
    result = run_scan(tmp_path)
    assert lines_of(result, "K8S014") == [6, 9]
    assert not findings_of(result, "SEC001")
    assert all("Sup3rS3cretPass" not in f.snippet for f in result.findings)
