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


PIPELINE_RUN = """\
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: run, namespace: ci}
spec:
  taskRunTemplate:
    serviceAccountName: builder
    podTemplate:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      volumes: [{name: cache, hostPath: {path: /var/cache}}]
  taskRunSpecs:
    - pipelineTaskName: test
      serviceAccountName: default
      podTemplate:
        volumes: [{name: docker, hostPath: {path: /var/run/docker.sock}}]
  pipelineSpec:
    tasks:
      - name: build
        taskSpec:
          steps: [{name: build, image: golang:1.22, securityContext: {runAsUser: 1000}}]
      - name: test
        taskSpec:
          steps: [{name: test, image: golang:1.22}]
"""


def test_a_pipeline_runs_task_run_template_and_task_run_specs_are_its_tasks_pods(tmp_path):
    """The run-wide pod template is every embedded task's pod; a taskRunSpec's template and
    account are its pipeline task's, each field over the run-wide one."""
    assert _found(tmp_path, "K8S007", PIPELINE_RUN) == [
        (9, "PipelineRun ci/run volume cache"),
        (14, "PipelineRun ci/run volume docker"),
    ]
    assert _found(tmp_path, "K8S003", PIPELINE_RUN) == []  # the run-wide securityContext
    assert _found(tmp_path, "K8S018", PIPELINE_RUN) == [(12, "PipelineRun ci/run")]  # test's
    beta = (
        PIPELINE_RUN.replace("tekton.dev/v1", "tekton.dev/v1beta1")
        .replace(
            "  taskRunTemplate:\n    serviceAccountName: builder\n",
            "  serviceAccountName: builder\n",
        )
        .replace("    podTemplate:\n      securityContext", "  podTemplate:\n    securityContext")
        .replace("      volumes: [{name: cache", "    volumes: [{name: cache")
        .replace("      serviceAccountName: default", "      taskServiceAccountName: default")
        .replace("      podTemplate:\n        volumes", "      taskPodTemplate:\n        volumes")
    )
    assert _found(tmp_path, "K8S018", beta) == [(11, "PipelineRun ci/run")]
    assert [line for line, _ in _found(tmp_path, "K8S007", beta)] == [8, 13]
    replaced = PIPELINE_RUN.replace(
        "      podTemplate:\n        volumes:",
        "      podTemplate:\n        securityContext: {runAsUser: 0}\n        volumes:",
    )
    assert _found(tmp_path, "K8S003", replaced) == [(14, "PipelineRun ci/run container test")]


def test_tekton_variables_are_filled_in_when_the_task_runs(tmp_path):
    text = (
        "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: run, namespace: ci}\n"
        "spec:\n  podTemplate:\n    automountServiceAccountToken: $(params.mount)\n"
        "  taskSpec:\n    steps:\n      - name: a\n        image: alpine:3.19\n"
        "        securityContext: {runAsNonRoot: '$(context.taskRun.nonRoot)'}\n"
        "      - name: b\n        image: alpine:3.19\n"
        "        securityContext: {runAsNonRoot: '$(tasks.probe.results.root)'}\n"
    )
    assert _found(tmp_path, "K8S003", text) == []
    assert _found(tmp_path, "K8S018", text) == []
    shell = text.replace("$(context.taskRun.nonRoot)", "$(cat /nonroot)")
    assert _found(tmp_path, "K8S003", shell) == [(11, "TaskRun ci/run container a")]
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ci}\n"
        "spec:\n  template:\n    spec:\n      containers:\n        - name: a\n"
        "          image: alpine:3.19\n"
        "          securityContext: {runAsNonRoot: '$(params.nonroot)'}\n"
    )
    # Outside Tekton, nothing fills in a $(...).
    assert _found(tmp_path, "K8S003", deployment) == [(10, "Deployment ci/web container a")]


def test_a_task_run_spec_sets_the_resources_of_its_tasks_steps_only(tmp_path):
    text = (
        "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: run, namespace: ci}\n"
        "spec:\n  taskRunSpecs:\n    - pipelineTaskName: build\n"
        "      computeResources: {limits: {cpu: '1', memory: 1Gi}, requests: {cpu: '1'}}\n"
        "  pipelineSpec:\n    tasks:\n"
        "      - {name: build, taskSpec: {steps: [{name: b, image: 'alpine:3.19'}]}}\n"
        "      - {name: test, taskSpec: {steps: [{name: t, image: 'alpine:3.19'}]}}\n"
    )
    assert _found(tmp_path, "K8S011", text) == [(11, "PipelineRun ci/run container t")] * 2
