"""Kubernetes securityContext checks (guardlint/checks/kubernetes/security_context.py and the
container-setting rules): what they catch and what they leave alone."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import K8S, scan_rule
from tests.conftest import findings_of, lines_of, run_scan, write_file


def test_cronjob_privileged_container_is_named_and_located():
    (finding,) = scan_rule(K8S / "K8S001/bad-cronjob-job-template", "K8S001")
    assert finding.resource == "CronJob ops/cleanup container cleaner"
    assert "cleaner" in finding.message
    assert finding.snippet == "privileged: true"


def test_pod_level_non_root_with_container_uid_zero_fires_at_the_container_key():
    (finding,) = scan_rule(K8S / "K8S003/bad-container-uid0-overrides-pod", "K8S003")
    assert finding.snippet == "runAsUser: 0"
    assert "UID 0" in finding.message


def test_pod_level_non_root_alone_protects_every_container():
    assert not scan_rule(K8S / "K8S003/good-pod-level-nonroot", "K8S003")


def test_non_zero_uid_alone_is_not_run_as_non_root():
    (finding,) = scan_rule(K8S / "K8S003/bad-nonzero-uid-without-nonroot", "K8S003")
    assert "does not set runAsNonRoot: true" in finding.message
    assert "runAsUser 10001" in finding.message


def test_explicit_non_root_false_fails_despite_a_non_zero_uid():
    (finding,) = scan_rule(K8S / "K8S003/bad-nonroot-false-with-uid", "K8S003")
    assert finding.snippet == "runAsNonRoot: false"
    assert "inherited from the pod" in finding.message
    assert "runAsUser 1500" in finding.message


def test_non_root_true_with_a_non_zero_uid_passes():
    assert not scan_rule(K8S / "K8S003/good-nonroot-with-uid", "K8S003")


def test_inherited_pod_uid_zero_says_so():
    (finding,) = scan_rule(K8S / "K8S003/bad-pod-uid0-inherited", "K8S003")
    assert "inherited from the pod" in finding.message


def test_windows_pods_skip_linux_only_rules(tmp_path):
    write_file(
        tmp_path,
        "win.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: shop}\nspec:\n"
        "  os: {name: windows}\n  containers:\n    - name: w\n"
        "      image: mcr.microsoft.com/windows/servercore:ltsc2022\n",
    )
    result = run_scan(tmp_path)
    for rule_id in ("K8S002", "K8S009", "K8S010", "K8S017"):
        assert not findings_of(result, rule_id), rule_id
    assert findings_of(result, "K8S003")


_AFFINITY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: w, namespace: shop}}
spec:
  template:
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{{key: kubernetes.io/os, operator: In, values: {values}}}]
      containers:
        - {{name: w, image: "mcr.microsoft.com/dotnet/aspnet:8.0"}}
"""


def test_a_pod_held_to_windows_nodes_by_required_affinity_is_a_windows_pod(tmp_path):
    """Required node affinity to `kubernetes.io/os In [windows]` places the pod on Windows
    as surely as a nodeSelector; preferring it, or allowing Linux too, does not."""
    write_file(tmp_path, "win.yaml", _AFFINITY.format(values="[windows]"))
    write_file(tmp_path, "both.yaml", _AFFINITY.format(values="[windows, linux]"))
    result = run_scan(tmp_path)
    for rule_id in ("K8S002", "K8S009", "K8S010", "K8S017"):
        assert [f.path for f in findings_of(result, rule_id)] == ["both.yaml"], rule_id


@pytest.mark.parametrize(
    "image",
    ["mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
     "mcr.microsoft.com/dotnet/framework/aspnet:4.8", "example/app:1.0-nanoserver-ltsc2022"],
)  # fmt: skip
def test_a_pod_of_an_image_that_runs_only_on_windows_is_a_windows_pod(tmp_path, image):
    """No Linux node can start a Windows image, so its pod runs on Windows whatever it
    declares (as an ECS task does): the Linux-only settings are not asked of it. An image
    with Linux and Windows variants (`dotnet/aspnet:8.0`) says nothing."""
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {{name: w, namespace: shop}}\nspec:\n"
    pod += "  initContainers: [{{name: i, image: {}}}]\n  containers: [{{name: w, image: {}}}]\n"
    write_file(tmp_path, "win.yaml", pod.format(image, "example/app:1.0"))
    write_file(tmp_path, "both.yaml", pod.format("mcr.microsoft.com/dotnet/aspnet:8.0", "x:1"))
    result = run_scan(tmp_path)
    for rule_id in ("K8S002", "K8S009", "K8S010", "K8S017"):
        assert {f.path for f in findings_of(result, rule_id)} == {"both.yaml"}, rule_id


