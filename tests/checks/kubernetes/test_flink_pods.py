"""A Flink operator deployment's JobManager and TaskManager pods: the common pod template with
each's own over it, the main container (flink-main-container) with the deployment's image and
the resources Flink sets, and the template's sidecars and init containers."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

DEPLOYMENT = """\
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: wordcount, namespace: flink}
spec:
  image: flink:1.19
  flinkVersion: v1_19
  serviceAccount: flink
  podTemplate:
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 9999}
      containers:
        - name: flink-main-container
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
  jobManager:
    resource: {memory: 2048m, cpu: 1}
  taskManager:
    resource: {memory: 2048m, cpu: 1}
    podTemplate:
      spec:
        containers:
          - name: flink-main-container
            securityContext: {privileged: true}
          - name: log-shipper
            image: fluent/fluent-bit:latest
  job:
    jarURI: local:///opt/flink/examples/streaming/WordCount.jar
    parallelism: 2
"""


def _found(tmp_path, rule_id: str) -> list[tuple[int, str]]:
    return sorted((f.region.start_line, f.resource) for f in scan_rule(tmp_path, rule_id))


def test_a_flink_deployment_runs_its_job_and_task_managers(tmp_path):
    write_file(tmp_path, "flink.yaml", DEPLOYMENT)
    main = "container flink-main-container"
    assert _found(tmp_path, "K8S001") == [
        (24, f"FlinkDeployment flink/wordcount taskManager {main}")
    ]
    # The deployment's image is each main container's; a sidecar's is its own.
    assert _found(tmp_path, "K8S012") == [
        (26, "FlinkDeployment flink/wordcount taskManager container log-shipper")
    ]
    assert [line for line, _ in _found(tmp_path, "K8S013")] == [5, 5, 26]
    # The common template's settings are both pods' (the task manager's own merged over them;
    # a privileged container escalates whatever it sets).
    assert _found(tmp_path, "K8S002") == [
        (14, f"FlinkDeployment flink/wordcount taskManager {main}"),
        (25, "FlinkDeployment flink/wordcount taskManager container log-shipper"),
    ]
    assert _found(tmp_path, "K8S003") == []
    # Flink requests and limits the CPU and memory each resource names; the account is set.
    assert [resource for _, resource in _found(tmp_path, "K8S011")] == [
        "FlinkDeployment flink/wordcount taskManager container log-shipper"
    ] * 2
    assert _found(tmp_path, "K8S018") == []


def test_a_secret_property_of_the_flink_configuration_is_a_named_literal(tmp_path):
    text = """\
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: etl, namespace: flink}
spec:
  image: flink:1.19
  flinkVersion: v1_19
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "2"
    s3.endpoint: http://minio:9000
    s3.secret-key: "Sup3rS3cretMinio99"
  jobManager: {resource: {memory: 2048m, cpu: 1}}
  taskManager: {resource: {memory: 2048m, cpu: 1}}
"""
    write_file(tmp_path, "etl.yaml", text)
    found = [(f.region.start_line, f.resource) for f in scan_rule(tmp_path, "K8S014")]
    assert found == [(10, "FlinkDeployment flink/etl")]
