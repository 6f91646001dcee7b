"""Kubernetes workload checks (guardlint/checks/kubernetes/workload.py): resources, probes."""

from __future__ import annotations

import pytest

from guardlint.model.rules import Severity
from tests.checks.kubernetes import K8S, scan_rule
from tests.conftest import findings_of, run_scan, write_file


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


def test_k8s011_says_what_each_missing_limit_lets_a_runaway_process_do(tmp_path):
    """Without a memory limit a process can take the node's memory (its neighbours are the
    ones killed); without a CPU limit it takes CPU time, which kills nothing."""
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n"
        "    - {name: mem, image: nginx:1.27, resources: {limits: {cpu: 1}}}\n"
        "    - {name: cpu, image: nginx:1.27, resources: {limits: {memory: 64Mi}}}\n"
        "    - {name: none, image: nginx:1.27, resources: {requests: {cpu: 1}}}\n",
    )
    messages = {f.properties["container"]: f.message for f in scan_rule(tmp_path, "K8S011")}
    memory = "use up the node's memory, leaving its neighbours to the OOM killer"
    cpu = "take the node's CPU time from its neighbours"
    assert messages["mem"].endswith(f"no memory limit, so one runaway process can {memory}.")
    assert messages["cpu"].endswith(f"no CPU limit, so one runaway process can {cpu}.")
    assert messages["none"].endswith(
        f"no memory limit and no CPU limit, so one runaway process can {memory}, and {cpu}."
    )


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
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [
        (19, "proxy"),
        (23, "web"),
    ]


def test_k8s015_asks_readiness_of_containers_without_ports():
    (finding,) = scan_rule(K8S / "K8S015/bad-worker-without-ports", "K8S015")
    assert finding.properties["missing"] == ["readinessProbe"]
    (finding,) = scan_rule(K8S / "K8S015/bad-bare-pod-no-readiness", "K8S015")
    assert finding.properties["missing"] == ["readinessProbe"]
    assert "no readinessProbe" in finding.message


def test_k8s015_leaves_batch_kinds_and_probed_workers_alone():
    for fixture in ("good-job", "good-cronjob", "good-worker-both-probes"):
        assert not scan_rule(K8S / "K8S015" / fixture, "K8S015")


def test_k8s011_a_kustomize_patch_merges_into_the_base_resources():
    assert not scan_rule(K8S / "K8S011/good-kustomize-patch", "K8S011")


@pytest.mark.parametrize(
    "metadata",
    ["", "metadata: null\n", "metadata: []\n", "metadata: {labels: {app: a}}\n",
     "metadata: {name: null, annotations: oops}\n"],
)  # fmt: skip
def test_container_rules_check_workloads_with_missing_or_partial_metadata(tmp_path, metadata):
    write_file(
        tmp_path,
        "deployment.yaml",
        f"apiVersion: apps/v1\nkind: Deployment\n{metadata}spec:\n  template:\n"
        "    metadata: {}\n    spec:\n      containers:\n        - name: app\n"
        "          image: nginx:1.27\n",
    )
    result = run_scan(tmp_path)
    for rule in ("K8S011", "K8S015", "K8S016", "K8S002", "K8S003"):
        assert findings_of(result, rule), rule


