"""Compose checks of the hardening a service the file defines completely lacks: a memory limit
and a read-only root filesystem, judged with what Compose's override file beside a base file
gives the service (guardlint.documents.compose_project)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.compose import is_complete, services
from guardlint.documents.compose_project import override_services
from guardlint.knowledge.windows_images import is_windows_image
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import region_of
from guardlint.parse.scalars import truth


@check("CMP011")
def no_resource_limits(document: Document, rule: Rule) -> Iterator[Hit]:
    """A complete service whose `mem_limit` and `deploy.resources.limits.memory` both limit
    nothing (missing, empty, zero in any unit, negative); at the first of them written, else at
    the service's name."""
    overrides = override_services(document)
    for service in services(document):
        if not is_complete(document, service):
            continue
        limits = _memory_limits(service.definition)
        for key, (value, _) in _memory_limits(overrides.get(service.name)).items():
            limits[key] = (value, limits[key][1] if key in limits else None)  # the override's
        if not all(_limits_nothing(value) for value, _ in limits.values()):
            continue
        written = [service.located(where) for _, where in limits.values() if where is not None]
        yield Hit(
            message=f"Service {service.name} has no memory limit: a leak or an attack can "
            "exhaust the host's memory and take down every other service on it.",
            region=written[0] if written else service.name_region,
            resource=service.resource,
        )


@check("CMP012")
def writable_root_filesystem(document: Document, rule: Rule) -> Iterator[Hit]:
    """A complete service without `read_only: true` (or a string Compose reads as true, "yes"); at
    its `read_only` line when written, else at the service's name. Not a Windows container's
    (`platform: windows/...`, or an image that runs only on Windows): Docker refuses a
    read-only root filesystem there."""
    overrides = override_services(document)
    for service in services(document):
        override = overrides.get(service.name, {})
        read_only = override["read_only"] if "read_only" in override else service.get("read_only")
        if not is_complete(document, service) or truth(read_only, yaml_1_1=True) is True:
            continue
        if _windows(service.get("platform"), service.get("image")):
            continue
        yield Hit(
            message=f"Service {service.name} does not set read_only: true, so an attacker in the "
            "container can modify its files and drop tools into it.",
            region=service.key_region("read_only")
            if "read_only" in service
            else service.name_region,
            resource=service.resource,
        )


def _windows(platform: Any, image: Any) -> bool:
    """Whether a service runs a Windows container: its platform is `windows/...`, or its image
    runs only on Windows (`mcr.microsoft.com/windows/servercore:ltsc2022`)."""
    if isinstance(platform, str) and platform.strip().lower().startswith("windows"):
        return True
    return isinstance(image, str) and is_windows_image(image)


def _memory_limits(definition: Any) -> dict[str, tuple[Any, Region | None]]:
    """`mem_limit` and `deploy.resources.limits.memory` of a service's definition, those it
    writes, each with where."""
    if not isinstance(definition, dict):
        return {}
    found: dict[str, tuple[Any, Region | None]] = {}
    if "mem_limit" in definition:
        found["mem_limit"] = (definition["mem_limit"], region_of(definition, "mem_limit"))
    deploy = definition.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    limits = resources.get("limits") if isinstance(resources, dict) else None
    if isinstance(limits, dict) and "memory" in limits:
        found["memory"] = (limits["memory"], region_of(limits, "memory"))
    return found


def _limits_nothing(value: Any) -> bool:
    """Whether a memory limit limits nothing: empty, negative (Docker refuses it) or zero in
    any unit (`0`, `0m`, `0.0g`, `"0b"`: Docker's "no limit")."""
    text = "" if value is None else str(value).strip()
    number = text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").rstrip()
    return not text or text.startswith("-") or (number != "" and not number.strip("0."))
