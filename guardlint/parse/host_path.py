"""A host path as the node or Docker host resolves it, for comparing mounts with sensitive
paths: the Compose pack's bind mounts and the Kubernetes pack's hostPath volumes alike."""

from __future__ import annotations

import functools
import posixpath
import re

# A Windows named pipe, which Docker's Windows mount parser reads with `/` for any `\\`
# (`//./pipe/docker_engine` is `\\.\pipe\docker_engine`).
_NAMED_PIPE = re.compile(r"[/\\]{2}[.?][/\\]pipe[/\\]", re.IGNORECASE)
# A path on a Windows drive: its letter, then its root (`C:\\`, `c:/`) or nothing (`C:`).
_DRIVE = re.compile(r"[A-Za-z]:(?:[/\\]|\Z)")


def normalize_host_path(source: str) -> str:
    """Repeated slashes, `.` and `..` components folded and no trailing slash
    (`//var/log/../../etc/` is /etc: POSIX lets a leading `//` mean something else, Linux
    does not); backslashes read as slashes (`C:\\data`), a drive's root kept (`C:/`, where `..`
    stops), and a Windows named pipe (`\\\\.\\pipe\\docker_engine`, `//./pipe/docker_engine`)
    with backslashes in lower case, as Windows compares it."""
    if _NAMED_PIPE.match(source):  # a trailing separator dropped (`//./pipe/docker_engine/`)
        return source.replace("/", "\\").lower().rstrip("\\")
    if source.startswith("\\\\"):
        return source.lower()
    if _DRIVE.match(source):  # `C:\\Windows\\..\\..` is `C:/`: `..` stops at the drive's root
        return source[:2] + posixpath.normpath("/" + source[2:].replace("\\", "/").lstrip("/"))
    return posixpath.normpath(re.sub(r"^/+", "/", source.replace("\\", "/")))


def is_absolute_host_path(source: str) -> bool:
    """Whether a host path names one place whatever the working directory: a Linux path from
    `/`, a Windows drive path (`C:\\data`) or a named pipe (`\\\\.\\pipe\\docker_engine`)."""
    return source.startswith(("/", "\\\\")) or bool(_DRIVE.match(source))


def comparable_host_path(source: str) -> str:
    """The host path normalised, and a Windows drive path (`C:\\ProgramData\\docker`,
    `c:/programdata/Docker`) in lower case, as Windows compares file names in any case: what
    a path is compared by with the sensitive paths a rule lists. A Linux path keeps its case."""
    normalized = normalize_host_path(source)
    return normalized.lower() if _DRIVE.match(normalized) else normalized


@functools.lru_cache(maxsize=32)
def comparable_host_paths(paths: tuple[str, ...]) -> frozenset[str]:
    """A rule option's host paths as comparable_host_path gives them: once per scan, not once
    per mount or volume."""
    return frozenset(comparable_host_path(path) for path in paths)


def holds_host_path(path: str, paths: frozenset[str]) -> bool:
    """Whether the directory `path` is above one of `paths` (all as comparable_host_path gives
    them), so a mount of it holds that path: `/var` and `/var/lib` hold /var/lib/kubelet,
    `c:/programdata` holds `c:/programdata/docker`, `/` and a drive's root everything on them.
    One comparison with each path, never a list of every path's ancestors (a rule option of
    thousands of components would make that quadratic); a named pipe holds nothing."""
    if path.startswith("\\\\"):
        return False
    above = path.rstrip("/") + "/"
    return any(other.startswith(above) and len(other) > len(above) for other in paths)
