"""Image volumes (Kubernetes 1.31+): an OCI image or artifact mounted as a volume, whose
`reference` is read like a container's image (K8S012, K8S013 through the container-image
template)."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: llm, namespace: ml}
spec:
  containers:
    - name: server
      image: ghcr.io/ml/server:2.1@sha256:%s
      volumeMounts: [{name: weights, mountPath: /models}]
  volumes:
    - name: weights
      image:
        reference: %s
        pullPolicy: IfNotPresent
    - name: cache
      emptyDir: {}
"""
_DIGEST = "a" * 64


def _found(tmp_path, reference: str, rule_id: str) -> list[tuple[int, str, str]]:
    write_file(tmp_path, "pod.yaml", _POD % (_DIGEST, reference))
    return [(f.region.start_line, f.resource, f.message) for f in scan_rule(tmp_path, rule_id)]


def test_an_image_volume_of_latest_or_no_tag_is_a_mutable_image(tmp_path):
    (found,) = _found(tmp_path, "quay.io/ml/weights:latest", "K8S012")
    assert found[:2] == (12, "Pod ml/llm volume weights")
    assert found[2].startswith("Image volume weights of Pod ml/llm uses image quay.io/ml/weights")
    (found,) = _found(tmp_path, "quay.io/ml/weights", "K8S012")
    assert "with no tag" in found[2]


def test_an_image_volume_without_a_digest_is_not_pinned(tmp_path):
    assert [line for line, _, _ in _found(tmp_path, "quay.io/ml/weights:v3", "K8S013")] == [12]
    assert not _found(tmp_path, "quay.io/ml/weights:v3", "K8S012")


def test_a_pinned_or_templated_image_volume_is_left_alone(tmp_path):
    assert not _found(tmp_path, f"quay.io/ml/weights:v3@sha256:{_DIGEST}", "K8S013")
    assert not _found(tmp_path, "'{{ .Values.weights }}'", "K8S012")
