"""ECS checks of what containers read and write: host paths and devices they mount, a writable
root filesystem, EFS volumes without encryption in transit."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from guardlint.checks.ecs.hits import container_hit, subject, task_hit, task_subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import Fields
from guardlint.documents.ecs.model import Container, TaskDefinition, task_definition
from guardlint.documents.ecs.recognize import DOCKERRUN_V1
from guardlint.model import Document, Hit, Rule, Severity

_ONE_LOWER = {Severity.HIGH: Severity.MEDIUM}


def _normalized(path: str) -> str | None:
    """An absolute host path without `.`, `..`, doubled or trailing slashes; None otherwise."""
    text = path.strip()
    if not text.startswith("/"):
        return None
    normal = posixpath.normpath(text)
    return "/" if normal == "//" else normal


def _under(path: str, trees: list[str]) -> bool:
    return any(path == tree or path.startswith(tree.rstrip("/") + "/") for tree in trees)


def host_path_severity(path: str, rule: Rule) -> Severity | None:
    """How bad mounting this host path is, by the rule's options; None for other paths."""
    normal = _normalized(path)
    if normal is None:
        return None
    options = rule.options
    if (
        normal in options["runtime_directories"]
        or posixpath.basename(normal) in options["runtime_sockets"]
        or _under(normal, options["runtime_trees"])
    ):
        return Severity.CRITICAL
    if normal in options["sensitive_exact"] or _under(normal, options["sensitive_trees"]):
        return Severity.HIGH
    return None


def _mounts(container: Container) -> Iterator[tuple[str, bool]]:
    """(volume name, read only) of each of the container's mountPoints."""
    for _, mount, _ in container.fields.items("mountPoints"):
        read_only = "readOnly" in mount and not mount.false_or_missing("readOnly")
        for name in mount.strings("sourceVolume"):
            yield name, read_only


@check("ECS006")
def host_path_mount(document: Document, rule: Rule) -> Iterator[Hit]:
    """Host volumes (`host.sourcePath`, Dockerrun v1 HostDirectory) that a container mounts,
    graded by the path (rule options), one level lower when every mount of the volume is
    read-only (runtime sockets excepted); and every `linuxParameters.devices` entry."""
    task = task_definition(document)
    mounts = [(container, list(_mounts(container))) for container in task.containers]
    read_only_volumes: dict[str, bool] = {}  # volume -> every mount of it is read-only
    for _, own in mounts:
        for name, read_only in own:
            read_only_volumes[name] = read_only_volumes.get(name, True) and read_only
    for container, own in mounts:
        reported = set()
        for volume_name, host, path in _host_paths(task, own):
            severity = host_path_severity(path, rule)
            if severity is None or (volume_name, path) in reported:
                continue
            reported.add((volume_name, path))
            read_only = read_only_volumes[volume_name]
            if read_only:
                severity = _ONE_LOWER.get(severity, severity)
            access = "read-only" if read_only else "writable"
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} mounts the host path {path.strip()} "
                f"(volume {volume_name}, {access}): "
                + (
                    "the container runtime's API or sockets, root on the host "
                    "whether mounted read-only or not."
                    if severity is Severity.CRITICAL
                    else "it exposes the host's own files to the container."
                ),
                host.key_region("sourcePath"),
                severity=severity,
                hostPath=path.strip(),
                readOnly=read_only,
            )
        yield from _devices(task, container)


def _host_paths(
    task: TaskDefinition, mounts: list[tuple[str, bool]]
) -> Iterator[tuple[str, Fields, str]]:
    """(volume name, its `host` map, a sourcePath) of each host volume a container mounts."""
    for volume_name, _ in mounts:
        for volume in task.volume_named(volume_name):
            for host in volume.fields.maps("host"):
                for path in host.strings("sourcePath"):
                    yield volume_name, host, path


def _devices(task: TaskDefinition, container: Container) -> Iterator[Hit]:
    for linux in container.fields.maps("linuxParameters"):
        for _, device, region in linux.items("devices"):
            host_path = device.text("hostPath") or "a host device"
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} is given the host device {host_path}: it reads "
                "and writes the hardware directly, beside the host's kernel.",
                device.key_region("hostPath") if "hostPath" in device else region,
                severity=Severity.HIGH,
                device=host_path,
            )


@check("ECS008")
def writable_root_filesystem(document: Document, rule: Rule) -> Iterator[Hit]:
    """Containers without readonlyRootFilesystem true (not Dockerrun v1, which cannot set it,
    nor Windows tasks, which do not support it)."""
    task = task_definition(document)
    if task.flavor == DOCKERRUN_V1 or task.windows:
        return
    for container in task.containers:
        fields = container.fields
        if fields.false_or_missing("readonlyRootFilesystem"):
            written = "readonlyRootFilesystem" in fields
            setting = fields.spelled("readonlyRootFilesystem")
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} has a writable root filesystem "
                f"({setting} {'not true' if written else 'not set'}): an attacker in it can "
                "change its binaries and configuration.",
                fields.key_region("readonlyRootFilesystem") if written else container.anchor,
            )


@check("ECS010")
def efs_transit_encryption(document: Document, rule: Rule) -> Iterator[Hit]:
    """EFS volumes whose transitEncryption is not ENABLED (absent: DISABLED)."""
    task = task_definition(document)
    for volume in task.volumes:
        name = volume.name or f"#{volume.index + 1}"
        for efs in volume.fields.maps("efsVolumeConfiguration"):
            key = efs.spelled("transitEncryption")
            if not efs.may_be_absent("transitEncryption"):
                texts = efs.strings("transitEncryption")
                setting = next((t for t in texts if t.strip().upper() != "ENABLED"), None)
                if setting is None:
                    continue
                how, region = f"sets {key} {setting}", efs.key_region("transitEncryption")
            else:
                how = f"does not set {key} (DISABLED by default)"
                region = (
                    efs.key_region("transitEncryption")
                    if "transitEncryption" in efs
                    else volume.fields.key_region("efsVolumeConfiguration")
                )
            yield task_hit(
                task,
                f"{task_subject(task)}: EFS volume {name} {how}, so file data crosses the "
                "network in cleartext.",
                region,
                volume=name,
            )
