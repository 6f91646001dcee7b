"""Booleans as kubectl reads them: its YAML reader (go-yaml v2) takes a plain `y`/`Y`/`n`/`N`
for one, which PyYAML leaves as text; a privileged pod written so was not reported, and its
hardening was not seen."""

from __future__ import annotations

from tests.conftest import run_scan, write_file

POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  hostNetwork: {yes}
  hostPID: {yes}
  hostIPC: {yes}
  automountServiceAccountToken: {no}
  containers:
    - name: c
      image: nginx:1.27
      securityContext:
        privileged: {yes}
        allowPrivilegeEscalation: {yes}
        readOnlyRootFilesystem: {yes}
        runAsNonRoot: {yes}
"""


def _rules(tmp_path, yes: str, no: str) -> set[str]:
    write_file(tmp_path / yes, "pod.yaml", POD.format(yes=yes, no=no))
    return {finding.rule_id for finding in run_scan(tmp_path / yes).findings}


def test_y_and_n_are_read_as_kubectl_reads_them(tmp_path):
    spelled = _rules(tmp_path, "true", "false")
    assert {"K8S001", "K8S004", "K8S005", "K8S006"} <= spelled
    assert _rules(tmp_path, "y", "n") == spelled
    assert _rules(tmp_path, "Y", "N") == spelled
