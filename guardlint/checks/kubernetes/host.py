"""Kubernetes checks on what a pod takes from its node: host paths and host ports (host
namespaces are the declarative K8S004-K8S006).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.kubernetes.hits import container_hit, where
from guardlint.checks.kubernetes.values import meta, option_strings
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import (
    PodSpec,
    containers,
    flag,
    mapping,
    pod_specs,
    sequence,
)
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.host_path import (
    comparable_host_path,
    comparable_host_paths,
    holds_host_path,
)
from guardlint.parse.located import region_of
from guardlint.parse.scalars import whole_number


def _normalized_path(path: str) -> str:
    """The path the node resolves (`/var/log/../../etc` is /etc; an empty path is /); a
    Windows node's drive path (`C:\\var\\lib\\kubelet`) in lower case, as Windows compares
    file names in any case."""
    return comparable_host_path(path.strip() or "/")


def _listed(path: str, rule: Rule, option: str) -> bool:
    """Whether the node resolves `path` to one of the paths the rule option lists."""
    return _normalized_path(path) in comparable_host_paths(option_strings(rule, option))


def _sensitive_host_path(path: str, rule: Rule) -> bool:
    """A runtime socket, a critical path, one under a critical prefix, or a directory that
    holds one of those (/var and /var/lib hold /var/lib/kubelet and /var/lib/etcd)."""
    if _listed(path, rule, "critical_paths"):
        return True
    path = _normalized_path(path)
    critical = (*option_strings(rule, "critical_paths"), *option_strings(rule, "critical_prefixes"))
    if holds_host_path(path, comparable_host_paths(critical)):
        return True
    prefixes = comparable_host_paths(option_strings(rule, "critical_prefixes"))
    if any(path.startswith(prefix + "/") for prefix in prefixes):
        return True
    return any(path.endswith("/" + name) for name in option_strings(rule, "runtime_sockets"))


# A last path component with a file extension (`ca-bundle.crt`, `resolv.conf`); `conf.d` and
# versioned directories (`app-1.2`) are directories.
_FILE_NAME = re.compile(r"[^/]\.(?!d$)[A-Za-z][A-Za-z0-9]{0,7}$")


def _single_file(source: dict, rule: Rule) -> bool:
    """Whether a hostPath names one file: its type says so, or (no type) its path is a known
    node file or ends in a file name with an extension (`ca-certificates.crt`)."""
    kind = str(source.get("type") or "")
    if kind in ("File", "FileOrCreate"):
        return True
    if kind:
        return False
    path = _normalized_path(str(source.get("path", "")))
    if path in {_normalized_path(p) for p in option_strings(rule, "host_files")}:
        return True
    return bool(_FILE_NAME.search(path))


@check("K8S007")
def host_path(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S007: hostPath volumes; critical for runtime sockets and sensitive host paths, low
    for one file every container mounts read-only."""
    # Pods that share one list of volumes (an Argo workflow's, under its templates' pods) are
    # judged together, and a volume in several lists (the workflow's, in a template's with
    # its own) once, with the mounts of all their containers.
    by_list: dict[int, tuple[list, list[PodSpec]]] = {}
    for each in pod_specs(document):
        volumes = each.spec.get("volumes")
        by_list.setdefault(id(volumes), (sequence(volumes), []))[1].append(each)
    sharing: dict[int, tuple[dict, list[int]]] = {}
    others: set[int] = set()  # the volumes of no host path, each judged once too
    for list_id, (volumes, _) in by_list.items():
        for volume in volumes:
            shared = sharing.get(id(volume))
            if shared is None:
                if id(volume) in others or not mapping(volume).get("hostPath"):
                    others.add(id(volume))
                    continue
                shared = sharing[id(volume)] = (volume, [])
            lists = shared[1]
            if not lists or lists[-1] != list_id:
                lists.append(list_id)
    mounts = _Mounts({list_id: pods for list_id, (_, pods) in by_list.items()})
    for volume, lists in sharing.values():
        pod = by_list[lists[0]][1][0]
        source = mapping(volume["hostPath"])
        name = str(volume.get("name", "?"))
        path = str(source.get("path", ""))
        users, read_only = mounts.of(name, lists)
        severity, why = _host_path_risk(source, path, read_only, rule)
        used_by = f" (mounted by {', '.join(users)})" if users else ""
        yield Hit(
            message=f"{pod.resource} mounts host path {path} as volume {name}{used_by}; {why}.",
            region=pod.region_of(source, "path") if "path" in source else pod.region_of(volume),
            resource=f"{pod.resource} volume {name}",
            severity=severity,
            properties={"hostPath": path, "containers": users, "readOnly": read_only},
        )
    yield from _sensitive_persistent_volume(document, rule)


