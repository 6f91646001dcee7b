"""KServe's pods: an InferenceService's predictor, transformer and explainer (pod specs written
inline, beside the model server container KServe makes of a framework's key), and a
ServingRuntime's containers."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

ISVC = """\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: iris, namespace: ml}
spec:
  predictor:
    serviceAccountName: models
    model:
      modelFormat: {name: sklearn}
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model
      securityContext:
        privileged: true
  transformer:
    containers:
      - name: kserve-container
        image: example/transformer:1.0
        securityContext: {privileged: true}
      - name: logger
        image: example/logger:1.0
"""


def _found(tmp_path, rule_id: str) -> list[tuple[int, str]]:
    return sorted((f.region.start_line, f.resource) for f in scan_rule(tmp_path, rule_id))


def test_an_inference_service_runs_each_component_s_containers(tmp_path):
    write_file(tmp_path, "isvc.yaml", ISVC)
    assert _found(tmp_path, "K8S001") == [
        (11, "InferenceService ml/iris predictor container kserve-container"),
        (16, "InferenceService ml/iris transformer container kserve-container"),
    ]


def test_the_model_server_s_missing_settings_are_its_runtime_s(tmp_path):
    write_file(tmp_path, "isvc.yaml", ISVC)
    assert [r for _, r in _found(tmp_path, "K8S010")] == [
        "InferenceService ml/iris transformer container kserve-container",
        "InferenceService ml/iris transformer container logger",
    ]


def test_kserve_gives_a_component_s_first_container_default_resources(tmp_path):
    """Only the first container gets them; the predictor's, completed by its runtime, does
    not stop the transformer's second container from being reported."""
    write_file(tmp_path, "isvc.yaml", ISVC)
    assert {r for _, r in _found(tmp_path, "K8S011")} == {
        "InferenceService ml/iris transformer container logger"
    }


def test_an_explainer_runs_its_explainer_server(tmp_path):
    text = ISVC.split("  transformer:")[0] + (
        "  explainer:\n    art:\n      type: SquareAttack\n"
        "      securityContext: {allowPrivilegeEscalation: true}\n"
    )
    write_file(tmp_path, "isvc.yaml", text)
    assert _found(tmp_path, "K8S002") == [
        (15, "InferenceService ml/iris explainer container kserve-container")
    ]


def test_a_serving_runtime_runs_its_containers(tmp_path):
    text = """\
apiVersion: serving.kserve.io/v1alpha1
kind: ClusterServingRuntime
metadata: {name: kserve-sklearnserver}
spec:
  supportedModelFormats: [{name: sklearn, version: "1", autoSelect: true}]
  containers:
    - name: kserve-container
      image: kserve/sklearnserver:latest
      args:
        - --model_name={{.Name}}
"""
    write_file(tmp_path, "runtime.yaml", text)
    assert _found(tmp_path, "K8S012") == [
        (8, "ClusterServingRuntime default/kserve-sklearnserver container kserve-container")
    ]


def test_a_component_runs_as_its_own_service_account(tmp_path):
    """The model server's settings are completed by its runtime; its pod's account is not."""
    text = ISVC.split("  transformer:")[0].replace("    serviceAccountName: models\n", "")
    write_file(tmp_path, "isvc.yaml", text)
    assert _found(tmp_path, "K8S018") == [(5, "InferenceService ml/iris predictor")]


def test_a_serving_runtime_runs_as_the_inference_service_s_account(tmp_path):
    """A runtime names no service account (nor automount): the InferenceService using it
    does, so its pods are not said to run as the default one."""
    text = """\
apiVersion: serving.kserve.io/v1alpha1
kind: ServingRuntime
metadata: {name: custom, namespace: ml}
spec:
  containers:
    - name: kserve-container
      image: example/server:1.0
  workerSpec:
    containers:
      - name: worker-container
        image: example/server:1.0
"""
    write_file(tmp_path, "runtime.yaml", text)
    assert _found(tmp_path, "K8S018") == []
    assert [r for _, r in _found(tmp_path, "K8S010")] == [
        "ServingRuntime ml/custom container kserve-container",
        "ServingRuntime ml/custom worker container worker-container",
    ]


def test_a_kfserving_inference_service_is_read_as_kserve_s(tmp_path):
    text = ISVC.replace("serving.kserve.io/v1beta1", "serving.kubeflow.org/v1beta1")
    write_file(tmp_path, "isvc.yaml", text)
    assert len(_found(tmp_path, "K8S001")) == 2