def test_a_null_probe_or_limit_is_none(tmp_path):
    """`livenessProbe: null` or `{}` probes nothing and `memory: null` limits nothing: a key
    written without a value does not satisfy K8S015 or K8S011."""
    write_file(
        tmp_path,
        "deploy.yaml",
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: db
          image: postgres:16
          livenessProbe: null
          readinessProbe: {}
          resources:
            limits: {memory: null, cpu: "1"}
""",
    )
    (probes,) = scan_rule(tmp_path, "K8S015")
    assert probes.properties["missing"] == ["livenessProbe", "readinessProbe"]
    (limits,) = scan_rule(tmp_path, "K8S011")
    assert (limits.severity, limits.properties["missing"]) == (Severity.LOW, ["memory"])


def test_a_probe_without_a_handler_probes_nothing(tmp_path):
    """A probe is its handler (exec, httpGet, tcpSocket or grpc): one that sets only timings,
    or whose handler is null (Helm's unset value), checks nothing, and the API server refuses
    it ("must specify a handler type"). Gatekeeper's requiredprobes counts it missing too."""
    write_file(
        tmp_path,
        "deploy.yaml",
        """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: timings-only
          image: nginx:1.27
          livenessProbe: {initialDelaySeconds: 5, periodSeconds: 10}
          readinessProbe: {httpGet: null, periodSeconds: 5}
        - name: probed
          image: nginx:1.27
          livenessProbe: {grpc: {port: 9090}}
          readinessProbe: {exec: {command: [cat, /tmp/ready]}}
""",
    )
    (probes,) = scan_rule(tmp_path, "K8S015")
    assert probes.properties["container"] == "timings-only"
    assert probes.properties["missing"] == ["livenessProbe", "readinessProbe"]


def test_limits_and_requests_that_are_all_null_are_none(tmp_path):
    """Helm renders an unset value as null: `limits: {memory: null, cpu: null}` and
    `requests: {cpu: null}` limit and request nothing."""
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
        "  containers:\n    - name: c\n      image: nginx:1.27\n      resources:\n"
        "        limits: {memory: null, cpu: ~}\n        requests: {cpu: null}\n",
    )
    found = sorted(
        (f.severity, tuple(f.properties["missing"])) for f in scan_rule(tmp_path, "K8S011")
    )
    assert found == [(Severity.INFO, ("requests",)), (Severity.LOW, ("memory", "cpu"))]


_POD_FIELDS = {
    "Pod": ("v1", "spec:\n", "  "),
    "Deployment": ("apps/v1", "spec:\n  template:\n    spec:\n", "      "),
    "Job": ("batch/v1", "spec:\n  template:\n    spec:\n", "      "),
    "CronJob": (
        "batch/v1",
        "spec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n",
        "          ",
    ),
}


def _k8s018_lines(tmp_path, kind: str, fields: str) -> list[int]:
    """K8S018's lines on a `kind` whose pod spec sets `fields` (its first line is line 4 +
    the lines of the path to the pod spec)."""
    api, path, indent = _POD_FIELDS[kind]
    body = "".join(f"{indent}{line}\n" for line in fields.strip("\n").split("\n"))
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: w, namespace: shop}}\n{path}{body}"
    text += f"{indent}containers: [{{name: c, image: nginx:1.27}}]\n"
    directory = tmp_path / kind
    write_file(directory, "w.yaml", text)
    return [finding.region.start_line for finding in scan_rule(directory, "K8S018")]


@pytest.mark.parametrize("kind", sorted(_POD_FIELDS))
def test_k8s018_the_deprecated_service_account_field_names_the_account(tmp_path, kind):
    """`serviceAccount:` names the account when `serviceAccountName` is missing, empty or
    null (the API server copies it over), in a pod and in every controller's template."""
    first = 4 + _POD_FIELDS[kind][1].count("\n")
    assert _k8s018_lines(tmp_path, kind, "serviceAccount: api") == []
    assert _k8s018_lines(tmp_path, kind, "serviceAccountName: ''\nserviceAccount: api") == []
    assert _k8s018_lines(tmp_path, kind, "serviceAccountName: null\nserviceAccount: api") == []
    assert _k8s018_lines(tmp_path, kind, "serviceAccount: default") == [first]
    assert _k8s018_lines(tmp_path, kind, "serviceAccountName: default\nserviceAccount: api") == [
        first
    ]
    assert _k8s018_lines(tmp_path, kind, "automountServiceAccountToken: false") == []
    assert _k8s018_lines(tmp_path, kind, "automountServiceAccountToken: true") == [first]


_SERVING_CONTROLLERS = [
    ("argoproj.io/v1alpha1", "Rollout", "  strategy: {canary: {steps: [{setWeight: 20}]}}\n"),
    ("apps.kruise.io/v1alpha1", "CloneSet", "  replicas: 2\n"),
]