def _sensitive_persistent_volume(document: Document, rule: Rule) -> Iterator[Hit]:
    """A PersistentVolume of a sensitive host path, as a `hostPath` or a `local` volume (a
    node's directory as well): every pod whose claim binds it mounts that path, though no
    pod names a hostPath. (An ordinary path is how local storage is provisioned, and is left
    alone.)"""
    if meta(document, "kind") != "PersistentVolume" or not isinstance(document.data, dict):
        return
    spec = mapping(document.data.get("spec"))
    for kind, what in (("hostPath", "the host path"), ("local", "a local volume of host path")):
        source = mapping(spec.get(kind))
        path = str(source.get("path", ""))
        if not source or not _sensitive_host_path(path, rule):
            continue
        resource = meta(document, "resource")
        yield Hit(
            message=f"{resource} is {what} {path}: any pod whose claim binds it "
            "mounts a container runtime socket or sensitive host directory, which hands over "
            "the node.",
            region=region_of(source, "path") or region_of(document.data) or Region(1),
            resource=resource,
            severity=Severity.CRITICAL,
            properties={"hostPath": path, "containers": [], "readOnly": False},
        )


class _Mounts:
    """Who mounts a volume of a name in the pods of some volume lists, and whether every
    mount is read-only: each list's pods read once, each (name, lists) judged once."""

    def __init__(self, pods: dict[int, list[PodSpec]]) -> None:
        self._pods = pods
        self._by_list: dict[int, dict[str, tuple[list[str], list[dict]]]] = {}
        self._judged: dict[tuple, tuple[list[str], bool]] = {}

    def of(self, name: str, lists: list[int]) -> tuple[list[str], bool]:
        """(the containers that mount volume `name` in the pods of `lists`, whether all
        their mounts are read-only; false when none mounts it)."""
        key = (name, *lists)
        if key not in self._judged:
            users: list[str] = []
            mounts: list[dict] = []
            for list_id in lists:
                found = self._by_list.get(list_id)
                if found is None:
                    found = self._by_list[list_id] = _mounts_by_volume(self._pods[list_id])
                list_users, list_mounts = found.get(name, ([], []))
                users += list_users
                mounts += list_mounts
            read_only = bool(mounts) and all(flag(m.get("readOnly")) is True for m in mounts)
            self._judged[key] = (users, read_only)
        return self._judged[key]


def _mounts_by_volume(pods: list[PodSpec]) -> dict[str, tuple[list[str], list[dict]]]:
    """Volume name -> (the containers that mount it, their mounts of it), found in one pass
    over the pods' containers (a workflow's templates')."""
    found: dict[str, tuple[list[str], list[dict]]] = {}
    for container in (container for pod in pods for container in pod.containers()):
        mounted_here: set[str] = set()
        for mount in sequence(container.data.get("volumeMounts")):
            name = mount.get("name") if isinstance(mount, dict) else None
            if isinstance(name, str):
                users, mounts = found.setdefault(name, ([], []))
                if name not in mounted_here:
                    mounted_here.add(name)
                    users.append(container.name)
                mounts.append(mount)
    return found


def _host_path_risk(
    source: dict, path: str, read_only: bool, rule: Rule
) -> tuple[Severity | None, str]:
    """(severity, None for the rule's, and why) of a hostPath volume."""
    if _sensitive_host_path(path, rule):
        return Severity.CRITICAL, (
            "a container runtime socket or sensitive host directory: mounting it hands over "
            "the node"
        )
    if not read_only and _listed(path, rule, "writable_critical_paths"):
        return Severity.CRITICAL, (
            "the node's programs or libraries, writable: one the pod replaces runs as root on "
            "the node"
        )
    if read_only and _single_file(source, rule):
        return Severity.LOW, (
            "every container mounts it read-only, so the pod can read that one node file but "
            "not change it, and it ties the pod to what the node holds there"
        )
    if read_only:
        return None, "the pod can read files on the node (read-only) and is tied to it"
    return None, "the pod can read or change files on the node and survives on it"


@check("K8S019")
def host_port(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S019: a container port bound to a host port."""
    for container in containers(document):
        for port in sequence(container.data.get("ports")):
            number = whole_number(mapping(port).get("hostPort"))
            if number:
                yield container_hit(
                    container,
                    f"{where(container)} binds host port {number}, exposing it on the node's "
                    "address and limiting where the pod can be scheduled.",
                    container.region_of(port, "hostPort"),
                    hostPort=number,
                )
