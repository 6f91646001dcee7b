"""Compose's host namespaces reached through something other than `host` itself: the host's
network joined as a network (`networks:`), and the namespace of another service that is the
host's (`network_mode: service:NAME`, `pid`, `ipc`), read from the model of
guardlint.documents.compose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.compose import Service
from guardlint.model.documents import Document, Region
from guardlint.parse.located import YamlSeq, region_of
from guardlint.parse.scalars import truth


def host_network_joins(document: Document, service: Service) -> Iterator[tuple[str, Region]]:
    """The networks through which `service` joins the host's network stack, with where the
    service names each: the specification's spelling of host networking is an external
    network whose name is `host` (`hostnet: {external: true, name: host}`), joined under the
    name the file declares it by. A service that names no network (nor a `network_mode`)
    joins `default`: declared as the host's, it is joined at that declaration."""
    declared = document.data.get("networks") if isinstance(document.data, dict) else None
    if not isinstance(declared, dict):
        return
    if "networks" not in service and "network_mode" not in service:
        if _is_host_network("default", declared.get("default")):
            yield "default", region_of(declared, "default") or service.region
        return
    joined = service.get("networks")
    for key, value, _, used in service.entries("networks"):
        name = value if isinstance(joined, YamlSeq) else key
        if isinstance(name, str) and _is_host_network(name, declared.get(name)):
            yield name, used


# Docker resolves the namespace of the container a service joins when it starts; past this
# many services joining each other in turn, the chain is not followed further.
_MAX_JOINED = 8


def host_namespace_via(document: Document, service: Service, key: str) -> str | None:
    """The service whose namespace `service` joins (`network_mode`, `pid` or `ipc` set to
    `service:NAME`, or `container:NAME` for the `container_name` of a service) when that
    namespace is the host's: the service sets the key to `host`, or joins in turn one that
    does; None otherwise."""
    defined = document.data.get("services") if isinstance(document.data, dict) else None
    if not isinstance(defined, dict):
        return None
    value, joined, seen = service.get(key), None, {service.name}
    while isinstance(value, str) and len(seen) <= _MAX_JOINED:
        kind, _, name = value.partition(":")
        if kind == "container":
            name = _container_names(document, defined).get(name.strip(), "")
        elif kind != "service":
            break
        name = name.strip()
        if name in seen or not isinstance(defined.get(name), dict):
            return None
        seen.add(name)
        joined = joined or name
        value = defined[name].get(key)
    return joined if value == "host" else None


def _container_names(document: Document, defined: dict) -> dict[str, str]:
    """The service of each `container_name` of the file (read once per file)."""

    def read() -> dict[str, str]:
        return {
            definition["container_name"]: str(name)
            for name, definition in defined.items()
            if isinstance(definition, dict) and isinstance(definition.get("container_name"), str)
        }

    return document.once("compose_container_names", read)


def _is_host_network(key: str, network: Any) -> bool:
    """Whether the top-level network `key` is the host's: external, and named `host` (by
    `name`, the legacy `external: {name: ...}`, or its key)."""
    network = network if isinstance(network, dict) else {}
    external = network.get("external")
    if isinstance(external, dict):
        name = external.get("name") or network.get("name") or key
    elif truth(external, yaml_1_1=True) is True:
        name = network.get("name") or key
    else:
        return False
    return name == "host"
