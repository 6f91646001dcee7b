"""Kubernetes host checks (guardlint/checks/kubernetes/host.py): host paths and host ports."""

from __future__ import annotations

import pytest

from guardlint.model.rules import Severity
from tests.checks.kubernetes import K8S, host_path_finding, scan_rule
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


def test_each_scan_in_one_process_reads_its_own_rule_options(tmp_path):
    # The checks keep what they made of an option's value (checks/kubernetes/values.py): a
    # later scan with other options, or with the defaults again, must not get the earlier's.
    write_file(tmp_path, "pod.yaml", POD)
    ordinary = {"K8S007": {"critical_prefixes": [], "critical_paths": []}}

    def severities(**options) -> list[Severity]:
        return [f.severity for f in findings_of(run_scan(tmp_path, **options), "K8S007")]

    assert severities() == [Severity.CRITICAL, Severity.CRITICAL, Severity.HIGH]
    assert severities(rule_options=ordinary) == [Severity.CRITICAL, Severity.HIGH, Severity.HIGH]
    assert severities() == [Severity.CRITICAL, Severity.CRITICAL, Severity.HIGH]


def test_host_ports_are_reported_with_their_number(tmp_path):
    write_file(tmp_path, "pod.yaml", POD)
    (found,) = scan_rule(tmp_path, "K8S019")
    assert (found.region.start_line, found.properties) == (
        14,
        {"container": "app", "hostPort": 8080},
    )


def test_a_read_only_single_host_file_is_low_and_not_said_to_be_changeable():
    (found,) = scan_rule(K8S / "K8S007/bad-read-only-ca-bundle", "K8S007")
    assert found.severity == Severity.LOW
    assert "change" not in found.message.replace("not change", "")
    assert found.properties["readOnly"] is True


def test_one_writable_mount_of_a_host_file_keeps_it_high():
    (found,) = scan_rule(K8S / "K8S007/bad-file-one-writable-mount", "K8S007")
    assert found.severity == Severity.HIGH
    assert found.properties["containers"] == ["app", "fix-zone"]
    assert "read or change files" in found.message


def test_a_read_only_host_directory_stays_high_but_says_read_only():
    (found,) = scan_rule(K8S / "K8S007/bad-read-only-directory", "K8S007")
    assert found.severity == Severity.HIGH
    assert "read-only" in found.message
    assert "change" not in found.message


@pytest.mark.parametrize(
    ("path", "kind", "single"),
    [
        ("/etc/ssl/certs/ca-bundle.crt", None, True),
        ("/etc/localtime", None, True),
        ("/srv/data", "File", True),
        ("/etc/conf.d", None, False),
        ("/opt/app-1.2", None, False),
        ("/srv/data.crt", "Directory", False),
    ],
)
def test_which_host_paths_are_one_file(tmp_path, path, kind, single):
    source = f"path: {path}" + (f", type: {kind}" if kind else "")
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
        "  containers:\n    - name: app\n      image: nginx:1.27\n      volumeMounts:\n"
        "        - {name: v, mountPath: /v, readOnly: true}\n"
        f"  volumes:\n    - name: v\n      hostPath: {{{source}}}\n",
    )
    (found,) = scan_rule(tmp_path, "K8S007")
    assert (found.severity == Severity.LOW) is single


@pytest.mark.parametrize(
    "path",
    [
        "/var/log/../../etc",
        "/./proc/",
        "/var/lib/../run/docker.sock",
        "/run/containerd/",
        "/var/run/crio",
    ],
)
def test_a_host_path_is_judged_as_the_node_resolves_it(tmp_path, path):
    """`.` and `..` components and the directory holding a runtime socket do not hide a
    sensitive host path: kube-linter and the node resolve the path first."""
    found = host_path_finding(tmp_path, path)
    assert found.severity == Severity.CRITICAL
    assert path in found.message  # said as written


