"""ECS006, ECS008, ECS010 (checks/ecs/storage.py): host paths and devices, writable root
filesystems, EFS without encryption in transit."""

from __future__ import annotations

import pytest

from guardlint.model.rules import Severity
from tests.checks.ecs import BOTH_INPUTS, container, found, scan_text, task
from tests.conftest import findings_of, lines_of

# ---- ECS006 host-path-mount


def _mounting(path: str, *read_only: bool) -> dict:
    """A task whose containers mount the host path `path`, each read-only or not."""
    containers = [
        container(
            f"c{index}",
            mountPoints=[{"sourceVolume": "host", "containerPath": "/mnt", "readOnly": flag}],
        )
        for index, flag in enumerate(read_only or (False,))
    ]
    return task(*containers, volumes=[{"name": "host", "host": {"sourcePath": path}}])


@BOTH_INPUTS
@pytest.mark.parametrize(
    "path",
    ["/var/run/docker.sock", "/run/docker.sock", "/var/run", "/run/", "/run/containerd",
     "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/run//docker.sock",
     "//var/run/docker.sock", "///run", "//run/containerd/",
     # The runtimes CMP005 and K8S007 know: Podman (rootless too), cri-dockerd, dockerd's own
     # directory.
     "/run/podman/podman.sock", "/run/user/1000/podman/podman.sock", "/run/podman",
     "/var/run/cri-dockerd.sock", "/var/run/docker", "/run/docker/containerd"],
)  # fmt: skip
def test_runtime_sockets_are_critical_read_only_or_not(tmp_path, scan, path):
    (writable,) = found(scan, tmp_path / "rw", _mounting(path), "ECS006")
    (read_only,) = found(scan, tmp_path / "ro", _mounting(path, True), "ECS006")
    assert writable.severity == read_only.severity == Severity.CRITICAL


@BOTH_INPUTS
@pytest.mark.parametrize(
    "path",
    ["/", "/proc", "/sys", "/dev", "/boot", "/home", "/etc", "/etc/ssh", "/root", "/root/.aws",
     "/var/lib/docker", "/var/lib/docker/volumes", "/var/lib/ecs", "/var/lib/ecs/data",
     # Linux reads a leading `//` as `/` (POSIX's normpath keeps it).
     "//", "//etc", "//proc/", "///root/.aws", "//var/lib/../../etc"],
)  # fmt: skip
def test_sensitive_paths_are_high_and_medium_when_every_mount_is_read_only(tmp_path, scan, path):
    (writable,) = found(scan, tmp_path / "rw", _mounting(path), "ECS006")
    assert writable.severity == Severity.HIGH
    read_only = found(scan, tmp_path / "ro", _mounting(path, True, True), "ECS006")
    assert {f.severity for f in read_only} == {Severity.MEDIUM} and len(read_only) == 2
    mixed = found(scan, tmp_path / "mixed", _mounting(path, True, False), "ECS006")
    assert {f.severity for f in mixed} == {Severity.HIGH}


@BOTH_INPUTS
@pytest.mark.parametrize(
    "path",
    ["/var", "/var/", "/var/lib", "//var/log/../lib", "C:\\ProgramData", "c:/programdata/amazon"],
)  # fmt: skip
def test_a_directory_above_a_sensitive_path_is_high(tmp_path, scan, path):
    """/var and /var/lib hold /var/lib/docker and /var/lib/ecs (the agent's credentials), as
    C:\\ProgramData and its Amazon directory hold Docker's data root and the agent's: a mount
    of one exposes what it holds."""
    (writable,) = found(scan, tmp_path / "rw", _mounting(path), "ECS006")
    assert writable.severity == Severity.HIGH
    (read_only,) = found(scan, tmp_path / "ro", _mounting(path, True), "ECS006")
    assert read_only.severity == Severity.MEDIUM


@BOTH_INPUTS
@pytest.mark.parametrize(
    "path",
    ["/var/app/current/data", "/opt/app", "/var/log/nginx", "/proc/sys/net", "/home/app/data",
     "/devices", "/etcd", "/run/user/1000", "/var/run/app.pid", "relative/path",
     "//opt/app", "//etcd"],
)  # fmt: skip
def test_other_host_paths_dont_catch(tmp_path, scan, path):
    assert not found(scan, tmp_path, _mounting(path), "ECS006")


