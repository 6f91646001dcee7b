"""Compose check of references between services."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import Service, is_override_file, services
from guardlint.documents.compose_include import Unread, included_service_names
from guardlint.documents.compose_project import override_services
from guardlint.documents.dependencies import note_unread
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import region_of
from guardlint.parse.scalars import truth


@check("CMP015")
def undefined_dependency(document: Document, rule: Rule) -> Iterator[Hit]:
    """A service named by depends_on, links, volumes_from, `service:` modes or extends that
    the file does not define, nor the override file Compose merges into it, nor the files it
    `include:`s (override files are not judged; nor are the references of a project that
    includes what cannot be read here, which a GL001 note at the include entry names)."""
    defined = document.data.get("services")
    if not isinstance(defined, dict) or not _is_complete_project(document, defined):
        return
    include = document.data.get("include")
    included = (
        included_service_names(document.source, include)
        if "include" in document.data
        else frozenset[str]()
    )
    overrides = override_services(document)  # defined there too: Compose merges it in
    unknown = [
        (service, reference)
        for service in services(document)
        for reference in _service_references(service)
        if reference[0] not in defined and reference[0] not in overrides
    ]
    if isinstance(included, Unread):
        # The project defines what cannot be read here: none of these is judged, and the
        # scan says so.
        _note_unjudged(document, include, included, [target for _, (target, _, _) in unknown])
        return
    for service, (target, region, via) in unknown:
        if target not in included:
            yield Hit(
                message=f"Service {service.name} refers to service {target} in {via}, "
                "which this file does not define: Compose refuses to start the project.",
                region=region,
                resource=service.resource,
                properties={"missingService": target, "via": via},
            )


def _note_unjudged(document: Document, include: object, unread: Unread, targets: list[str]) -> None:
    """A GL001 note at the include entry that could not be read, naming the services CMP015
    could not find defined (none: nothing was left unjudged, no note)."""
    if not targets:
        return
    names = list(dict.fromkeys(targets))
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    where = region_of(include, unread.entry) if unread.entry is not None else None
    where = where or region_of(document.data, "include") or Region(1)
    note_unread(
        document,
        where,
        f"CMP015 (undefined-dependency) could not judge whether {shown} "
        f"{'is' if len(names) == 1 else 'are'} defined: the services this `include:` entry "
        f"copies are not known here ({unread.reason})",
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
