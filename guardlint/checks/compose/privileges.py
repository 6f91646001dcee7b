"""Compose checks of what a service is granted beyond a container's defaults: capabilities,
security profiles turned off, host devices."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import entries, scalar_text, services, split_mapping
from guardlint.model import Document, Hit, Rule


@check("CMP002")
def dangerous_capabilities(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each `cap_add` entry (with or without `CAP_`, any case) that the rule's `capabilities`
    option lists."""
    dangerous = {str(c).upper(): str(e) for c, e in rule.options.get("capabilities", {}).items()}
    for service in services(document):
        for _, item, region in entries(service.get("cap_add")):
            capability = str(item).strip().upper().removeprefix("CAP_")
            if capability in dangerous:
                what = "ALL capabilities" if capability == "ALL" else f"CAP_{capability}"
                yield Hit(
                    message=f"Service {service.name} adds {what}, which lets a process in the "
                    f"container {dangerous[capability]}.",
                    region=region or service.region,
                    resource=service.resource,
                    properties={"capability": capability},
                )


@check("CMP010")
def security_profile_disabled(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each `security_opt` entry (`:` or `=`, any case or spacing) that the rule's
    `disabling_options` option lists."""
    disabling = {str(o).lower() for o in rule.options.get("disabling_options", ())}
    for service in services(document):
        for _, item, region in entries(service.get("security_opt")):
            option = re.sub(r"\s+", "", str(item).lower()).replace("=", ":", 1)
            if option in disabling:
                yield Hit(
                    message=f"Service {service.name} sets security_opt {item}, removing a "
                    "kernel confinement layer that contains a compromised process.",
                    region=region or service.region,
                    resource=service.resource,
                    properties={"option": str(item)},
                )


@check("CMP014")
def host_devices(document: Document, rule: Rule) -> Iterator[Hit]:
    """Every `devices` entry (short `HOST:CONTAINER[:PERMISSIONS]` or long syntax)."""
    for service in services(document):
        for _, item, region in entries(service.get("devices")):
            region = region or service.region
            if isinstance(item, dict):
                device = str(item.get("source", ""))
            else:
                device = split_mapping(scalar_text(document, item, region))[0]
            if not device.strip():
                continue
            yield Hit(
                message=f"Service {service.name} maps the host device {device} into the "
                "container, giving it direct access to host hardware outside its isolation.",
                region=region,
                resource=service.resource,
                properties={"device": device},
            )
