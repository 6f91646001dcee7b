"""Pods of controllers and workflow engines that keep their containers somewhere else than a
pod template at spec.template: a KEDA ScaledJob's job template, Argo Workflows' templates
(container, script, containerSet, initContainers, sidecars), Tekton's steps and sidecars, and
a Knative Service's revision template."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

SCALED_JOB = """\
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: worker, namespace: jobs}
spec:
  jobTargetRef:
    template:
      spec:
        containers:
          - name: worker
            image: example/worker:1.0
            securityContext: {privileged: true}
        restartPolicy: Never
  triggers: [{type: rabbitmq, metadata: {queueName: q}}]
"""

WORKFLOW = """\
apiVersion: argoproj.io/v1alpha1
kind: {kind}
metadata: {{name: build, namespace: ci}}
spec:
{spec}
"""

WORKFLOW_SPEC = """\
entrypoint: main
securityContext: {runAsNonRoot: true, runAsUser: 1000}
templates:
  - name: main
    steps: [[{name: build, template: build}]]
  - name: build
    container:
      image: golang:1.22
      securityContext: {privileged: true}
  - name: lint
    script:
      image: python:3.12
      source: print(1)
    securityContext: {runAsUser: 0}
  - name: parallel
    containerSet:
      containers:
        - name: a
          image: alpine:3.19
          securityContext:
            capabilities: {add: [SYS_ADMIN]}
    initContainers:
      - name: prepare
        image: alpine:3.19
        securityContext: {privileged: true}
    sidecars:
      - name: dind
        image: docker:dind
        securityContext: {privileged: true}
"""


def _lines(tmp_path, rule_id: str) -> list[tuple[int, str]]:
    return sorted((f.region.start_line, f.resource) for f in scan_rule(tmp_path, rule_id))


def _workflow(kind: str) -> str:
    if kind == "CronWorkflow":
        spec = "  schedule: '0 * * * *'\n  workflowSpec:\n" + _indent(WORKFLOW_SPEC, 4)
    else:
        spec = _indent(WORKFLOW_SPEC, 2)
    return WORKFLOW.format(kind=kind, spec=spec)


def _indent(text: str, by: int) -> str:
    return "".join(" " * by + line + "\n" for line in text.splitlines())


def test_a_keda_scaled_job_runs_its_job_template(tmp_path):
    write_file(tmp_path, "scaledjob.yaml", SCALED_JOB)
    assert _lines(tmp_path, "K8S001") == [(11, "ScaledJob jobs/worker container worker")]
    assert _lines(tmp_path, "K8S015") == []  # a job runs to completion


@pytest.mark.parametrize("kind", ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"])
def test_argo_workflow_templates_run_containers(tmp_path, kind):
    write_file(tmp_path, "workflow.yaml", _workflow(kind))
    resource = f"{kind} ci/build"
    assert _lines(tmp_path, "K8S001") == [
        (13, f"{resource} container build"),
        (29, f"{resource} container prepare"),
        (33, f"{resource} container dind"),
    ]
    assert _lines(tmp_path, "K8S008") == [(25, f"{resource} container a")]
    # The workflow's securityContext is every pod's, unless its template sets one: then
    # that one alone (Argo replaces it whole).
    assert _lines(tmp_path, "K8S003") == [(18, f"{resource} container lint")]
    assert _lines(tmp_path, "K8S015") == []  # workflow steps run to completion


def test_an_argo_cron_workflow_runs_its_workflow_spec(tmp_path):
    write_file(tmp_path, "cron.yaml", _workflow("CronWorkflow"))
    assert [line for line, _ in _lines(tmp_path, "K8S001")] == [15, 31, 35]


def test_argo_template_defaults_leave_what_a_template_lacks_unknown(tmp_path):
    """templateDefaults (and a podSpecPatch) complete every template where it runs."""
    spec = WORKFLOW_SPEC + "templateDefaults:\n  container:\n    securityContext: {}\n"
    write_file(tmp_path, "workflow.yaml", WORKFLOW.format(kind="Workflow", spec=_indent(spec, 2)))
    assert _lines(tmp_path, "K8S002") == []
    assert len(_lines(tmp_path, "K8S001")) == 3  # what it sets still counts


TEKTON_TASK = """\
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: build, namespace: ci}
spec:
  steps:
    - name: build
      image: gcr.io/kaniko-project/executor:latest
      securityContext: {privileged: true}
    - name: test
      image: golang:1.22
  sidecars:
    - name: docker
      image: docker:dind
      securityContext: {privileged: true}
