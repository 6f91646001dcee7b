"""K8S011 (guardlint/checks/kubernetes/workload.py) on resource quantities as Kubernetes reads
them: a zero quantity is no limit and no request."""

from __future__ import annotations

from guardlint.model.rules import Severity
from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def test_k8s011_a_zero_quantity_limits_and_requests_nothing(tmp_path):
    """A zero limit sets no cgroup limit and a zero request is ignored by the QoS class (the
    pod is BestEffort): `memory: 0`, `cpu: "0m"`, `0Mi` or `0.0Gi` count as unset, in the
    container's resources, the pod's and a LimitRange's defaults alike; a small non-zero
    quantity (`0.5`, `0.1Gi`, `1m`) still counts."""
    write_file(
        tmp_path,
        "pods.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: zero, namespace: shop}
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        limits: {cpu: 0, memory: "0"}
        requests: {cpu: "0m", memory: 0.0}
---
apiVersion: v1
kind: Pod
metadata: {name: units, namespace: shop}
spec:
  resources:
    limits: {memory: 0Mi}
  containers:
    - name: app
      image: nginx:1.27
      resources:
        limits: {cpu: "0.0", memory: 0.0Gi}
        requests: {cpu: 1m}
---
apiVersion: v1
kind: Pod
metadata: {name: small, namespace: shop}
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        limits: {cpu: 0.5, memory: 0.1Gi}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: jobs}
spec:
  limits:
    - {type: Container, default: {cpu: "0", memory: 0Gi}, defaultRequest: {cpu: 0m}}
---
apiVersion: v1
kind: Pod
metadata: {name: defaulted, namespace: jobs}
spec:
  containers:
    - name: app
      image: nginx:1.27
""",
    )
    found = sorted(
        (f.resource, f.severity, tuple(f.properties["missing"]))
        for f in scan_rule(tmp_path, "K8S011")
    )
    assert found == [
        ("Pod jobs/defaulted container app", Severity.INFO, ("requests",)),
        ("Pod jobs/defaulted container app", Severity.LOW, ("memory", "cpu")),
        ("Pod shop/units container app", Severity.LOW, ("memory", "cpu")),
        ("Pod shop/zero container app", Severity.INFO, ("requests",)),
        ("Pod shop/zero container app", Severity.LOW, ("memory", "cpu")),
    ]


def test_k8s011_only_cpu_and_memory_requests_keep_a_container_out_of_best_effort(tmp_path):
    """The QoS class counts CPU and memory only: a container that requests (or limits, which
    Kubernetes copies into requests) only a GPU, ephemeral storage or huge pages is still
    BestEffort, placed blind and evicted first (info); a CPU request alone is enough."""
    write_file(
        tmp_path,
        "pods.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: gpu, namespace: shop}
spec:
  containers:
    - name: train
      image: example/train:1.0
      resources:
        limits: {nvidia.com/gpu: 1}
        requests: {ephemeral-storage: 1Gi}
---
apiVersion: v1
kind: Pod
metadata: {name: cpu, namespace: shop}
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests: {cpu: 100m}
""",
    )
    found = sorted(
        (f.resource, f.severity, tuple(f.properties["missing"]))
        for f in scan_rule(tmp_path, "K8S011")
    )
    assert found == [
        ("Pod shop/cpu container app", Severity.LOW, ("memory", "cpu")),
        ("Pod shop/gpu container train", Severity.INFO, ("requests",)),
        ("Pod shop/gpu container train", Severity.LOW, ("memory", "cpu")),
    ]
