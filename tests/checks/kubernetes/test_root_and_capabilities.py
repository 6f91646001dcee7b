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


def test_k8s008_and_k8s027_linux_settings_of_a_windows_pod_are_not_reported(tmp_path):
    """Capabilities, procMount and sysctls are Linux kernel settings: the API server refuses
    them with `os.name: windows` and the kubelet strips them on a Windows node, so a pod held
    to Windows nodes (here by its nodeSelector) grants nothing through them. The Linux pod
    beside it is reported."""
    pod = """\
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: ops}}
spec:
  nodeSelector: {{kubernetes.io/os: {os}}}
  securityContext:
    sysctls: [{{name: kernel.msgmax, value: "65536"}}]
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        procMount: Unmasked
        capabilities: {{add: [NET_ADMIN]}}
"""
    write_file(
        tmp_path,
        "pods.yaml",
        "---\n".join(pod.format(name=os, os=os) for os in ("windows", "linux")),
    )
    for rule_id, count in (("K8S008", 1), ("K8S027", 2)):
        found = scan_rule(tmp_path, rule_id)
        assert [f.resource.split()[1] for f in found] == ["ops/linux"] * count, rule_id
