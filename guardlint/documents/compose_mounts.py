"""Compose's host mounts: the host paths a service's volumes bind (short and long syntax, named
volumes the local driver binds to a host path, Windows pipes) and the files of the secrets and
configs it is granted, and the host devices it maps, read from the model of
guardlint.documents.compose."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.compose import Service, scalar_text
from guardlint.model import Document, Region
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

    @property
    def path(self) -> str:
        """The host path, normalised (`/var/lib/../run/` is `/var/run`; a Windows pipe in
        lower case)."""
        return normalize_host_path(self.source)


def host_mounts(document: Document, service: Service) -> Iterator[HostMount]:
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
    yield from _granted_files(document, service)


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
