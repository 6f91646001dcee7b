"""Compose checks of the hardening a service the file defines completely lacks: a memory limit
and a read-only root filesystem."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.compose import Service, is_complete, services
from guardlint.model import Document, Hit, Region, Rule
from guardlint.parse.located import region_of
from guardlint.parse.scalars import truth


@check("CMP011")
def no_resource_limits(document: Document, rule: Rule) -> Iterator[Hit]:
    """A complete service whose `mem_limit` and `deploy.resources.limits.memory` both limit
    nothing (missing, empty, zero in any unit, negative); at the first of them written, else at
    the service's name."""
    for service in services(document):
        if not is_complete(document, service):
            continue
        limits = _memory_limits(service)
        if all(_limits_nothing(value) for value, _ in limits):
            written = [region for _, region in limits if region is not None]
            yield Hit(
                message=f"Service {service.name} has no memory limit: a leak or an attack can "
                "exhaust the host's memory and take down every other service on it.",
                region=written[0] if written else service.name_region,
                resource=service.resource,
            )


@check("CMP012")
def writable_root_filesystem(document: Document, rule: Rule) -> Iterator[Hit]:
    """A complete service without `read_only: true` (Compose also reads the string "true"); at
    its `read_only` line when written, else at the service's name."""
    for service in services(document):
        if not is_complete(document, service) or truth(service.get("read_only")) is True:
            continue
        yield Hit(
            message=f"Service {service.name} does not set read_only: true, so an attacker in the "
            "container can modify its files and drop tools into it.",
            region=service.key_region("read_only")
            if "read_only" in service
            else service.name_region,
            resource=service.resource,
        )


def _memory_limits(service: Service) -> list[tuple[Any, Region | None]]:
    """`mem_limit` and `deploy.resources.limits.memory`, each with where it is written (None:
    not written)."""
    found: list[tuple[Any, Region | None]] = []
    if "mem_limit" in service:
        found.append((service.get("mem_limit"), service.key_region("mem_limit")))
    deploy = service.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    limits = resources.get("limits") if isinstance(resources, dict) else None
    if isinstance(limits, dict) and "memory" in limits:
        region = region_of(limits, "memory")
        found.append((limits["memory"], service.located(region) if region else None))
    return found


def _limits_nothing(value: Any) -> bool:
    """Whether a memory limit limits nothing: empty, negative (Docker refuses it) or zero in
    any unit (`0`, `0m`, `0.0g`, `"0b"`: Docker's "no limit")."""
    text = "" if value is None else str(value).strip()
    number = text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").rstrip()
    return not text or text.startswith("-") or (number != "" and not number.strip("0."))