# A Windows container instance's host paths (ECS on Windows mounts directories of the drive
# that holds ProgramData): its engine's named pipe is docker.sock, its system drive is /, the
# ECS agent's data and configuration under ProgramData are /var/lib/ecs; compared in any case.
@BOTH_INPUTS
@pytest.mark.parametrize(
    "path",
    ["\\\\.\\pipe\\docker_engine", "//./pipe/docker_engine", "\\\\.\\PIPE\\Docker_Engine",
     "\\\\.\\pipe\\containerd-containerd"],
)  # fmt: skip
def test_windows_runtime_pipes_are_critical_read_only_or_not(tmp_path, scan, path):
    (writable,) = found(scan, tmp_path / "rw", _mounting(path), "ECS006")
    (read_only,) = found(scan, tmp_path / "ro", _mounting(path, True), "ECS006")
    assert writable.severity == read_only.severity == Severity.CRITICAL


@BOTH_INPUTS
@pytest.mark.parametrize(
    "path",
    ["C:\\", "c:/", "C:\\Users", "C:\\Users\\Administrator\\.aws", "C:\\Windows",
     "C:\\Windows\\System32\\config", "C:\\ProgramData\\Amazon\\ECS",
     "c:/programdata/amazon/ecs/data", "C:\\PROGRAMDATA\\docker", "C:\\app\\..\\Windows"],
)  # fmt: skip
def test_windows_sensitive_paths_are_high(tmp_path, scan, path):
    (writable,) = found(scan, tmp_path / "rw", _mounting(path), "ECS006")
    assert writable.severity == Severity.HIGH and writable.properties["hostPath"] == path
    (read_only,) = found(scan, tmp_path / "ro", _mounting(path, True), "ECS006")
    assert read_only.severity == Severity.MEDIUM


@BOTH_INPUTS
@pytest.mark.parametrize(
    "path",
    ["C:\\ProgramData\\app\\logs", "C:\\data", "C:\\Users\\app\\data", "C:\\Windows\\Temp",
     "D:\\", "\\\\.\\pipe\\myapp", "C:data"],
)  # fmt: skip
def test_other_windows_host_paths_dont_catch(tmp_path, scan, path):
    assert not found(scan, tmp_path, _mounting(path), "ECS006")


@BOTH_INPUTS
def test_volumes_without_a_host_path_or_not_mounted_dont_catch(tmp_path, scan):
    volumes = [
        {"name": "scratch"},
        {"name": "managed", "host": {}},
        {"name": "docker", "dockerVolumeConfiguration": {"scope": "task"}},
        {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}},
        {"name": "fsx", "fsxWindowsFileServerVolumeConfiguration": {"fileSystemId": "fs-2"}},
        {"name": "unused", "host": {"sourcePath": "/var/run/docker.sock"}},
    ]
    mounts = [{"sourceVolume": v["name"], "containerPath": f"/{v['name']}"} for v in volumes[:5]]
    definition = task(container(mountPoints=mounts), volumes=volumes)
    assert not found(scan, tmp_path, definition, "ECS006")


@BOTH_INPUTS
def test_devices_are_high(tmp_path, scan):
    devices = [{"hostPath": "/dev/fuse", "containerPath": "/dev/fuse", "permissions": ["read"]}]
    definition = task(container(linuxParameters={"devices": devices}))
    (finding,) = found(scan, tmp_path, definition, "ECS006")
    assert finding.severity == Severity.HIGH and finding.properties["device"] == "/dev/fuse"


@BOTH_INPUTS
@pytest.mark.parametrize("device", [{"containerPath": "/dev/x"}, {"hostPath": ""}])
def test_a_device_without_a_host_path_is_named_a_host_device(tmp_path, scan, device):
    """`--generate-cli-skeleton` leaves hostPath blank: the message said "the host device a
    host device"."""
    definition = task(container(linuxParameters={"devices": [device]}))
    (finding,) = found(scan, tmp_path, definition, "ECS006")
    assert "is given a host device: it reads" in finding.message