def test_a_setting_an_alias_brings_from_another_container_is_reported_in_each(tmp_path):
    """`securityContext: *sc` reuses container a's map: container b's findings point at the
    alias in container b (line 14), not at a's keys, so each container has its own line."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  securityContext: {runAsUser: 0}
  containers:
    - name: a
      image: nginx:1.27
      securityContext: &sc
        privileged: true
        capabilities: {add: [SYS_ADMIN]}
    - name: b
      image: nginx:1.27
      securityContext: *sc
""",
    )
    result = run_scan(tmp_path)
    assert lines_of(result, "K8S001") == [10, 14]
    assert lines_of(result, "K8S008") == [11, 14]
    assert lines_of(result, "K8S003") == [5, 5]  # inherited from the pod: the pod's key


def test_windows_host_process_is_privileged_also_when_inherited_from_the_pod(tmp_path):
    write_file(
        tmp_path,
        "pods.yaml",
        """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: ops}
spec:
  template:
    spec:
      securityContext:
        windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM"}
      hostNetwork: true
      containers:
        - name: agent
          image: mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image:v1.0.0
          securityContext:
            windowsOptions: {runAsUserName: "NT AUTHORITY\\\\Local service"}
---
apiVersion: v1
kind: Pod
metadata: {name: own, namespace: ops}
spec:
  containers:
    - name: on-host
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
      securityContext:
        windowsOptions:
          hostProcess: Y
    - name: off
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
      securityContext:
        windowsOptions: {hostProcess: false}
""",
    )
    found = findings_of(run_scan(tmp_path, only_rules={"K8S001"}), "K8S001")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (8, "Deployment ops/agent container agent"),
        (25, "Pod ops/own container on-host"),
    ]
    assert "HostProcess container (inherited from the pod)" in found[0].message
    assert "(inherited" not in found[1].message


def test_k8s027_sysctl_names_with_slash_separators_are_the_same_sysctls(tmp_path):
    """The kubelet accepts `/` as the separator (dots then being part of a name, as in
    net/ipv4/conf/eth0.100/rp_filter): a safe sysctl so written is still safe, an unsafe one
    still unsafe."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  securityContext:
    sysctls:
      - {name: net/ipv4/ip_local_port_range, value: "1024 65000"}
      - {name: kernel/shm_rmid_forced, value: "1"}
      - {name: net/ipv4/tcp_keepalive_time, value: "60"}
      - {name: kernel/msgmax, value: "65536"}
      - {name: net/ipv4/conf/eth0.100/rp_filter, value: "1"}
      - {name: net.ipv4.conf.eth0/100.rp_filter, value: "1"}
  containers:
    - name: app
      image: example/app:1.0
""",
    )
    found = scan_rule(tmp_path, "K8S027")
    assert [f.region.start_line for f in found] == [10, 11, 12]


_USER_NAMESPACE_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  hostUsers: false
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        runAsUser: 0
        capabilities: {add: [SYS_ADMIN]}
    - name: quiet
      image: nginx:1.27
"""


def test_a_pod_in_a_user_namespace_is_still_judged_and_told_so(tmp_path):
    """hostUsers: false maps root to an unprivileged host user, and a capability holds over
    the pod's user namespace only; rules.md still asks for runAsNonRoot and no dangerous
    capability, so the findings stay and say what the user namespace changes."""
    write_file(tmp_path, "pod.yaml", _USER_NAMESPACE_POD)
    root = {f.properties["container"]: f.message for f in scan_rule(tmp_path, "K8S003")}
    assert set(root) == {"app", "quiet"}
    assert all("user namespace (hostUsers: false)" in message for message in root.values())
    (added,) = scan_rule(tmp_path, "K8S008")
    assert "user namespace (hostUsers: false)" in added.message
    without = _USER_NAMESPACE_POD.replace("  hostUsers: false\n", "")
    write_file(tmp_path, "pod.yaml", without)
    assert not any("user namespace" in f.message for f in scan_rule(tmp_path, "K8S003"))


def test_k8s027_unmasked_proc_in_a_user_namespace_is_still_judged_and_told_so(tmp_path):
    """The API server takes `procMount: Unmasked` only with hostUsers: false, and then what
    /proc shows is seen by an unprivileged node user: the finding stays and says so. Unsafe
    sysctls are set on the node's kernel by the runtime whatever the user namespace."""
    pod = _USER_NAMESPACE_POD.replace(
        "        runAsUser: 0\n", "        procMount: Unmasked\n"
    ).replace(
        "spec:\n", "spec:\n  securityContext:\n    sysctls: [{name: kernel.msgmax, value: '1'}]\n"
    )
    write_file(tmp_path, "pod.yaml", pod)
    found = {f.region.start_line: f.message for f in scan_rule(tmp_path, "K8S027")}
    assert sorted(found) == [6, 12]
    assert "user namespace (hostUsers: false)" in found[12]
    assert "user namespace" not in found[6]
    write_file(tmp_path, "pod.yaml", pod.replace("  hostUsers: false\n", ""))
    assert not any("user namespace" in f.message for f in scan_rule(tmp_path, "K8S027"))


