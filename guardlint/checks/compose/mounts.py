"""Compose checks of host paths a service mounts: the container runtime's socket and
sensitive host directories."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import host_mounts, services
from guardlint.model import Document, Hit, Rule, Severity


@check("CMP005")
def docker_socket_mount(document: Document, rule: Rule) -> Iterator[Hit]:
    """A host mount of a runtime API socket, a directory holding one, or Docker's Windows
    pipe (read-only or not)."""
    sockets = {str(n) for n in rule.options.get("socket_names", ())}
    directories = {str(p) for p in rule.options.get("socket_directories", ())}
    pipes = {str(p).lower() for p in rule.options.get("named_pipes", ())}
    for service in services(document):
        for mount in host_mounts(document, service):
            path = mount.path
            if posixpath.basename(path) in sockets or path in directories or path in pipes:
                access = " (read-only does not limit the API)" if mount.read_only else ""
                yield Hit(
                    message=f"Service {service.name} mounts the container runtime socket "
                    f"{path}{access}: anything in the container can start privileged "
                    "containers and take over the host.",
                    region=mount.region,
                    resource=service.resource,
                    properties={"hostPath": path},
                )


@check("CMP006")
def sensitive_host_mount(document: Document, rule: Rule) -> Iterator[Hit]:
    """A host mount of a sensitive path (the root, /etc, /proc, credential directories, ...);
    read-only ones at medium severity."""
    trees = [str(p) for p in rule.options.get("sensitive_trees", ())]
    exact = {str(p) for p in rule.options.get("sensitive_exact", ())}
    credential_dirs = {str(d) for d in rule.options.get("credential_dirs", ())}
    for service in services(document):
        for mount in host_mounts(document, service):
            path = mount.path
            sensitive = (
                path in exact
                or any(path == tree or path.startswith(tree + "/") for tree in trees)
                or bool(credential_dirs.intersection(path.split("/")))
            )
            if not sensitive:
                continue
            if mount.read_only:
                access, severity = "read-only, which still exposes what it holds", Severity.MEDIUM
            else:
                access, severity = "writable, so the container can change the host", None
            yield Hit(
                message=f"Service {service.name} bind-mounts the sensitive host path {path} "
                f"({access}).",
                region=mount.region,
                resource=service.resource,
                severity=severity,
                properties={"hostPath": path, "readOnly": mount.read_only},
            )