@pytest.mark.parametrize(
    ("path", "read_only", "severity"),
    [
        ("/usr", "false", Severity.CRITICAL),
        ("/lib", "false", Severity.CRITICAL),
        ("/lib64", "false", Severity.CRITICAL),
        ("/bin", "false", Severity.CRITICAL),
        ("/sbin/", "false", Severity.CRITICAL),
        ("/usr", "true", Severity.HIGH),
        ("/var/lib/etcd", "true", Severity.CRITICAL),
        ("/usr/share/zoneinfo", "false", Severity.HIGH),
        ("/lib/modules", "false", Severity.HIGH),
    ],
)
def test_the_nodes_programs_and_the_clusters_store_are_critical(
    tmp_path, path, read_only, severity
):
    """The node's programs and libraries (CIS Docker 5.5 lists /usr and /lib beside /etc) are
    critical when writable: one the pod replaces runs as root on the node; read, they hold no
    secret. etcd's data directory holds every Secret of the cluster, read or written. A
    directory under them (time zones, kernel modules agents read) stays high."""
    found = host_path_finding(tmp_path, path, read_only)
    assert found.severity == severity


def test_a_persistent_volume_of_a_sensitive_host_path_is_critical(tmp_path):
    """A hostPath PersistentVolume hands its path to every pod whose claim binds it, though
    no pod names a hostPath; local storage on an ordinary path is left alone."""
    write_file(
        tmp_path,
        "pv.yaml",
        """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: sock}
spec:
  capacity: {storage: 1Gi}
  hostPath: {path: /var/run/docker.sock, type: Socket}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: data}
spec:
  capacity: {storage: 1Gi}
  hostPath: {path: /mnt/data}
""",
    )
    (found,) = scan_rule(tmp_path, "K8S007")
    assert (found.resource, found.severity, found.region.start_line) == (
        "PersistentVolume sock",
        Severity.CRITICAL,
        6,
    )


def test_a_local_persistent_volume_of_a_sensitive_host_path_is_critical(tmp_path):
    """A `local` PersistentVolume is a node directory too: one of /var/run (the runtime's
    socket) or / hands the node to every pod whose claim binds it, as a hostPath one does;
    a local disk mounted under /mnt is how local storage is provisioned."""
    write_file(
        tmp_path,
        "pv.yaml",
        """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: run}
spec:
  capacity: {storage: 1Gi}
  local: {path: /var/run}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: root}
spec:
  capacity: {storage: 1Gi}
  local:
    path: /
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: disk}
spec:
  capacity: {storage: 100Gi}
  local: {path: /mnt/disks/ssd1}
""",
    )
    found = scan_rule(tmp_path, "K8S007")
    assert [(f.resource, f.severity, f.region.start_line) for f in found] == [
        ("PersistentVolume run", Severity.CRITICAL, 6),
        ("PersistentVolume root", Severity.CRITICAL, 14),
    ]
    assert "a local volume of host path /var/run" in found[0].message


def test_the_windows_runtime_pipes_are_critical_like_the_sockets(tmp_path):
    """`\\\\.\\pipe\\docker_engine` is the Windows docker.sock (compared in any case)."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  nodeSelector: {kubernetes.io/os: windows}
  volumes:
    - {name: docker, hostPath: {path: '\\\\.\\pipe\\Docker_Engine'}}
    - {name: containerd, hostPath: {path: '\\\\.\\pipe\\containerd-containerd'}}
    - {name: logs, hostPath: {path: 'C:\\var\\log'}}
  containers: [{name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
""",
    )
    found = scan_rule(tmp_path, "K8S007")
    assert [f.severity for f in found] == [Severity.CRITICAL, Severity.CRITICAL, Severity.HIGH]


