"""The Kubernetes model (guardlint/documents/kubernetes.py): the pod spec a document runs and its
containers, as the pack's rules see them."""

from __future__ import annotations

from guardlint.documents import parse_file
from guardlint.documents.kubernetes import containers, pod_specs
from guardlint.model.documents import SourceFile
from tests.conftest import write_file

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger}
spec:
  template:
    spec:
      initContainers:
        - {name: migrate, image: registry.example.com/ledger:7.2.1}
      containers:
        - {name: ledger, image: registry.example.com/ledger:7.2.1}
"""


def _document(tmp_path, text: str):
    path = write_file(tmp_path, "deployment.yaml", text)
    source = SourceFile(str(path), "deployment.yaml", "structured", root=str(tmp_path))
    [document] = parse_file(source).documents
    return document


def test_a_documents_pod_spec_and_containers_are_found_once_for_all_its_rules(tmp_path):
    document = _document(tmp_path, DEPLOYMENT)
    [pod] = pod_specs(document)
    assert list(pod_specs(document)) == [pod] and next(pod_specs(document)) is pod
    found = list(containers(document))
    assert [c.name for c in found] == ["ledger", "migrate"]
    assert all(a is b for a, b in zip(found, containers(document), strict=True))
    assert [c.name for c in containers(document, ("initContainers",))] == ["migrate"]


def test_a_custom_resource_runs_no_pod_unless_its_template_holds_containers(tmp_path):
    document = _document(tmp_path, DEPLOYMENT.replace("apps/v1", "x.example.com/v1").replace(
        "kind: Deployment", "kind: Ledger").replace("containers:", "steps:"))  # fmt: skip
    assert list(pod_specs(document)) == [] == list(containers(document))