"""


def test_tekton_steps_and_sidecars_are_containers(tmp_path):
    write_file(tmp_path, "task.yaml", TEKTON_TASK)
    assert _lines(tmp_path, "K8S001") == [
        (8, "Task ci/build container build"),
        (14, "Task ci/build container docker"),
    ]
    assert [line for line, _ in _lines(tmp_path, "K8S012")] == [7]  # :latest
    # The pod (its securityContext, service account) and a stepTemplate are the TaskRun's
    # and the Task's own merge: what a step leaves out is unknown.
    for rule_id in ("K8S002", "K8S003", "K8S011", "K8S017", "K8S018"):
        assert _lines(tmp_path, rule_id) == []


def test_a_knative_service_runs_its_revision_template(tmp_path):
    write_file(
        tmp_path,
        "service.yaml",
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello, "
        "namespace: web}\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - image: ghcr.io/knative/helloworld-go:latest\n"
        "          securityContext: {privileged: true}\n",
    )
    assert [line for line, _ in _lines(tmp_path, "K8S001")] == [9]


def test_a_custom_resource_with_other_fields_of_those_names_is_left_alone(tmp_path):
    """Only the API groups whose shapes are known: `templates` of another group's kind are
    something else."""
    write_file(
        tmp_path,
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Workflow\nmetadata: {name: w, namespace: a}\n"
        "spec:\n  templates:\n    - container: {image: x:1, securityContext: {privileged: true}}\n"
        "  steps:\n    - {name: s, image: x:1, securityContext: {privileged: true}}\n",
    )
    assert _lines(tmp_path, "K8S001") == []


ARGO_ACCOUNTS = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: build, namespace: ci}
spec:
  entrypoint: main
  serviceAccountName: builder
  securityContext: {runAsNonRoot: true, runAsUser: 1000}
  templates:
    - name: main
      container: {image: alpine:3.19}
    - name: deploy
      serviceAccountName: default
      container: {image: alpine:3.19}
    - name: root
      securityContext: {runAsUser: 0}
      automountServiceAccountToken: false
      container: {image: alpine:3.19}
"""


def test_an_argo_template_runs_its_pod_with_its_own_account_and_context(tmp_path):
    """A template's serviceAccountName, automountServiceAccountToken and securityContext
    replace the workflow's for its pod (Argo's setupServiceAccount and
    addSchedulingConstraints)."""
    write_file(tmp_path, "workflow.yaml", ARGO_ACCOUNTS)
    assert [line for line, _ in _lines(tmp_path, "K8S018")] == [12]  # deploy's default
    assert _lines(tmp_path, "K8S003") == [(15, "Workflow ci/build container root")]
    no_account = ARGO_ACCOUNTS.replace("  serviceAccountName: builder\n", "")
    write_file(tmp_path, "workflow.yaml", no_account)
    # The workflow's own pods (main) run as default; root's template turns the token off.
    assert [line for line, _ in _lines(tmp_path, "K8S018")] == [4, 11]
    off = no_account.replace(
        "  entrypoint: main\n", "  entrypoint: main\n  automountServiceAccountToken: false\n"
    )
    write_file(tmp_path, "workflow.yaml", off)
    assert _lines(tmp_path, "K8S018") == []  # deploy takes the workflow's token setting
    mounted = off.replace(
        "      serviceAccountName: default\n",
        "      serviceAccountName: default\n      automountServiceAccountToken: true\n",
    )
    write_file(tmp_path, "workflow.yaml", mounted)
    assert [line for line, _ in _lines(tmp_path, "K8S018")] == [12]  # deploy's own wins


def test_the_workflows_volumes_and_sysctls_are_judged_once_for_all_its_pods(tmp_path):
    text = ARGO_ACCOUNTS.replace(
        "  securityContext: {runAsNonRoot: true, runAsUser: 1000}\n",
        "  securityContext: {runAsNonRoot: true, sysctls: [{name: kernel.msgmax, value: '1'}]}\n"
        "  volumes: [{name: docker, hostPath: {path: /var/run/docker.sock}}]\n",
    ).replace(
        "      container: {image: alpine:3.19}\n    - name: root",
        "      container: {image: alpine:3.19, volumeMounts: [{name: docker, mountPath: /d}]}\n"
        "    - name: root",
    )
    write_file(tmp_path, "workflow.yaml", text)
    (socket,) = scan_rule(tmp_path, "K8S007")
    assert "(mounted by deploy)" in socket.message  # a template that runs a pod of its own
    assert [line for line, _ in _lines(tmp_path, "K8S027")] == [7]


ARGO_PATCHED = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {{name: build, namespace: ci}}
spec:
  entrypoint: main
  serviceAccountName: builder
  securityContext: {{runAsNonRoot: true}}
  podSpecPatch: {workflow}
  templates:
    - name: main
      podSpecPatch: {patch}
      container: {{image: alpine:3.19}}