def _sharing(path: str, source_read_only: bool, *volumes_from: dict) -> dict:
    """A task whose container `holder` mounts the host path `path` and whose container
    `user` takes holder's volumes (volumesFrom), and `chained` takes user's."""
    mount = {"sourceVolume": "host", "containerPath": "/mnt", "readOnly": source_read_only}
    holder = container("holder", mountPoints=[mount])
    user = container("user", volumesFrom=list(volumes_from))
    chained = container("chained", volumesFrom=[{"sourceContainer": "user"}])
    return task(holder, user, chained, volumes=[{"name": "host", "host": {"sourcePath": path}}])


@BOTH_INPUTS
def test_volumes_from_a_container_with_a_host_mount_catches(tmp_path, scan):
    definition = _sharing("/var/run/docker.sock", False, {"sourceContainer": "holder"})
    findings = found(scan, tmp_path, definition, "ECS006")
    assert sorted(f.properties["container"] for f in findings) == ["chained", "holder", "user"]
    assert {f.severity for f in findings} == {Severity.CRITICAL}
    (inherited,) = [f for f in findings if f.properties["container"] == "user"]
    assert "from container holder" in inherited.message


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("source_read_only", "takes_read_only", "severity"),
    [(False, True, Severity.HIGH), (True, False, Severity.MEDIUM), (True, True, Severity.MEDIUM)],
)
def test_volumes_from_read_only(tmp_path, scan, source_read_only, takes_read_only, severity):
    """Read-only when either the mount or the volumesFrom entry is (Docker keeps the mount's
    mode unless `:ro` is asked); the volume is one level lower only if every use is."""
    volumes_from = {"sourceContainer": "holder", "readOnly": takes_read_only}
    findings = found(scan, tmp_path, _sharing("/etc", source_read_only, volumes_from), "ECS006")
    assert len(findings) == 3 and {f.severity for f in findings} == {severity}


@BOTH_INPUTS
def test_volumes_from_without_host_mounts_or_undefined_doesnt_catch(tmp_path, scan):
    mount = {"sourceVolume": "host", "containerPath": "/mnt"}
    definition = task(
        container("holder", mountPoints=[mount]),
        container("user", volumesFrom=[{"sourceContainer": "holder"}]),
        container("loop", volumesFrom=[{"sourceContainer": "loop"}, {"sourceContainer": "gone"}]),
        volumes=[{"name": "host", "host": {"sourcePath": "/opt/app"}}],
    )
    assert not found(scan, tmp_path, definition, "ECS006")


def test_dockerrun_v1_host_directories(tmp_path):
    text = """{
  "AWSEBDockerrunVersion": "1",
  "Image": {"Name": "example/app:2.0"},
  "Volumes": [
    {"HostDirectory": "/var/app/mydb", "ContainerDirectory": "/etc/mysql"},
    {"HostDirectory": "/var/run/docker.sock", "ContainerDirectory": "/var/run/docker.sock"}
  ]
}
"""
    result = scan_text(tmp_path, "Dockerrun.aws.json", text, "ECS006")
    (finding,) = findings_of(result, "ECS006")
    assert finding.region.start_line == 6 and finding.severity == Severity.CRITICAL
    assert finding.resource == "Dockerrun container example/app"


# ---- ECS008 writable-root-filesystem


@BOTH_INPUTS
@pytest.mark.parametrize("value", [False, "false", None])
def test_writable_root_catches_false_or_missing_in_every_container(tmp_path, scan, value):
    router = container("log_router", firelensConfiguration={"type": "fluentbit"})
    del router["readonlyRootFilesystem"]
    if value is not None:
        router["readonlyRootFilesystem"] = value
    (finding,) = found(scan, tmp_path, task(container(), router), "ECS008")
    assert finding.resource.endswith("container log_router")


@BOTH_INPUTS
def test_writable_root_doesnt_catch_true_or_windows(tmp_path, scan):
    assert not found(scan, tmp_path / "true", task(container()), "ECS008")
    windows = container()
    del windows["readonlyRootFilesystem"]
    definition = task(
        windows, runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"}
    )
    assert not found(scan, tmp_path / "windows", definition, "ECS008")


