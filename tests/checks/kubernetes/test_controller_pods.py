"""Pods of more controllers' kinds: OpenKruise's AdvancedCronJob and UnitedDeployment, a
Knative Revision, OpenKruise's SidecarSet (containers injected into other pods), Argo Events'
Sensor and EventSource (the one container the controller makes of `spec.template.container`),
the trial a Katib Experiment runs, a SeldonDeployment's predictors' components, and Argo
Rollouts' analysis jobs and experiments."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def _found(tmp_path, rule_id: str) -> list[tuple[int, str]]:
    return sorted((f.region.start_line, f.resource) for f in scan_rule(tmp_path, rule_id))


def _privileged(by: int, name: str = "app") -> str:
    lines = (
        "spec:",
        "  containers:",
        f"    - name: {name}",
        "      image: example/app:1.0",
        "      securityContext: {privileged: true}",
    )
    return "".join(" " * by + line + "\n" for line in lines)


@pytest.mark.parametrize("template", ["jobTemplate", "broadcastJobTemplate"])
def test_an_advanced_cron_job_runs_its_job_s_pods(tmp_path, template):
    text = (
        "apiVersion: apps.kruise.io/v1alpha1\nkind: AdvancedCronJob\n"
        "metadata: {name: clean, namespace: ops}\nspec:\n  schedule: '*/5 * * * *'\n"
        f"  template:\n    {template}:\n      spec:\n        template:\n" + _privileged(10)
    )
    write_file(tmp_path, "acj.yaml", text)
    assert _found(tmp_path, "K8S001") == [(14, "AdvancedCronJob ops/clean container app")]


def test_a_united_deployment_runs_its_subsets_workload_pods(tmp_path):
    text = (
        "apiVersion: apps.kruise.io/v1alpha1\nkind: UnitedDeployment\n"
        "metadata: {name: web, namespace: shop}\nspec:\n  replicas: 6\n  template:\n"
        "    cloneSetTemplate:\n      metadata: {labels: {app: web}}\n      spec:\n"
        "        selector: {matchLabels: {app: web}}\n        template:\n" + _privileged(10)
    )
    write_file(tmp_path, "ud.yaml", text)
    assert _found(tmp_path, "K8S001") == [(16, "UnitedDeployment shop/web container app")]


def test_a_knative_revision_s_spec_is_its_pod_spec(tmp_path):
    text = (
        "apiVersion: serving.knative.dev/v1\nkind: Revision\n"
        "metadata: {name: hello-00001, namespace: apps}\n"
        "spec:\n  containerConcurrency: 0\n" + _privileged(0).split("spec:\n", 1)[1]
    )
    write_file(tmp_path, "revision.yaml", text)
    assert _found(tmp_path, "K8S001") == [(9, "Revision apps/hello-00001 container app")]


SENSOR = """\
apiVersion: argoproj.io/v1alpha1
kind: {kind}
metadata: {{name: webhook, namespace: argo-events}}
spec:
  template:
    serviceAccountName: operate-workflow-sa
    securityContext: {{runAsNonRoot: true, runAsUser: 1000}}
    container:
      securityContext:
        privileged: true
"""


@pytest.mark.parametrize("kind", ["Sensor", "EventSource"])
def test_argo_events_runs_the_container_of_its_template(tmp_path, kind):
    write_file(tmp_path, "sensor.yaml", SENSOR.format(kind=kind))
    assert _found(tmp_path, "K8S001") == [(10, f"{kind} argo-events/webhook container main")]
    assert _found(tmp_path, "K8S003") == []  # inherits the template's runAsNonRoot


def test_a_sensor_without_container_settings_is_not_read_as_a_bare_container(tmp_path):
    text = SENSOR.format(kind="Sensor").split("    container:\n")[0]
    write_file(tmp_path, "sensor.yaml", text)
    assert _found(tmp_path, "K8S010") == []
    assert _found(tmp_path, "K8S018") == []  # its own service account


KATIB = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: random, namespace: kubeflow}
spec:
  objective: {type: maximize, objectiveMetricName: accuracy}
  trialTemplate:
    primaryContainerName: training-container
    trialSpec:
"""


