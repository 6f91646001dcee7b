"""A host path as the node or Docker host resolves it, for comparing mounts with sensitive
paths: the Compose pack's bind mounts and the Kubernetes pack's hostPath volumes alike."""

from __future__ import annotations

import posixpath
import re

# A Windows named pipe, which Docker's Windows mount parser reads with `/` for any `\\`
# (`//./pipe/docker_engine` is `\\.\pipe\docker_engine`).
_NAMED_PIPE = re.compile(r"[/\\]{2}[.?][/\\]pipe[/\\]", re.IGNORECASE)


def normalize_host_path(source: str) -> str:
    """Repeated slashes, `.` and `..` components folded and no trailing slash
    (`//var/log/../../etc/` is /etc: POSIX lets a leading `//` mean something else, Linux
    does not); backslashes read as slashes (`C:\\data`), and a Windows named pipe
    (`\\\\.\\pipe\\docker_engine`, `//./pipe/docker_engine`) with backslashes in lower case, as
    Windows compares it."""
    if _NAMED_PIPE.match(source):
        return source.replace("/", "\\").lower()
    if source.startswith("\\\\"):
        return source.lower()
    return posixpath.normpath(re.sub(r"^/+", "/", source.replace("\\", "/")))
