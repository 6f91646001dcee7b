"""Docker Compose `extends` within one file: a service that extends another service of the same
file has the settings of that service it does not set itself, as Compose resolves them.

The settings a service inherits are shared with the service it extends (never copied) and
located like the keys a `<<` merge key brings: at the `extends` line of the inheriting service,
so each service's findings point into that service (guardlint.parse.use_sites).
"""

from __future__ import annotations

from typing import Any

from guardlint.parse.located import YamlMap

# References to other services are the extended service's own (Compose never inherited links
# and volumes_from; a dependency is reported where it is written), and `extends` is resolved.
_NOT_INHERITED = frozenset({"extends", "depends_on", "links", "volumes_from"})
# Compose defines fewer than 100 service attributes: past this many keys a service inherits
# nothing more, so a long chain of services with keys of their own stays linear.
MAX_INHERITED_KEYS = 128


def resolve_extends(data: Any) -> Any:
    """`data` (a parsed Compose file) with each service that extends another service of the file
    (`extends: base`, `extends: {service: base}` without `file`) given that service's settings
    it lacks, the extended service resolved first; a chain is followed to its end or to a
    service already on it (Compose refuses a cycle)."""
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return data
    resolved: set[Any] = set()
    for name in services:
        chain: list[Any] = []
        on_chain: set[Any] = set()
        current: Any = name
        while current not in resolved and current not in on_chain and current in services:
            chain.append(current)
            on_chain.add(current)
            current = extended_service(services[current])
            if current is None:
                break
        for child in reversed(chain):
            _inherit(services, child)
            resolved.add(child)
    return data


def extended_service(definition: Any) -> str | None:
    """The name of the service of the same file that a service definition extends, if any."""
    extends = definition.get("extends") if isinstance(definition, dict) else None
    if isinstance(extends, str):
        return extends
    if isinstance(extends, dict) and "file" not in extends:
        service = extends.get("service")
        return service if isinstance(service, str) else None
    return None


def _inherit(services: dict, name: Any) -> None:
    child = services[name]
    base = services.get(extended_service(child))
    if not isinstance(child, YamlMap) or not isinstance(base, dict) or base is child:
        return
    at = child.key_region("extends")
    for key, value in base.items():
        if len(child) >= MAX_INHERITED_KEYS:
            return
        if key in child or key in _NOT_INHERITED:
            continue
        child[key] = value
        child.key_regions[key] = at
        child.value_regions[key] = at
        child.merged_keys.add(key)
