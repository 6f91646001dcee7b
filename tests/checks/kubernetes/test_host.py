"""Kubernetes host checks (guardlint/checks/kubernetes/host.py): host paths and host ports."""

from __future__ import annotations

from guardlint.model import Severity
from tests.checks.kubernetes import scan_rule
from tests.conftest import findings_of, run_scan, write_file

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  volumes:
    - {name: sock, hostPath: {path: "//run//containerd/containerd.sock/"}}
    - {name: kubelet, hostPath: {path: /var/lib/kubelet/pods}}
    - {name: data, hostPath: {path: /srv/data}}
    - {name: cache, emptyDir: {}}
  containers:
    - name: app
      image: nginx:1.27
      volumeMounts: [{name: sock, mountPath: /sock}, {name: data, mountPath: /data}]
      ports: [{containerPort: 80, hostPort: "8080"}, {containerPort: 81}, {hostPort: 0}]
"""


def test_host_paths_are_critical_when_they_hand_over_the_node(tmp_path):
    write_file(tmp_path, "pod.yaml", POD)
    found = scan_rule(tmp_path, "K8S007")
    assert [(f.region.start_line, f.resource, f.severity) for f in found] == [
        (6, "Pod shop/p volume sock", Severity.CRITICAL),
        (7, "Pod shop/p volume kubelet", Severity.CRITICAL),
        (8, "Pod shop/p volume data", Severity.HIGH),
    ]
    assert [f.properties["containers"] for f in found] == [["app"], [], ["app"]]
    assert "(mounted by app)" in found[0].message


def test_a_sensitive_path_can_be_made_ordinary_by_the_rule_options(tmp_path):
    write_file(tmp_path, "pod.yaml", POD)
    options = {"K8S007": {"critical_prefixes": [], "critical_paths": []}}

    found = findings_of(run_scan(tmp_path, rule_options=options), "K8S007")
    assert [f.severity for f in found] == [Severity.CRITICAL, Severity.HIGH, Severity.HIGH]


def test_host_ports_are_reported_with_their_number(tmp_path):
    write_file(tmp_path, "pod.yaml", POD)
    (found,) = scan_rule(tmp_path, "K8S019")
    assert (found.region.start_line, found.properties) == (
        14,
        {"container": "app", "hostPort": 8080},
    )
