"""Kubernetes checks on what a pod takes from its node: host paths and host ports (host
namespaces are the declarative K8S004-K8S006).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.kubernetes.hits import container_hit, where
from guardlint.checks.kubernetes.values import as_int, option_strings
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import containers, mapping, pod_specs, sequence
from guardlint.model import Document, Hit, Rule, Severity


def _normalized_path(path: str) -> str:
    path = re.sub(r"/+", "/", path.strip())
    return path.rstrip("/") or "/"


def _sensitive_host_path(path: str, rule: Rule) -> bool:
    path = _normalized_path(path)
    if path in {_normalized_path(p) for p in option_strings(rule, "critical_paths")}:
        return True
    if any(path.startswith(prefix) for prefix in option_strings(rule, "critical_prefixes")):
        return True
    return any(path.endswith("/" + name) for name in option_strings(rule, "runtime_sockets"))


@check("K8S007")
def host_path(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S007: hostPath volumes; critical for runtime sockets and sensitive host paths."""
    for pod in pod_specs(document):
        for volume in sequence(pod.spec.get("volumes")):
            source = mapping(mapping(volume).get("hostPath"))
            if not source:
                continue
            name = str(volume.get("name", "?"))
            path = str(source.get("path", ""))
            users = [
                c.name
                for c in pod.containers()
                if any(mapping(m).get("name") == name for m in sequence(c.data.get("volumeMounts")))
            ]
            sensitive = _sensitive_host_path(path, rule)
            used_by = f" (mounted by {', '.join(users)})" if users else ""
            why = (
                "a container runtime socket or sensitive host directory: mounting it hands over "
                "the node"
                if sensitive
                else "the pod can read or change files on the node and survives on it"
            )
            yield Hit(
                message=f"{pod.resource} mounts host path {path} as volume {name}{used_by}; {why}.",
                region=pod.region_of(source, "path") if "path" in source else pod.region_of(volume),
                resource=f"{pod.resource} volume {name}",
                severity=Severity.CRITICAL if sensitive else None,
                properties={"hostPath": path, "containers": users},
            )


@check("K8S019")
def host_port(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S019: a container port bound to a host port."""
    for container in containers(document):
        for port in sequence(container.data.get("ports")):
            number = as_int(mapping(port).get("hostPort"))
            if number:
                yield container_hit(
                    container,
                    f"{where(container)} binds host port {number}, exposing it on the node's "
                    "address and limiting where the pod can be scheduled.",
                    container.region_of(port, "hostPort"),
                    hostPort=number,
                )
