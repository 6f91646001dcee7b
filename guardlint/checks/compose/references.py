"""Compose check of references between services."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import Service, is_override_file, services
from guardlint.documents.compose_include import included_service_names
from guardlint.documents.compose_project import override_services
from guardlint.model import Document, Hit, Region, Rule
from guardlint.parse.scalars import truth


@check("CMP015")
def undefined_dependency(document: Document, rule: Rule) -> Iterator[Hit]:
    """A service named by depends_on, links, volumes_from, `service:` modes or extends that
    the file does not define, nor the override file Compose merges into it, nor the files it
    `include:`s (override files, and projects including what cannot be read here, are not
    judged)."""
    defined = document.data.get("services")
    if not isinstance(defined, dict) or not _is_complete_project(document, defined):
        return
    included = frozenset[str]()
    if "include" in document.data:
        included = included_service_names(document.source, document.data["include"])
        if included is None:  # the project defines what cannot be read here
            return
    overrides = override_services(document)  # defined there too: Compose merges it in
    for service in services(document):
        for target, region, via in _service_references(service):
            if target not in defined and target not in overrides and target not in included:
                yield Hit(
                    message=f"Service {service.name} refers to service {target} in {via}, "
                    "which this file does not define: Compose refuses to start the project.",
                    region=region,
                    resource=service.resource,
                    properties={"missingService": target, "via": via},
                )


def _is_complete_project(document: Document, defined: dict) -> bool:
    """An override file (Compose's own, or `-f base.yml -f override.yml`) refers to services
    defined elsewhere; a service with neither image, build nor extends shows it."""
    if is_override_file(document):
        return False
    return all(
        isinstance(service, dict) and any(key in service for key in ("image", "build", "extends"))
        for service in defined.values()
    )


def _service_references(service: Service) -> Iterator[tuple[str, Region, str]]:
    depends_on = service.get("depends_on")
    for key, value, _, region in service.entries("depends_on"):
        if isinstance(depends_on, dict):
            # Compose 2.20+: `required: false` tolerates a missing dependency (compose-go casts
            # a string, "false" or "${OPT:-no}", to a boolean as YAML 1.1 words it).
            if isinstance(value, dict) and truth(value.get("required"), yaml_1_1=True) is False:
                continue
            yield str(key), region, "depends_on"
        elif isinstance(value, str):
            yield value, region, "depends_on"
    for key in ("links", "volumes_from"):
        for _, value, _, region in service.entries(key):
            if isinstance(value, str) and not value.startswith("container:"):
                yield value.split(":", 1)[0], region, key
    for key in ("network_mode", "pid", "ipc"):
        value = service.get(key)
        if isinstance(value, str) and value.startswith("service:"):
            yield value.split(":", 1)[1], service.key_region(key), key
    extends = service.get("extends")
    if isinstance(extends, str):
        yield extends, service.key_region("extends"), "extends"
    elif isinstance(extends, dict) and "file" not in extends and "service" in extends:
        yield str(extends["service"]), service.key_region("extends"), "extends"
