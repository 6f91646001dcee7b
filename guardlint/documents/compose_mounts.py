"""Compose's host mounts: the host paths a service's volumes bind (short and long syntax, named
volumes the local driver binds to a host path, Windows pipes), the files of the secrets and
configs it is granted, the engine's socket `use_api_socket` mounts, and the mounts of the
services it shares them from (`volumes_from`), and the host devices it maps, read from the
model of guardlint.documents.compose."""

from __future__ import annotations

import posixpath
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from guardlint.documents.compose import Service, scalar_text, service_named
from guardlint.model.documents import Document, Region
from guardlint.parse.host_path import normalize_host_path
from guardlint.parse.scalars import truth

_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")  # matched where a part starts


def device_source(document: Document, item: Any, region: Region) -> str:
    """The host side of a `devices` entry: `HOST[:CONTAINER[:PERMISSIONS]]` or long syntax."""
    if isinstance(item, dict):
        return str(item.get("source", ""))
    return split_mapping(scalar_text(document, item, region))[0]


@dataclass(frozen=True)
class HostMount:
    """A bind mount of a host path (or a named volume that is one), as Compose would mount it."""

    source: str
    target: str  # where the container sees it
    read_only: bool
    region: Region
    shared_from: str = ""  # the service whose mount `volumes_from` shares, if any

    @cached_property
    def path(self) -> str:
        """The host path, normalised (`/var/lib/../run/` is `/var/run`; a Windows pipe in
        lower case)."""
        return normalize_host_path(self.source)


# Document.meta keys: each service's host mounts, and its own (those `volumes_from` shares), by
# name: read once per file, by every rule and however many services share them.
_HOST_MOUNTS = "compose_host_mounts"
_OWN_MOUNTS = "compose_own_host_mounts"


def host_mounts(document: Document, service: Service) -> tuple[HostMount, ...]:
    """The service's host mounts: its volumes', its granted secrets' and configs' files, the
    engine's socket it asks for, then those of the services it mounts the volumes of
    (`volumes_from`)."""
    known: dict[str, tuple[HostMount, ...]] = document.once(_HOST_MOUNTS, dict)
    if service.name not in known:
        own = _own_mounts(document, service)
        shared = _shared_mounts(document, service, own) if "volumes_from" in service else ()
        known[service.name] = (*own, *shared)
    return known[service.name]


def _own_mounts(document: Document, service: Service) -> tuple[HostMount, ...]:
    known: dict[str, tuple[HostMount, ...]] = document.once(_OWN_MOUNTS, dict)
    if service.name not in known:
        known[service.name] = (
            *_volumes(document, service),
            *_granted_files(document, service),
            *_api_socket(service),
        )
    return known[service.name]


# Where Compose bind-mounts the engine's API socket for `use_api_socket: true`.
_API_SOCKET = "/var/run/docker.sock"


def _api_socket(service: Service) -> Iterator[HostMount]:
    """`use_api_socket: true`: Compose bind-mounts the engine's API socket into the container
    (with the user's registry credentials), as a volume of it would."""
    if truth(service.get("use_api_socket"), yaml_1_1=True) is True:
        yield HostMount(_API_SOCKET, _API_SOCKET, False, service.key_region("use_api_socket"))


def _volumes(document: Document, service: Service) -> Iterator[HostMount]:
    named = document.data.get("volumes") if isinstance(document.data, dict) else None
    for _, volume, region, used in service.entries("volumes"):
        if isinstance(volume, dict):
            mount = _long_volume(volume, named)
            target = volume.get("target")
        else:
            text = scalar_text(document, volume, region)
            mount = _short_volume(text, named)
            target = split_mapping(text.strip())[1] if mount else ""
        if mount is not None:
            yield HostMount(mount[0], str(target or ""), mount[1], used)


# Past this many mounts and `volumes_from` entries read along a service's chain, the rest is
# not: a file of many services each sharing the mounts of all the others stays linear.
_MAX_SHARED = 64


def _shared_mounts(
    document: Document, service: Service, own: tuple[HostMount, ...]
) -> Iterator[HostMount]:
    """The host mounts of the services `service` shares the volumes of (`volumes_from:
    [proxy]`, `proxy:ro`): Docker mounts every mount of the other container, bind mounts too,
    at the same container path, read-only when the entry says `ro`, and with them those it
    shares in turn. Each at the entry that brings it, once; one the service mounts itself (the
    same host path, or the same container path, where its own mount wins) is not brought."""
    chain: deque[tuple[str, bool, Region]] = deque()
    for _, entry, _, used in service.entries("volumes_from"):
        shared = _shared_service(entry)
        if shared is not None:
            chain.append((*shared, used))
    visited = {service.name}
    paths = {mount.path for mount in own}
    targets = {mount.target for mount in own}
    budget = _MAX_SHARED
    while chain and budget > 0:
        name, read_only, used = chain.popleft()
        source = service_named(document, name) if name not in visited else None
        visited.add(name)
        if source is None:
            continue
        for mount in _own_mounts(document, source)[:budget]:
            budget -= 1
            if mount.path not in paths and mount.target not in targets:
                paths.add(mount.path)
                targets.add(mount.target)
                read_only_here = mount.read_only or read_only
                yield HostMount(mount.source, mount.target, read_only_here, used, name)
        further = source.get("volumes_from")
        for entry in further[:budget] if isinstance(further, list) else ():
            budget -= 1
            shared = _shared_service(entry)
            if shared is not None:
                chain.append((shared[0], shared[1] or read_only, used))