@pytest.mark.parametrize(
    ("path", "severity"),
    [
        ("C:\\", Severity.CRITICAL),  # the node's system drive, as / is a Linux node's
        ("c:/", Severity.CRITICAL),
        ("C:\\var\\lib\\kubelet", Severity.CRITICAL),  # the Windows kubelet's root-dir
        ("C:\\Var\\Lib\\Kubelet\\pods", Severity.CRITICAL),  # Windows names: any case
        ("C:\\etc\\kubernetes\\pki", Severity.CRITICAL),
        ("C:\\ProgramData\\docker", Severity.CRITICAL),  # Docker's data-root on Windows
        ("C:\\programdata\\containerd\\root", Severity.CRITICAL),
        # The counterparts of /etc (the Windows directory, System32 and its registry hives),
        # /home and /root; `..` stops at the drive's root.
        ("C:\\Windows", Severity.CRITICAL),
        ("c:/windows/system32/config/SAM", Severity.CRITICAL),
        ("C:\\app\\..\\..\\Windows\\System32", Severity.CRITICAL),
        ("C:\\Users", Severity.CRITICAL),
        ("C:\\Users\\Administrator\\.ssh", Severity.CRITICAL),
        ("C:\\var\\log", Severity.HIGH),
        ("C:\\ProgramData\\dockerfiles", Severity.HIGH),
        ("C:\\Windows\\Temp", Severity.HIGH),
        ("C:\\Users\\app\\data", Severity.HIGH),
        ("/Var/Lib/Kubelet", Severity.HIGH),  # a Linux path: names in their case
    ],
)
def test_windows_node_paths_are_judged_as_their_linux_counterparts(tmp_path, path, severity):
    """A Windows node's drive root, kubelet directory and runtime data roots hand over the node
    as /, /var/lib/kubelet and /var/lib/docker do a Linux node's; Windows compares file names
    in any case."""
    write_file(
        tmp_path,
        "pod.yaml",
        f"""\
apiVersion: v1
kind: Pod
metadata: {{name: p, namespace: shop}}
spec:
  nodeSelector: {{kubernetes.io/os: windows}}
  volumes:
    - {{name: host, hostPath: {{path: '{path}'}}}}
  containers: [{{name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}}]
""",
    )
    (finding,) = scan_rule(tmp_path, "K8S007")
    assert finding.severity == severity


def test_argo_template_volumes_are_its_pods_own_over_the_workflows(tmp_path):
    """An Argo template's `volumes` join its pod's, a name it defines hiding the
    workflow's volume of that name; a workflow volume is still judged once."""
    write_file(
        tmp_path,
        "workflow.yaml",
        """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: build, namespace: ci}
spec:
  entrypoint: main
  volumes:
    - {name: logs, hostPath: {path: /var/log}}
  templates:
    - name: main
      volumes:
        - {name: sock, hostPath: {path: /var/run/docker.sock, type: Socket}}
      container:
        image: docker:27-cli
        volumeMounts:
          - {name: sock, mountPath: /var/run/docker.sock}
          - {name: logs, mountPath: /logs, readOnly: true}
    - name: shadow
      volumes:
        - {name: logs, emptyDir: {}}
      container:
        image: alpine:3.19
        volumeMounts: [{name: logs, mountPath: /logs}]
    - name: tail
      container:
        image: alpine:3.19
        volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]
""",
    )
    found = scan_rule(tmp_path, "K8S007")
    assert [(f.region.start_line, f.severity.name, f.properties["containers"]) for f in found] == [
        (7, "HIGH", ["tail", "main"]),
        (11, "CRITICAL", ["main"]),
    ]
    assert found[0].properties["readOnly"] is True


@pytest.mark.parametrize(
    ("path", "severity"),
    [
        # k3s and RKE2 run containerd at /run/k3s/containerd/containerd.sock: each directory
        # on the way holds it, as /run/containerd does the usual one.
        ("/run/k3s", Severity.CRITICAL),
        ("/var/run/k3s", Severity.CRITICAL),
        ("/var/run/k3s/containerd/", Severity.CRITICAL),
        # dockerd starting its own containerd puts it at /var/run/docker/containerd/.
        ("/var/run/docker", Severity.CRITICAL),
        ("/run/docker/containerd", Severity.CRITICAL),
        ("/var/run/docker/libcontainerd/docker-containerd.sock", Severity.CRITICAL),
        # k0s and MicroK8s keep theirs in their own run directories.
        ("/run/k0s", Severity.CRITICAL),
        ("/var/snap/microk8s/common/run", Severity.CRITICAL),
        # A directory beside them holds no socket.
        ("/run/k3s-data", Severity.HIGH),
        ("/var/run/docker-logs", Severity.HIGH),
        ("/var/snap/microk8s/common/logs", Severity.HIGH),
    ],
)
def test_k8s007_every_directory_that_holds_a_runtime_socket_is_critical(tmp_path, path, severity):
    """A hostPath of a directory that holds a container runtime's socket hands the socket
    over, wherever a distribution puts it: k3s and RKE2 (/run/k3s/containerd), dockerd's own
    containerd (/var/run/docker/containerd), k0s (/run/k0s), MicroK8s
    (/var/snap/microk8s/common/run)."""
    found = host_path_finding(tmp_path, path)
    assert found.severity == severity
