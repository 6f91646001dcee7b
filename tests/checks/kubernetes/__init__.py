"""Tests of the Kubernetes pack: one file per family of guardlint/checks/kubernetes/."""

from __future__ import annotations

from pathlib import Path

from guardlint.model.findings import Finding
from tests.conftest import FIXTURES, findings_of, run_scan, write_file

K8S = FIXTURES / "kubernetes"


def scan_rule(path: Path, rule_id: str) -> list[Finding]:
    """The findings of one rule on a path, scanned with that rule only."""
    return findings_of(run_scan(path, only_rules={rule_id}), rule_id)


def host_path_finding(tmp_path: Path, path: str, read_only: str = "false") -> Finding:
    """K8S007's one finding for a pod that mounts `path` of the node at /h."""
    write_file(
        tmp_path,
        "pod.yaml",
        f"""\
apiVersion: v1
kind: Pod
metadata: {{name: p, namespace: shop}}
spec:
  volumes: [{{name: host, hostPath: {{path: "{path}"}}}}]
  containers:
    - name: app
      image: nginx:1.27
      volumeMounts: [{{name: host, mountPath: /h, readOnly: {read_only}}}]
""",
    )
    (found,) = scan_rule(tmp_path, "K8S007")
    return found
