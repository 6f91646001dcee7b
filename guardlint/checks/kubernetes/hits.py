"""How Kubernetes checks name and point at a container in their findings."""

from __future__ import annotations

from typing import Any

from guardlint.documents.kubernetes import Container, Setting
from guardlint.model.documents import Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Severity


def where(container: Container) -> str:
    """`Container nginx of Deployment default/api`, the subject of a container's message."""
    label = container.label
    return f"{label[0].upper()}{label[1:]} of {container.pod.resource}"


def setting_region(container: Container, setting: Setting | None) -> Region:
    """The setting's key when there is one, else the container."""
    return container.region_of(setting.holder, setting.key) if setting else container.region


def innermost_region(container: Container, holder: Any, *keys: str) -> Region:
    """The region of the innermost of `keys` (a path of keys from `holder`) the container
    has, else the container's: the closest place to where a missing setting belongs."""
    region = container.region
    for key in keys:
        if not isinstance(holder, dict) or key not in holder:
            break
        region = container.region_of(holder, key)
        holder = holder[key]
    return region


def pod_level(container: Container, setting: Setting) -> str:
    """' (inherited from the pod)' when the container does not set the value itself."""
    return " (inherited from the pod)" if setting.holder is container.pod.security_context else ""


def container_hit(
    container: Container,
    message: str,
    region: Region | None = None,
    severity: Severity | None = None,
    **properties: Any,
) -> Hit:
    """A finding on the container (its region unless told), its name in the properties."""
    return Hit(
        message=message,
        region=region or container.region,
        resource=container.resource,
        severity=severity,
        properties={"container": container.name, **properties},
    )
