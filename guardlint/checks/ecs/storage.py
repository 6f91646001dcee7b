"""ECS checks of what containers read and write: host paths and devices they mount, a writable
root filesystem, EFS volumes without encryption in transit."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from guardlint.checks.ecs.hits import container_hit, subject, task_hit, task_subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import Fields
from guardlint.documents.ecs.model import Container, TaskDefinition, task_definition
from guardlint.documents.ecs.recognize import DOCKERRUN_V1
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.host_path import (
    comparable_host_path,
    comparable_host_paths,
    holds_host_path,
    is_absolute_host_path,
)

_ONE_LOWER = {Severity.HIGH: Severity.MEDIUM}
# How far volumesFrom is followed: far above ECS's 10 containers a task, and a bound on the
# recursion for hostile input.
_MAX_VOLUMES_FROM_DEPTH = 32


def _normalized(path: str) -> str | None:
    """An absolute host path without `.`, `..`, doubled or trailing slashes (a Windows drive
    path in lower case, a named pipe as Windows compares it); None otherwise."""
    text = path.strip()
    return comparable_host_path(text) if is_absolute_host_path(text) else None


def _option(rule: Rule, name: str) -> frozenset[str]:
    return comparable_host_paths(tuple(str(path) for path in rule.options[name]))


def _under(path: str, trees: frozenset[str]) -> bool:
    return any(path == tree or path.startswith(tree.rstrip("/") + "/") for tree in trees)


def host_path_severity(path: str, rule: Rule) -> Severity | None:
    """How bad mounting this host path is, by the rule's options; None for other paths."""
    normal = _normalized(path)
    if normal is None:
        return None
    if (
        normal in _option(rule, "runtime_directories")
        or normal in _option(rule, "runtime_pipes")
        or posixpath.basename(normal) in rule.options["runtime_sockets"]
        or _under(normal, _option(rule, "runtime_trees"))
    ):
        return Severity.CRITICAL
    sensitive = comparable_host_paths(
        tuple(str(path) for name in _SENSITIVE for path in rule.options[name])
    )
    if (
        normal in _option(rule, "sensitive_exact")
        or _under(normal, _option(rule, "sensitive_trees"))
        or holds_host_path(normal, sensitive)
    ):
        return Severity.HIGH
    return None


# The sensitive paths' options: a directory above one (/var and /var/lib hold /var/lib/docker
# and /var/lib/ecs) exposes what it holds.
_SENSITIVE = ("sensitive_exact", "sensitive_trees")


class _Mount(NamedTuple):
    """A volume a container mounts: by its own mountPoints, or taken from another container
    (`volumesFrom`: `source` names it, `region` is where)."""

    volume: str
    read_only: bool
    source: str | None = None
    region: Region | None = None


def _read_only(entry: Fields) -> bool:
    return "readOnly" in entry and not entry.false_or_missing("readOnly")


def _all_mounts(task: TaskDefinition) -> dict[int, list[_Mount]]:
    """Each container's mounts (by id), volumesFrom followed to any depth. A volume taken
    from another container keeps its mount's mode unless the volumesFrom entry asks for
    read-only (Docker's `--volumes-from name:ro`), from a container of the same list (the
    lists a template's Fn::If chooses between are different tasks)."""
    by_name: dict[tuple[int, str], list[Container]] = {}
    for container in task.containers:
        by_name.setdefault((container.group, container.name), []).append(container)
    done: dict[int, list[_Mount]] = {}

    def mounts(container: Container, pending: set[int]) -> list[_Mount]:
        if id(container) in done:
            return done[id(container)]
        pending.add(id(container))
        found = {}
        for _, mount, _ in container.fields.items("mountPoints"):
            for name in mount.strings("sourceVolume"):
                found.setdefault((name, _read_only(mount), None), _Mount(name, _read_only(mount)))
        for _, taken, _ in container.fields.items("volumesFrom"):
            for source_name in taken.strings("sourceContainer"):
                for source in by_name.get((container.group, source_name.strip()), []):
                    if id(source) in pending or len(pending) > _MAX_VOLUMES_FROM_DEPTH:
                        continue  # a loop, which ECS rejects, or a chain no task has
                    for inherited in mounts(source, pending):
                        read_only = inherited.read_only or _read_only(taken)
                        key = (inherited.volume, read_only, source.name)
                        region = taken.key_region("sourceContainer")
                        found.setdefault(key, _Mount(key[0], read_only, source.name, region))
        pending.discard(id(container))
        done[id(container)] = list(found.values())
        return done[id(container)]

    return {id(c): mounts(c, set()) for c in task.containers}