def test_k8s002_privileged_or_sys_admin_makes_allow_privilege_escalation_true(tmp_path):
    """Kubernetes treats allowPrivilegeEscalation as true for a privileged container or one
    with CAP_SYS_ADMIN (in any spelling), whatever the field says; a container with neither
    that sets it false passes, and so does one that only adds another capability."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: privileged
      image: busybox:1.36
      securityContext:
        privileged: true
        allowPrivilegeEscalation: false
    - name: admin
      image: busybox:1.36
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {add: [cap_sys_admin]}
    - name: hardened
      image: busybox:1.36
      securityContext:
        privileged: false
        allowPrivilegeEscalation: false
        capabilities: {add: [NET_BIND_SERVICE]}
""",
    )
    found = scan_rule(tmp_path, "K8S002")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [
        (10, "privileged"),
        (14, "admin"),
    ]
    assert "runs privileged" in found[0].message
    assert "adds SYS_ADMIN" in found[1].message


def test_k8s002_adding_all_capabilities_adds_sys_admin(tmp_path):
    """`add: [ALL]` (in any case) gives CAP_SYS_ADMIN among the rest, so Kubernetes takes
    allowPrivilegeEscalation as true there too."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: everything
      image: busybox:1.36
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {add: [NET_BIND_SERVICE, all]}
""",
    )
    (finding,) = scan_rule(tmp_path, "K8S002")
    assert finding.region.start_line == 9
    assert "adds ALL (SYS_ADMIN among them)" in finding.message


def test_k8s009_all_is_matched_in_any_case_but_cap_all_drops_nothing(tmp_path):
    """containerd and CRI-O take `ALL` in any case; `CAP_ALL` is no capability and no ALL."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: lower
      image: busybox:1.36
      securityContext: {capabilities: {drop: [all]}}
    - name: prefixed
      image: busybox:1.36
      securityContext: {capabilities: {drop: [CAP_ALL]}}
""",
    )
    found = scan_rule(tmp_path, "K8S009")
    assert [f.properties["container"] for f in found] == ["prefixed"]


def test_k8s027_the_tcp_buffer_and_pacing_sysctls_newer_kubelets_call_safe(tmp_path):
    """The kubelet's safe set grew: net.ipv4.tcp_rmem and tcp_wmem in 1.32 (kubernetes#127489,
    Pod Security baseline too), tcp_slow_start_after_idle and tcp_notsent_lowat in 1.37
    (kubernetes#138389). Their neighbours stay unsafe: tcp_mem is the node's, not the pod's."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  securityContext:
    sysctls:
      - {name: net.ipv4.tcp_rmem, value: "4096 87380 16777216"}
      - {name: net.ipv4.tcp_wmem, value: "4096 65536 16777216"}
      - {name: net.ipv4.tcp_slow_start_after_idle, value: "0"}
      - {name: net.ipv4.tcp_notsent_lowat, value: "16384"}
      - {name: net.ipv4.tcp_mem, value: "65536 131072 262144"}
  containers:
    - name: app
      image: example/app:1.0
""",
    )
    found = scan_rule(tmp_path, "K8S027")
    assert [f.properties["sysctl"] for f in found] == ["net.ipv4.tcp_mem"]


@pytest.mark.parametrize("level", ["pod", "container"])
def test_a_host_process_pod_is_a_windows_pod(tmp_path, level):
    """HostProcess containers exist only on Windows: the pod's or a container's
    `windowsOptions.hostProcess: true` is reported as privileged (K8S001), not asked for the
    Linux-only settings."""
    options = "      windowsOptions: {hostProcess: true}\n"
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: ops}\nspec:\n"
    pod += "  hostNetwork: true\n" + ("  securityContext:\n" + options if level == "pod" else "")
    pod += "  containers:\n    - name: agent\n      image: example/agent:1.0\n"
    pod += "      securityContext:\n  " + options if level == "container" else ""
    write_file(tmp_path, "host-process.yaml", pod)
    result = run_scan(tmp_path)
    assert findings_of(result, "K8S001")
    for rule_id in ("K8S002", "K8S009", "K8S010", "K8S017"):
        assert not findings_of(result, rule_id), rule_id
