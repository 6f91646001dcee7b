"""Compose check of a service, or a command Compose runs in it, that runs privileged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.compose import lifecycle_hooks, services
from guardlint.model import Document, Hit, Rule

# What compose-go casts to true for a boolean (any case; y, yes and on with a warning).
_TRUE = frozenset({"true", "yes", "on", "y"})


def _is_true(value: Any) -> bool:
    return value is not None and str(value).lower() in _TRUE


@check("CMP001")
def privileged(document: Document, rule: Rule) -> Iterator[Hit]:
    """A service with `privileged: true` (at that line, or the `<<` line of the merge key that
    brings it), and each lifecycle hook whose command runs privileged, at the hook's line."""
    for service in services(document):
        if _is_true(service.get("privileged")):
            yield Hit(
                message=f"Service {service.name} runs privileged: it has every capability and "
                "every host device, so a compromise of the container is a compromise of the host.",
                region=service.key_region("privileged"),
                resource=service.resource,
            )
        for kind, hook in lifecycle_hooks(service):
            if _is_true(hook.get("privileged")):
                yield Hit(
                    message=f"Service {service.name} runs its {kind} hook privileged: the hook's "
                    "command has every capability, enough to load a kernel module or mount the "
                    "host's disks.",
                    region=service.located(hook.key_region("privileged")),
                    resource=service.resource,
                    properties={"hook": kind},
                )