@check("ECS006")
def host_path_mount(document: Document, rule: Rule) -> Iterator[Hit]:
    """Host volumes (`host.sourcePath`, Dockerrun v1 HostDirectory) that a container mounts,
    itself or through volumesFrom, graded by the path (rule options), one level lower when
    every mount of the volume is read-only (runtime sockets excepted); and every
    `linuxParameters.devices` entry."""
    task = task_definition(document)
    mounts = _all_mounts(task)
    read_only_volumes: dict[str, bool] = {}  # volume -> every mount of it is read-only
    for own in mounts.values():
        for mount in own:
            read_only_volumes[mount.volume] = (
                read_only_volumes.get(mount.volume, True) and mount.read_only
            )
    for container in task.containers:
        # By place: the paths each deployment gives one sourcePath (Fn::If) are one finding.
        places: dict[tuple[str, Region], list[tuple[Severity, _Mount, str]]] = {}
        reported = set()
        for mount, host, path in _host_paths(task, mounts[id(container)]):
            severity = host_path_severity(path, rule)
            if severity is None or (mount.volume, path) in reported:
                continue
            reported.add((mount.volume, path))
            place = (mount.volume, mount.region or host.key_region("sourcePath"))
            places.setdefault(place, []).append((severity, mount, path.strip()))
        for (volume, region), paths in places.items():
            yield _host_path_hit(task, container, paths, region, read_only_volumes[volume])
        yield from _devices(task, container)


def _host_path_hit(
    task: TaskDefinition,
    container: Container,
    paths: list[tuple[Severity, _Mount, str]],
    region: Region,
    read_only: bool,
) -> Hit:
    """The finding on the host paths one sourcePath may name, graded by the gravest."""
    severity, mount, path = max(paths, key=lambda found: found[0])
    if read_only:
        severity = _ONE_LOWER.get(severity, severity)
    access = "read-only" if read_only else "writable"
    taken = f" from container {mount.source}" if mount.source else ""
    others = [other for _, _, other in paths if other != path]
    also = f" Another deployment mounts {', '.join(others)} there." if others else ""
    return container_hit(
        task,
        container,
        f"{subject(task, container)} mounts the host path {path} "
        f"(volume {mount.volume}{taken}, {access}): "
        + (
            "the container runtime's API or sockets, root on the host "
            "whether mounted read-only or not."
            if severity is Severity.CRITICAL
            else "it exposes the host's own files to the container."
        )
        + also,
        region,
        severity=severity,
        hostPath=path,
        readOnly=read_only,
    )


def _host_paths(task: TaskDefinition, mounts: list[_Mount]) -> Iterator[tuple[_Mount, Fields, str]]:
    """(mount, its volume's `host` map, a sourcePath) of each host volume a container mounts."""
    for mount in mounts:
        for volume in task.volume_named(mount.volume):
            for host in volume.fields.maps("host"):
                for path in host.strings("sourcePath"):
                    yield mount, host, path


def _devices(task: TaskDefinition, container: Container) -> Iterator[Hit]:
    for linux in container.fields.maps("linuxParameters"):
        for _, device, region in linux.items("devices"):
            host_path = (device.text("hostPath") or "").strip()
            given = f"the host device {host_path}" if host_path else "a host device"
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} is given {given}: it reads "
                "and writes the hardware directly, beside the host's kernel.",
                device.key_region("hostPath") if "hostPath" in device else region,
                severity=Severity.HIGH,
                device=host_path or "a host device",
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