def test_writable_root_in_dockerrun_v2_but_not_v1(tmp_path):
    v2 = '{"AWSEBDockerrunVersion": 2, "containerDefinitions": [{"name": "a", "image": "x:1"}]}'
    v1 = '{"AWSEBDockerrunVersion": "1", "Image": {"Name": "x:1"}}'
    assert lines_of(scan_text(tmp_path / "v2", "Dockerrun.aws.json", v2, "ECS008"), "ECS008") == [1]
    assert not scan_text(tmp_path / "v1", "Dockerrun.aws.json", v1, "ECS008").findings


def test_writable_root_template_branch(tmp_path):
    text = """Conditions:
  Prod: !Equals [!Ref "AWS::StackName", prod]
Parameters:
  ReadOnly: {Type: String}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: a, Image: "x:1", ReadonlyRootFilesystem: !If [Prod, true, false]}
        - {Name: b, Image: "x:1", ReadonlyRootFilesystem: !Ref ReadOnly}
"""
    assert lines_of(scan_text(tmp_path, "template.yaml", text, "ECS008"), "ECS008") == [10]


# ---- ECS010 efs-transit-encryption


@BOTH_INPUTS
@pytest.mark.parametrize("setting", [None, "DISABLED", "disabled"])
def test_efs_catches_disabled_or_absent(tmp_path, scan, setting):
    efs = {"fileSystemId": "fs-1"} | ({} if setting is None else {"transitEncryption": setting})
    definition = task(volumes=[{"name": "shared", "efsVolumeConfiguration": efs}])
    (finding,) = found(scan, tmp_path, definition, "ECS010")
    assert finding.properties["volume"] == "shared"


@BOTH_INPUTS
def test_efs_doesnt_catch_enabled_or_other_volumes(tmp_path, scan):
    volumes = [
        {"name": "shared", "efsVolumeConfiguration": {"fileSystemId": "fs-1",
                                                      "transitEncryption": "ENABLED"}},
        {"name": "host", "host": {"sourcePath": "/var/log"}},
    ]  # fmt: skip
    assert not found(scan, tmp_path, task(volumes=volumes), "ECS010")


def test_efs_in_cloudformation_spelling(tmp_path):
    text = """Parameters:
  Transit: {Type: String, Default: DISABLED}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Volumes:
        - Name: a
          EFSVolumeConfiguration: {FilesystemId: fs-1, TransitEncryption: !Ref Transit}
        - Name: b
          EFSVolumeConfiguration: {FilesystemId: fs-2, TransitEncryption: ENABLED}
      ContainerDefinitions:
        - {Name: app, Image: "x:1"}
"""
    (finding,) = findings_of(scan_text(tmp_path, "template.yaml", text, "ECS010"), "ECS010")
    assert finding.region.start_line == 9
    assert "TransitEncryption DISABLED" in finding.message


@BOTH_INPUTS
@pytest.mark.parametrize(
    "image",
    ["mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019",
     "mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/windows/nanoserver",
     "mcr.microsoft.com/dotnet/framework/aspnet:4.8",
     "mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022",
     "amazon/aws-for-fluent-bit:windowsservercore-stable", "microsoft/iis"],
)  # fmt: skip
def test_a_task_of_windows_images_is_windows_without_runtime_platform(tmp_path, scan, image):
    """On EC2 a Windows task need not declare its runtimePlatform; an image that runs only
    on Windows says it (readonlyRootFilesystem and user are not supported there)."""
    windows = container(image=image, user="root")
    del windows["readonlyRootFilesystem"]
    sidecar = container("sidecar")
    del sidecar["readonlyRootFilesystem"]
    definition = task(windows, sidecar, networkMode="host")
    assert not found(scan, tmp_path / "ro", definition, "ECS008")
    assert not found(scan, tmp_path / "user", definition, "ECS002")


@BOTH_INPUTS
@pytest.mark.parametrize(
    "image",
    ["mcr.microsoft.com/dotnet/aspnet:8.0", "mcr.microsoft.com/powershell:lts-ubuntu-22.04",
     "example/windows-exporter:1.0", "nginx:1.27"],
)  # fmt: skip
def test_linux_images_of_microsoft_are_still_judged(tmp_path, scan, image):
    linux = container(image=image)
    del linux["readonlyRootFilesystem"]
    assert found(scan, tmp_path, task(linux), "ECS008")