"""


def _patched(tmp_path, patch: str, workflow: str = "''", account: bool = True) -> None:
    text = ARGO_PATCHED.format(patch=patch, workflow=workflow)
    if not account:
        text = text.replace("  serviceAccountName: builder\n", "")
    write_file(tmp_path, "workflow.yaml", text)


@pytest.mark.parametrize(
    ("patch", "k8s018", "k8s003"),
    [
        ('\'{"serviceAccountName": "default"}\'', [11], []),
        ("'{\"serviceAccountName\": default, automountServiceAccountToken: false}'", [], []),
        ("|\n        serviceAccountName: default\n        hostNetwork: true", [11], []),
        # A patch's securityContext merges into the pod's, field by field.
        ('\'{"securityContext": {"runAsUser": 0}}\'', [], [11]),
        ('\'{"securityContext": {"seccompProfile": {"type": RuntimeDefault}}}\'', [], []),
    ],
)
def test_an_argo_pod_spec_patch_is_merged_into_its_pod(tmp_path, patch, k8s018, k8s003):
    """A short podSpecPatch of YAML or JSON is merged into the template's pod (strategic
    merge): what it sets counts, at the line of the patch."""
    _patched(tmp_path, patch)
    assert [line for line, _ in _lines(tmp_path, "K8S018")] == k8s018
    assert [line for line, _ in _lines(tmp_path, "K8S003")] == k8s003


def test_the_workflows_pod_spec_patch_is_under_the_templates(tmp_path):
    _patched(tmp_path, "'{automountServiceAccountToken: false}'", "'{serviceAccountName: default}'")
    assert _lines(tmp_path, "K8S018") == []
    _patched(tmp_path, "'{automountServiceAccountToken: true}'", "'{serviceAccountName: default}'")
    assert [line for line, _ in _lines(tmp_path, "K8S018")] == [8]


@pytest.mark.parametrize(
    "patch",
    [
        "'{{inputs.parameters.patch}}'",  # filled in by Argo
        '\'{"$patch": "replace", "securityContext": {}}\'',  # a directive
        '\'{"priority": 1' + ', "x": 1' * 1000 + "}'",  # too long to read
    ],
)
def test_an_argo_pod_spec_patch_not_read_leaves_what_its_pod_lacks_unknown(tmp_path, patch):
    _patched(tmp_path, patch, account=False)
    assert _lines(tmp_path, "K8S018") == []
    _patched(tmp_path, "'{\"priority\": 1}'", account=False)
    assert [line for line, _ in _lines(tmp_path, "K8S018")] == [4]


TEKTON_STEP_TEMPLATE = """\
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: build, namespace: ci}
spec:
  stepTemplate:
    image: alpine:latest
    securityContext: {privileged: true, runAsNonRoot: true}
  steps:
    - name: build
      image: golang:1.22
      securityContext: {runAsUser: 0}
    - name: test
      securityContext: {privileged: false}
"""


def test_a_tekton_step_template_completes_every_step(tmp_path):
    """Tekton merges each step over the stepTemplate (strategic merge): a field the step
    leaves out is the template's, a securityContext merges field by field, and the step's own
    value wins."""
    write_file(tmp_path, "task.yaml", TEKTON_STEP_TEMPLATE)
    assert _lines(tmp_path, "K8S001") == [(7, "Task ci/build container build")]
    assert _lines(tmp_path, "K8S012") == [(6, "Task ci/build container test")]  # :latest
    assert _lines(tmp_path, "K8S003") == [(11, "Task ci/build container build")]


def test_a_tekton_pipeline_runs_embedded_task_specs_with_their_step_templates(tmp_path):
    spec = _indent("\n".join(TEKTON_STEP_TEMPLATE.splitlines()[4:]), 8)
    run = (
        "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: run, namespace: ci}\n"
        "spec:\n  pipelineSpec:\n    tasks:\n      - name: build\n        taskSpec:\n" + spec
    )
    write_file(tmp_path, "run.yaml", run)
    assert _lines(tmp_path, "K8S001") == [(11, "PipelineRun ci/run container build")]


def test_a_secret_of_a_tekton_step_template_is_reported_in_each_step_only(tmp_path):
    """The stepTemplate's env is each step's (as an aliased env is each container's), and
    not reported again for the Task; a step's own secret merged with it is reported once."""
    write_file(
        tmp_path,
        "task.yaml",
        "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t, namespace: ci}\nspec:\n"
        "  stepTemplate:\n    env: [{name: DB_PASSWORD, value: s3cr3tP4ssw0rd!x}]\n"
        "  steps:\n    - {name: a, image: alpine:3.19}\n"
        "    - {name: b, image: alpine:3.19, env: [{name: API_TOKEN, value: t0k3nV4lu3Zq9!}]}\n",
    )
    assert _lines(tmp_path, "K8S014") == [
        (6, "Task ci/t container a"),
        (6, "Task ci/t container b"),
        (9, "Task ci/t container b"),
    ]
