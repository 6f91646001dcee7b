"""Kubernetes network checks (guardlint/checks/kubernetes/network.py): Services, Ingresses."""

from __future__ import annotations

from guardlint.model import Severity
from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def test_k8s020_internal_and_restricted_load_balancers_are_info(tmp_path):
    write_file(
        tmp_path,
        "svc.yaml",
        """\
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
spec:
  type: LoadBalancer
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: office, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports: [{port: 80}]
""",
    )
    found = scan_rule(tmp_path, "K8S020")
    assert [(f.region.start_line, f.severity) for f in found] == [
        (9, Severity.INFO),
        (16, Severity.INFO),
    ]
