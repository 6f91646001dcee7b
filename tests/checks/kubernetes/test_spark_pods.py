"""A Spark operator application's driver and executor pods, made of its SparkPodSpecs: pod
settings and the main container's side by side, the application's image and volumes shared."""

from __future__ import annotations

from guardlint.model.rules import Severity
from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

HARDENED = """\
  securityContext:
    capabilities: {drop: [ALL]}
    runAsNonRoot: true
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    seccompProfile: {type: RuntimeDefault}
"""

APPLICATION = """\
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: pi, namespace: spark}
spec:
  type: Scala
  mode: cluster
  image: spark:latest
  mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar
  volumes:
    - name: docker
      hostPath: {path: /var/run/docker.sock}
  driver:
    cores: 1
    coreLimit: 1200m
    memory: 512m
    serviceAccount: spark
    volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
    securityContext: {privileged: true}
  executor:
    instances: 2
    coreLimit: "1"
    podSecurityContext: {runAsNonRoot: true}
    hostNetwork: true
"""


def _found(tmp_path, rule_id: str) -> list[tuple[int, str]]:
    return sorted((f.region.start_line, f.resource) for f in scan_rule(tmp_path, rule_id))


def test_a_spark_application_runs_its_driver_and_executors(tmp_path):
    write_file(tmp_path, "spark.yaml", APPLICATION)
    driver = "SparkApplication spark/pi driver container spark-kubernetes-driver"
    executor = "SparkApplication spark/pi executor container spark-kubernetes-executor"
    assert _found(tmp_path, "K8S001") == [(18, driver)]
    # The application's image is each pod's.
    assert _found(tmp_path, "K8S012") == [(7, driver), (7, executor)]
    # Its volumes are both pods'; the driver mounts the socket.
    [socket] = scan_rule(tmp_path, "K8S007")
    assert (socket.region.start_line, socket.severity) == (11, Severity.CRITICAL)
    assert "mounted by spark-kubernetes-driver" in socket.message
    # The executor's podSecurityContext is its pod's.
    assert _found(tmp_path, "K8S003") == [(12, driver)]
    # Spark limits memory itself, CPU with coreLimit; the executor runs as the driver's account.
    assert _found(tmp_path, "K8S011") == []
    assert _found(tmp_path, "K8S018") == []


def test_a_hardened_spark_application_is_not_reported(tmp_path):
    text = APPLICATION.replace("    securityContext: {privileged: true}\n", "")
    text = text.replace("  driver:\n", "  driver:\n" + "  " + HARDENED.replace("\n  ", "\n    "))
    text = text.replace("    hostNetwork: true\n", "  " + HARDENED.replace("\n  ", "\n    "))
    write_file(tmp_path, "spark.yaml", text)
    for rule_id in ("K8S001", "K8S002", "K8S003", "K8S009", "K8S010", "K8S017"):
        assert _found(tmp_path, rule_id) == [], rule_id


def test_a_scheduled_spark_application_runs_its_template(tmp_path):
    spec = APPLICATION.split("spec:\n", 1)[1]
    text = (
        "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: ScheduledSparkApplication\n"
        "metadata: {name: nightly, namespace: spark}\nspec:\n  schedule: '@daily'\n"
        "  template:\n" + "".join("  " + line + "\n" for line in spec.splitlines())
    )
    write_file(tmp_path, "scheduled.yaml", text)
    assert _found(tmp_path, "K8S001") == [
        (20, "ScheduledSparkApplication spark/nightly driver container spark-kubernetes-driver")
    ]


def test_a_spark_pod_template_is_below_its_pod_spec(tmp_path):
    """`template` (Spark 3 pod templates): its pod settings and first container are the pod's
    and the main container's, under what the SparkPodSpec sets."""
    text = APPLICATION.replace(
        "    podSecurityContext: {runAsNonRoot: true}\n",
        "    template:\n      spec:\n        securityContext: {runAsNonRoot: true}\n"
        "        containers:\n          - name: executor\n"
        "            securityContext: {privileged: true}\n"
        "          - {name: proxy, image: envoy:1.30, securityContext: {privileged: true}}\n",
    )
    write_file(tmp_path, "spark.yaml", text)
    executor = "SparkApplication spark/pi executor container spark-kubernetes-executor"
    assert _found(tmp_path, "K8S001")[1:] == [
        (27, executor),
        (28, "SparkApplication spark/pi executor container proxy"),
    ]
    assert _found(tmp_path, "K8S003") == [
        (12, "SparkApplication spark/pi driver container spark-kubernetes-driver")
    ]


def test_spark_s_env_var_maps_are_the_main_container_s_env(tmp_path):
    """The deprecated envVars map, and sparkConf's spark.kubernetes.driverEnv.* and
    spark.executorEnv.* entries, set environment variables of each role's main container."""
    text = """\
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: etl, namespace: spark}
spec:
  type: Python
  image: spark:3.5.0
  sparkConf:
    spark.executorEnv.DB_PASSWORD: "Sup3rS3cretValue"
    spark.kubernetes.driverEnv.LOG_LEVEL: info
  driver:
    env: [{name: MODE, value: prod}]
    envVars:
      API_TOKEN: "tok3nValu3xyz"
  executor:
    instances: 2
"""
    write_file(tmp_path, "etl.yaml", text)
    found = [(f.region.start_line, f.resource) for f in scan_rule(tmp_path, "K8S014")]
    assert sorted(found) == [
        (8, "SparkApplication spark/etl executor container spark-kubernetes-executor"),
        (13, "SparkApplication spark/etl driver container spark-kubernetes-driver"),
    ]


def test_a_secret_property_of_spark_s_configuration_is_a_named_literal(tmp_path):
    """sparkConf and hadoopConf name each property: a literal S3 secret key is reported (and an
    executor env entry there once, as its container's); a value filled in later is not."""
    text = """\
apiVersion: sparkoperator.k8s.io/v1beta2
kind: ScheduledSparkApplication
metadata: {name: nightly, namespace: spark}
spec:
  schedule: "@daily"
  template:
    type: Python
    image: spark:3.5.0
    hadoopConf:
      fs.s3a.endpoint: http://minio:9000
      fs.s3a.secret.key: "Sup3rS3cretMinio99"
    sparkConf:
      spark.hadoop.fs.s3a.secret.key: ${S3_SECRET_KEY}
      spark.executorEnv.DB_PASSWORD: "Sup3rS3cretValue"
    driver: {cores: 1}
    executor: {instances: 1}
"""
    write_file(tmp_path, "nightly.yaml", text)
    found = [(f.region.start_line, f.resource) for f in scan_rule(tmp_path, "K8S014")]
    assert sorted(found) == [
        (11, "ScheduledSparkApplication spark/nightly"),
        (
            14,
            "ScheduledSparkApplication spark/nightly executor container spark-kubernetes-executor",
        ),
    ]
