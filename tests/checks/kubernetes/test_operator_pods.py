"""Pods of operators' workload kinds that run several pod templates (Kubeflow training jobs'
replica specs, Ray's head and worker groups, Volcano's tasks, JobSet's replicated jobs), and
policy objects that name pod settings without running a pod (PodSecurityPolicy, Gatekeeper
constraints, Kyverno policies)."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

PRIVILEGED_POD = """\
spec:
  containers:
    - name: {name}
      image: example/app:1.0
      securityContext: {{privileged: true}}
"""


def _pod(name: str, by: int) -> str:
    return "".join(" " * by + line + "\n" for line in PRIVILEGED_POD.format(name=name).splitlines())


PYTORCH_JOB = (
    """\
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: train, namespace: ml}
spec:
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      restartPolicy: OnFailure
      template:
"""
    + _pod("pytorch", 8)
    + """\
    Worker:
      replicas: 2
      template:
"""
    + _pod("pytorch", 8)
)

RAY_CLUSTER_SPEC = (
    """\
headGroupSpec:
  rayStartParams: {}
  template:
"""
    + _pod("ray-head", 4)
    + """\
workerGroupSpecs:
  - groupName: small
    replicas: 1
    template:
"""
    + _pod("ray-worker", 6)
)


def _indent(text: str, by: int) -> str:
    return "".join(" " * by + line + "\n" for line in text.splitlines())


RAY = """\
apiVersion: ray.io/v1
kind: {kind}
metadata: {{name: ray, namespace: ml}}
spec:
"""

VOLCANO_JOB = (
    """\
apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata: {name: mpi, namespace: ml}
spec:
  minAvailable: 2
  schedulerName: volcano
  tasks:
    - name: master
      replicas: 1
      template:
"""
    + _pod("launcher", 8)
    + """\
    - replicas: 2
      template:
"""
    + _pod("worker", 8)
)

JOB_SET = """\
apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata: {name: js, namespace: ml}
spec:
  replicatedJobs:
    - name: workers
      replicas: 2
      template:
        spec:
          parallelism: 4
          template:
""" + _pod("app", 12)


def _found(tmp_path, rule_id: str) -> list[tuple[int, str]]:
    return sorted((f.region.start_line, f.resource) for f in scan_rule(tmp_path, rule_id))


def test_a_kubeflow_training_job_runs_each_replica_spec(tmp_path):
    write_file(tmp_path, "pytorch.yaml", PYTORCH_JOB)
    assert _found(tmp_path, "K8S001") == [
        (14, "PyTorchJob ml/train Master container pytorch"),
        (22, "PyTorchJob ml/train Worker container pytorch"),
    ]
    assert _found(tmp_path, "K8S015") == []  # a training job runs to completion


@pytest.mark.parametrize(
    ("kind", "cluster_key"),
    [("RayCluster", None), ("RayJob", "rayClusterSpec"), ("RayService", "rayClusterConfig")],
)
def test_ray_runs_its_head_and_worker_groups(tmp_path, kind, cluster_key):
    if cluster_key is None:
        spec, first = _indent(RAY_CLUSTER_SPEC, 2), 12
    else:
        spec, first = f"  {cluster_key}:\n" + _indent(RAY_CLUSTER_SPEC, 4), 13
    write_file(tmp_path, "ray.yaml", RAY.format(kind=kind) + spec)
    assert _found(tmp_path, "K8S001") == [
        (first, f"{kind} ml/ray container ray-head"),
        (first + 9, f"{kind} ml/ray small container ray-worker"),
    ]


def test_a_ray_job_runs_its_submitter_pod(tmp_path):
    text = RAY.format(kind="RayJob") + "  submitterPodTemplate:\n" + _pod("submit", 4)
    write_file(tmp_path, "rayjob.yaml", text)
    assert _found(tmp_path, "K8S001") == [(10, "RayJob ml/ray container submit")]


def test_a_volcano_job_runs_each_task(tmp_path):
    write_file(tmp_path, "vcjob.yaml", VOLCANO_JOB)
    assert _found(tmp_path, "K8S001") == [
        (15, "Job ml/mpi master container launcher"),
        (22, "Job ml/mpi tasks[1] container worker"),
    ]


def test_a_job_set_runs_each_replicated_job(tmp_path):
    write_file(tmp_path, "jobset.yaml", JOB_SET)
    assert _found(tmp_path, "K8S001") == [(16, "JobSet ml/js workers container app")]


def test_a_kubeflow_trainer_runtime_runs_its_job_set(tmp_path):
    spec = JOB_SET.split("spec:\n", 1)[1]
    text = (
        "apiVersion: trainer.kubeflow.org/v1alpha1\nkind: ClusterTrainingRuntime\n"
        "metadata: {name: torch-distributed}\nspec:\n  mlPolicy: {numNodes: 1}\n"
        "  template:\n    spec:\n" + "".join("    " + line + "\n" for line in spec.splitlines())
    )
    write_file(tmp_path, "runtime.yaml", text)
    assert _found(tmp_path, "K8S001") == [
        (19, "ClusterTrainingRuntime default/torch-distributed workers container app")
    ]


POLICIES = {
    "psp.yaml": """\
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: privileged}
spec:
  privileged: true
  allowedCapabilities: ['*']
  volumes: ['*']
  hostNetwork: true
  hostIPC: true
  hostPID: true
  runAsUser: {rule: RunAsAny}
""",
    "constraint.yaml": """\
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPHostNetworkingPorts
metadata: {name: host-network-ports}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
  parameters: {hostNetwork: true, min: 80, max: 9000}
""",
    "kyverno.yaml": """\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: host-namespaces}
spec:
  validationFailureAction: Audit
  rules:
    - name: allow-node-agents
      match: {any: [{resources: {kinds: [Pod], namespaces: [monitoring]}}]}
      validate:
        message: Node agents may share the host's namespaces.
        pattern:
          spec: {hostPID: true, hostIPC: true, hostNetwork: true}
""",
}


@pytest.mark.parametrize("rule_id", ["K8S004", "K8S005", "K8S006"])
def test_policy_objects_that_name_host_namespaces_run_no_pod(tmp_path, rule_id):
    for name, text in POLICIES.items():
        write_file(tmp_path, name, text)
    assert _found(tmp_path, rule_id) == []


def test_a_pod_security_policy_is_still_a_deprecated_api(tmp_path):
    write_file(tmp_path, "psp.yaml", POLICIES["psp.yaml"])
    assert _found(tmp_path, "K8S026") == [(1, "PodSecurityPolicy privileged")]


def test_an_operator_s_host_network_setting_is_still_reported(tmp_path):
    """A custom resource whose operator runs its pods with the host's network (Prometheus)."""
    text = (
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\n"
        "metadata: {name: k8s, namespace: monitoring}\nspec:\n  hostNetwork: true\n"
    )
    write_file(tmp_path, "prometheus.yaml", text)
    assert _found(tmp_path, "K8S004") == [(5, "Prometheus monitoring/k8s")]
