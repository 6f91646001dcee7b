"""A host path as the node or Docker host resolves it, for comparing mounts with sensitive
paths: the Compose pack's bind mounts and the Kubernetes pack's hostPath volumes alike."""

from __future__ import annotations

import posixpath
import re


def normalize_host_path(source: str) -> str:
    """Repeated slashes, `.` and `..` components folded and no trailing slash
    (`//var/log/../../etc/` is /etc: POSIX lets a leading `//` mean something else, Linux
    does not); backslashes read as slashes (`C:\\data`), and a Windows named pipe
    (`\\\\.\\pipe\\docker_engine`) in lower case, as Windows compares it."""
    if source.startswith("\\\\"):
        return source.lower()
    return posixpath.normpath(re.sub(r"^/+", "/", source.replace("\\", "/")))