def _shared_service(entry: Any) -> tuple[str, bool] | None:
    """The service a `volumes_from` entry names (`SERVICE[:MODE]`) and whether its mode makes
    the mounts read-only; None for a container (`container:NAME[:MODE]`), no service here."""
    if not isinstance(entry, str) or entry.strip().startswith("container:"):
        return None
    name, _, mode = entry.strip().partition(":")
    return name, "ro" in mode.split(",")


# Where a secret or config is mounted in the container when its `target` does not say.
_DEFAULT_TARGET_DIRECTORIES = {"secrets": "/run/secrets", "configs": "/"}


def _granted_files(document: Document, service: Service) -> Iterator[HostMount]:
    """The host files of the secrets and configs granted to the service (short syntax, a name;
    long, `source` and `target`) that the file declares with `file:`: outside Swarm, Compose
    bind-mounts each, read-only (at /run/secrets/NAME, or /NAME for a config)."""
    for key, directory in _DEFAULT_TARGET_DIRECTORIES.items():
        declared = document.data.get(key) if isinstance(document.data, dict) else None
        if not isinstance(declared, dict):
            continue
        for _, item, _, used in service.entries(key):
            grant = item if isinstance(item, dict) else {"source": item}
            name = grant.get("source")
            definition = declared.get(name) if isinstance(name, str) else None
            source = definition.get("file") if isinstance(definition, dict) else None
            if isinstance(source, str) and source.strip():
                target = posixpath.join(directory, str(grant.get("target") or name))
                yield HostMount(source.strip(), target, True, used)


def _short_volume(text: str, named: Any) -> tuple[str, bool] | None:
    """`SOURCE:TARGET[:MODE]` (Windows drive letters allowed); a bare path is an anonymous
    volume, and a source that is not a path names a volume."""
    parts = split_mapping(text.strip())
    if len(parts) < 2:
        return None
    source = parts[0]
    read_only = len(parts) > 2 and "ro" in parts[2].split(",")
    if _is_host_path(source):
        return source, read_only
    return _named_volume_bind(named, source, read_only)


def split_mapping(text: str) -> list[str]:
    """The colon-separated parts of a volume or device mapping; a Windows drive letter's colon
    (`C:\\data`) does not separate. One pass: each part is cut from the text where it starts."""
    parts: list[str] = []
    start = 0
    while True:
        skip = 2 if _WINDOWS_DRIVE.match(text, start) else 0
        colon = text.find(":", start + skip)
        if colon < 0:
            return [*parts, text[start:]]
        parts.append(text[start:colon])
        start = colon + 1


def _long_volume(volume: dict, named: Any) -> tuple[str, bool] | None:
    source = volume.get("source")
    if not isinstance(source, str) or not source:
        return None
    read_only = truth(volume.get("read_only", False), yaml_1_1=True) is True
    kind = str(volume.get("type", "bind" if _is_host_path(source) else "volume"))
    if kind in ("bind", "npipe"):
        return source, read_only
    if kind == "volume":
        return _named_volume_bind(named, source, read_only)
    return None


def _is_host_path(source: str) -> bool:
    return source.startswith(("/", ".", "~", "\\\\", "${")) or bool(_WINDOWS_DRIVE.match(source))


def _named_volume_bind(named: Any, name: str, read_only: bool) -> tuple[str, bool] | None:
    """The host path a named volume binds, and whether the mount is read-only: the local
    driver mounts `device` with the mount(8) options of `o`, so `bind` or `rbind` (recursive)
    there makes it a host bind mount, and `ro` makes it read-only whatever the service says."""
    if not isinstance(named, dict) or not isinstance(named.get(name), dict):
        return None
    options = named[name].get("driver_opts")
    if not isinstance(options, dict):
        return None
    mount_options = str(options.get("o", "")).split(",")
    device = options.get("device")
    if not isinstance(device, str) or not {"bind", "rbind"}.intersection(mount_options):
        return None
    return device, read_only or "ro" in mount_options