@pytest.mark.parametrize(("api", "kind", "extra"), _SERVING_CONTROLLERS)
def test_k8s015_asks_probes_of_controllers_that_keep_pods_running(tmp_path, api, kind, extra):
    """An Argo Rollout or an OpenKruise CloneSet replaces a Deployment: its pods serve."""
    text = (
        f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: web, namespace: shop}}\nspec:\n"
        f"{extra}  template:\n    spec:\n      containers:\n"
        "        - name: web\n          image: nginx:1.27\n"
    )
    write_file(tmp_path, "w.yaml", text)
    (finding,) = scan_rule(tmp_path, "K8S015")
    assert finding.region.start_line == 9
    assert finding.properties["missing"] == ["livenessProbe", "readinessProbe"]
    probed = text.replace(
        "image: nginx:1.27\n",
        "image: nginx:1.27\n          livenessProbe: {tcpSocket: {port: 80}}\n"
        "          readinessProbe: {tcpSocket: {port: 80}}\n",
    )
    write_file(tmp_path, "w.yaml", probed)
    assert scan_rule(tmp_path, "K8S015") == []


def test_k8s015_leaves_knative_services_alone(tmp_path):
    """Knative probes a container's port itself when no readiness probe is set, and scales
    to zero: a missing probe there is Knative's default, not a blind spot."""
    write_file(
        tmp_path,
        "ksvc.yaml",
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello, "
        "namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - image: ghcr.io/knative/helloworld-go:1.0\n",
    )
    assert scan_rule(tmp_path, "K8S015") == []


_LIMIT_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {{name: defaults, namespace: {namespace}}}
spec:
  limits:
    - type: PersistentVolumeClaim
      max: {{storage: 10Gi}}
    - {item}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop}}
spec:
  template:
    spec:
      containers:
        - {{name: api, image: "example/api:1.0"}}
"""
_NO_LIMITS = (Severity.LOW, ["memory", "cpu"])
_NOTHING = [_NO_LIMITS, (Severity.INFO, ["requests"])]


@pytest.mark.parametrize(
    ("namespace", "item", "expected"),
    [
        # default gives the memory limit; max, which the API server copies into a missing
        # default, the CPU limit; limits then give the requests.
        ("shop", "{type: Container, default: {memory: 512Mi}, max: {cpu: '1'}}", []),
        # defaultRequest or min gives requests only: the limits are still missing.
        ("shop", "{type: Container, defaultRequest: {cpu: 100m, memory: 64Mi}}", [_NO_LIMITS]),
        ("shop", "{type: Container, min: {memory: 16Mi}}", [_NO_LIMITS]),
        # Another namespace's LimitRange, or a Pod-level item, gives the container nothing.
        ("payments", "{type: Container, default: {memory: 512Mi, cpu: '1'}}", _NOTHING),
        ("shop", "{type: Pod, max: {memory: 512Mi, cpu: '1'}}", _NOTHING),
    ],
)
def test_k8s011_a_limit_range_in_the_same_file_fills_in_container_defaults(
    tmp_path, namespace, item, expected
):
    """The LimitRanger admission plugin sets a container's missing limits from its
    namespace's `type: Container` LimitRange items (`default`, else `max`), and its missing
    requests from `defaultRequest`, `default`, `max` or `min`."""
    write_file(tmp_path, "app.yaml", _LIMIT_RANGE.format(namespace=namespace, item=item))
    found = scan_rule(tmp_path, "K8S011")
    assert [(f.severity, f.properties["missing"]) for f in found] == expected


def test_k8s011_pod_level_resources_bound_every_container(tmp_path):
    """spec.resources (Kubernetes 1.32+) limits the whole pod: its containers, sidecars and
    init containers cannot use more than the pod's limits, whatever they set themselves."""
    write_file(
        tmp_path,
        "pods.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: bounded, namespace: shop}
spec:
  resources:
    limits: {cpu: "1", memory: 512Mi}
  initContainers:
    - name: setup
      image: busybox:1.36
  containers:
    - name: app
      image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata: {name: memory-only, namespace: shop}
spec:
  resources:
    requests: {memory: 256Mi}
    limits: {memory: 512Mi}
  containers:
    - name: app
      image: nginx:1.27
""",
    )
    found = scan_rule(tmp_path, "K8S011")
    assert [(f.resource, f.severity, f.properties["missing"]) for f in found] == [
        ("Pod shop/memory-only container app", Severity.LOW, ["cpu"]),
    ]