def test_a_katib_experiment_runs_its_trial_job(tmp_path):
    trial = "      apiVersion: batch/v1\n      kind: Job\n      spec:\n        template:\n"
    write_file(tmp_path, "exp.yaml", KATIB + trial + _privileged(10, "training-container"))
    assert _found(tmp_path, "K8S001") == [
        (17, "Experiment kubeflow/random trial container training-container")
    ]


def test_a_katib_trial_of_a_training_job_names_its_replicas(tmp_path):
    trial = (
        "      apiVersion: kubeflow.org/v1\n      kind: PyTorchJob\n      spec:\n"
        "        pytorchReplicaSpecs:\n          Master:\n            template:\n"
    )
    write_file(tmp_path, "exp.yaml", KATIB + trial + _privileged(14, "pytorch"))
    assert _found(tmp_path, "K8S001") == [
        (19, "Experiment kubeflow/random trial Master container pytorch")
    ]


def test_a_katib_trial_that_is_an_experiment_runs_nothing(tmp_path):
    trial = "      apiVersion: kubeflow.org/v1beta1\n      kind: Experiment\n      spec: {}\n"
    write_file(tmp_path, "exp.yaml", KATIB + trial)
    assert _found(tmp_path, "K8S002") == []


SIDECAR_SET = """\
apiVersion: apps.kruise.io/v1alpha1
kind: SidecarSet
metadata: {name: log-agent}
spec:
  selector: {matchLabels: {app: web}}
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext: {privileged: true}
      volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
  volumes:
    - name: docker
      hostPath: {path: /var/run/docker.sock}
"""


def test_a_sidecar_set_s_containers_and_volumes_are_judged_by_what_they_set(tmp_path):
    write_file(tmp_path, "sidecarset.yaml", SIDECAR_SET)
    assert _found(tmp_path, "K8S001") == [(9, "SidecarSet default/log-agent container agent")]
    assert [line for line, _ in _found(tmp_path, "K8S007")] == [13]


def test_a_sidecar_set_s_pod_settings_are_the_selected_pods(tmp_path):
    """It names no service account, no pod securityContext: the pods it joins have theirs."""
    write_file(tmp_path, "sidecarset.yaml", SIDECAR_SET)
    for rule_id in ("K8S003", "K8S017", "K8S018", "K8S010"):
        assert _found(tmp_path, rule_id) == []
    assert _found(tmp_path, "K8S016") == []  # cluster-scoped


def test_a_seldon_deployment_runs_each_predictor_s_components(tmp_path):
    text = """\
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: iris, namespace: ml}
spec:
  predictors:
    - name: default
      componentSpecs:
        - spec:
            containers:
              - name: classifier
                image: example/classifier:1.0
                securityContext: {privileged: true}
      graph: {name: classifier, type: MODEL}
"""
    write_file(tmp_path, "seldon.yaml", text)
    assert _found(tmp_path, "K8S001") == [
        (12, "SeldonDeployment ml/iris default componentSpecs[0] container classifier")
    ]


@pytest.mark.parametrize("kind", ["AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun"])
def test_an_argo_rollouts_analysis_runs_each_job_metric(tmp_path, kind):
    text = (
        f"apiVersion: argoproj.io/v1alpha1\nkind: {kind}\n"
        "metadata: {name: smoke, namespace: web}\nspec:\n  metrics:\n"
        "    - name: success-rate\n      provider: {prometheus: {query: up}}\n"
        "    - name: e2e\n      provider:\n        job:\n          spec:\n"
        "            backoffLimit: 1\n            template:\n" + _privileged(14, "test")
    )
    write_file(tmp_path, "analysis.yaml", text)
    assert _found(tmp_path, "K8S001") == [(18, f"{kind} web/smoke e2e container test")]


def test_an_argo_rollouts_experiment_runs_each_template(tmp_path):
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Experiment\nmetadata: {name: ab, namespace: web}\n"
        "spec:\n  duration: 5m\n  templates:\n    - name: baseline\n"
        "      selector: {matchLabels: {app: web}}\n      template:\n" + _privileged(8)
    )
    write_file(tmp_path, "experiment.yaml", text)
    assert _found(tmp_path, "K8S001") == [(14, "Experiment web/ab baseline container app")]
