"""Kubernetes securityContext checks, continued (test_security_context.py): who counts as root
(K8S003) and which added capabilities are dangerous (K8S008)."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def test_k8s008_capabilities_that_reach_hardware_the_boot_or_the_lsm_are_dangerous(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: tools, namespace: ops}
spec:
  containers:
    - name: raw
      image: example/tools:1.0
      securityContext:
        capabilities: {add: [IPC_LOCK, CAP_SYS_RAWIO, sys_boot, mac_admin, MAC_OVERRIDE, PERFMON]}
    - name: narrow
      image: example/tools:1.0
      securityContext:
        capabilities: {add: [NET_BIND_SERVICE, IPC_LOCK, SYS_NICE, CHOWN]}
""",
    )
    (finding,) = scan_rule(tmp_path, "K8S008")
    assert finding.properties["container"] == "raw"
    assert finding.properties["capabilities"] == [
        "SYS_RAWIO", "SYS_BOOT", "MAC_ADMIN", "MAC_OVERRIDE", "PERFMON"
    ]  # fmt: skip


def test_k8s003_windows_container_administrator_is_root_own_or_inherited(tmp_path):
    write_file(
        tmp_path,
        "pods.yaml",
        """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: win, namespace: ops}
spec:
  template:
    spec:
      os: {name: windows}
      securityContext:
        runAsNonRoot: true
        windowsOptions: {runAsUserName: ContainerAdministrator}
      containers:
        - name: inherits
          image: mcr.microsoft.com/windows/servercore:ltsc2022
          securityContext:
            windowsOptions: {gmsaCredentialSpecName: web}
        - name: user
          image: mcr.microsoft.com/windows/servercore:ltsc2022
          securityContext:
            windowsOptions: {runAsUserName: ContainerUser}
        - name: own
          image: mcr.microsoft.com/windows/servercore:ltsc2022
          securityContext:
            windowsOptions: {runAsUserName: " containeradministrator "}
""",
    )
    found = scan_rule(tmp_path, "K8S003")
    assert [(f.properties["container"], f.region.start_line) for f in found] == [
        ("inherits", 10),
        ("own", 23),
    ]
    assert "ContainerAdministrator" in found[0].message
    assert "(inherited from the pod)" in found[0].message
    assert "(inherited" not in found[1].message
