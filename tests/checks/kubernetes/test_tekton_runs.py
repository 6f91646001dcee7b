"""A Tekton TaskRun makes its pod: the podTemplate's pod-level settings, its service account,
its stepSpecs' and sidecarSpecs' resources for the containers they name (v1beta1's
stepOverrides and sidecarOverrides) and its computeResources for every step; what the pod of
an embedded taskSpec lacks is then known."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

RUN = """\
apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: run, namespace: ci}
spec:
  serviceAccountName: builder
  podTemplate:
    securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
    volumes: [{name: docker, hostPath: {path: /var/run/docker.sock}}]
  stepSpecs:
    - name: build
      computeResources: {limits: {memory: 1Gi, cpu: '1'}}
  taskSpec:
    steps:
      - name: build
        image: golang:1.22
        securityContext: {allowPrivilegeEscalation: false}
        volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
      - name: test
        image: golang:1.22
        computeResources: {requests: {cpu: 100m}}
        securityContext: {runAsUser: 0}
    sidecars:
      - name: cache
        image: redis:7
        securityContext: {allowPrivilegeEscalation: false}
"""


def _found(tmp_path, rule_id: str, text: str = RUN) -> list[tuple[int, str]]:
    write_file(tmp_path, "run.yaml", text)
    return sorted((f.region.start_line, f.resource) for f in scan_rule(tmp_path, rule_id))


def test_a_task_runs_pod_template_is_its_pods(tmp_path):
    assert _found(tmp_path, "K8S007") == [(8, "TaskRun ci/run volume docker")]
    # runAsNonRoot and the seccomp profile are the pod's: inherited by every container, but
    # the step that sets runAsUser 0 runs as root.
    assert _found(tmp_path, "K8S003") == [(21, "TaskRun ci/run container test")]
    assert _found(tmp_path, "K8S017") == []
    assert _found(tmp_path, "K8S018") == []  # builder
    assert _found(tmp_path, "K8S002") == [(18, "TaskRun ci/run container test")]


def test_a_task_runs_step_specs_set_the_resources_of_the_steps_they_name(tmp_path):
    cache = [(23, "TaskRun ci/run container cache")] * 2  # no limits, and no requests (info)
    assert _found(tmp_path, "K8S011") == [(20, "TaskRun ci/run container test"), *cache]
    every = RUN.replace(
        "  stepSpecs:\n    - name: build\n"
        "      computeResources: {limits: {memory: 1Gi, cpu: '1'}}\n",
        "  computeResources: {limits: {memory: 2Gi, cpu: '2'}}\n",
    )
    assert _found(tmp_path, "K8S011", every) == [(21, "TaskRun ci/run container cache")] * 2
    sidecar = RUN.replace(
        "  taskSpec:\n",
        "  sidecarSpecs: [{name: cache, computeResources: {limits: {memory: 1Gi, cpu: '1'}}}]\n"
        "  taskSpec:\n",
    )
    assert [name for _, name in _found(tmp_path, "K8S011", sidecar)] == [
        "TaskRun ci/run container test"
    ]


def test_a_v1beta1_task_run_overrides_by_name(tmp_path):
    text = (
        RUN.replace("tekton.dev/v1", "tekton.dev/v1beta1")
        .replace("stepSpecs", "stepOverrides")
        .replace("      computeResources: {limits", "      resources: {limits")
        .replace("        computeResources: {requests", "        resources: {requests")
    )
    assert [name for _, name in _found(tmp_path, "K8S011", text)] == [
        "TaskRun ci/run container test",
        "TaskRun ci/run container cache",
        "TaskRun ci/run container cache",
    ]


def test_the_default_account_of_a_task_run_mounts_its_token(tmp_path):
    text = RUN.replace("  serviceAccountName: builder\n", "")
    assert _found(tmp_path, "K8S018", text) == [(11, "TaskRun ci/run")]  # its taskSpec
    off = text.replace("podTemplate:\n", "podTemplate:\n    automountServiceAccountToken: false\n")
    assert _found(tmp_path, "K8S018", off) == []


def test_a_task_run_of_a_task_ref_judges_its_pod_template_alone(tmp_path):
    text = (
        "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: run, namespace: ci}\n"
        "spec:\n  taskRef: {name: build}\n  podTemplate:\n"
        "    securityContext: {sysctls: [{name: kernel.msgmax, value: '65536'}]}\n"
        "    volumes: [{name: root, hostPath: {path: /}}]\n"
    )
    assert _found(tmp_path, "K8S007", text) == [(8, "TaskRun ci/run volume root")]
    assert _found(tmp_path, "K8S027", text) == [(7, "TaskRun ci/run")]
    assert _found(tmp_path, "K8S018", text) == []  # the Task's pod is unknown


def test_a_task_specs_own_pod_template_is_under_the_runs(tmp_path):
    text = (
        "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: run, namespace: ci}\n"
        "spec:\n  podTemplate: {hostNetwork: false}\n  taskSpec:\n"
        "    podTemplate:\n      securityContext: {runAsNonRoot: true}\n"
        "      volumes: [{name: logs, hostPath: {path: /var/log}}]\n"
        "    steps: [{name: a, image: alpine:3.19}]\n"
    )
    assert _found(tmp_path, "K8S003", text) == []
    assert _found(tmp_path, "K8S007", text) == [(9, "TaskRun ci/run volume logs")]
    root = text.replace("{hostNetwork: false}", "{securityContext: {runAsUser: 0}}")
    assert _found(tmp_path, "K8S003", root) == [(5, "TaskRun ci/run container a")]  # replaced
