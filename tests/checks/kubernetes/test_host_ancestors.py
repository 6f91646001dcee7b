"""K8S007 (guardlint/checks/kubernetes/host.py): a host path above a critical path."""

from __future__ import annotations

import pytest

from guardlint.model.rules import Severity
from tests.checks.kubernetes import host_path_finding
from tests.conftest import findings_of, run_scan, write_file


@pytest.mark.parametrize(
    ("path", "severity"),
    [
        # /var and /var/lib hold the kubelet's credentials and every pod's Secret volumes
        # (/var/lib/kubelet), etcd's data and the runtimes' state.
        ("/var", Severity.CRITICAL),
        ("/var/", Severity.CRITICAL),
        ("/var/lib", Severity.CRITICAL),
        ("//var/log/../lib", Severity.CRITICAL),
        # MicroK8s's run directory is below /var/snap/microk8s/common.
        ("/var/snap/microk8s", Severity.CRITICAL),
        # A Windows node's counterparts, in any case.
        ("C:/var/lib", Severity.CRITICAL),
        ("c:/ProgramData", Severity.CRITICAL),
        # Beside them, or below an ancestor without reaching a critical path: as before.
        ("/var/log", Severity.HIGH),
        ("/var/lib/mysql", Severity.HIGH),
        ("/var/libs", Severity.HIGH),
        ("/srv", Severity.HIGH),
        ("C:/var/log", Severity.HIGH),
    ],
)
def test_k8s007_a_directory_that_holds_a_critical_path_is_critical(tmp_path, path, severity):
    """A hostPath of a directory above a critical path hands over what that path holds: /var
    or /var/lib mounts /var/lib/kubelet and /var/lib/etcd with it, C:\\ProgramData Docker's
    and containerd's data roots. The ancestors come from the rule options, so a path an
    option adds brings its ancestors."""
    found = host_path_finding(tmp_path, path)
    assert found.severity == severity


def test_k8s007_the_ancestors_follow_the_rule_options(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  volumes: [{name: a, hostPath: {path: /opt}}, {name: b, hostPath: {path: /var}}]
  containers: [{name: app, image: "nginx:1.27"}]
""",
    )
    options = {"K8S007": {"critical_paths": ["/opt/agent/keys"], "critical_prefixes": []}}
    found = findings_of(run_scan(tmp_path, rule_options=options), "K8S007")
    assert [f.severity for f in found] == [Severity.CRITICAL, Severity.HIGH]
