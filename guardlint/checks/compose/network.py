"""Compose checks of what a service shares with the host: its network stack, the namespaces it
joins and the ports it publishes."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import published_ports, services
from guardlint.documents.compose_namespaces import host_namespace_via, host_network_joins
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.cidr import is_every_interface

_SHARES_HOST_NETWORK = (
    "it shares the host's network stack, can bind any host port and reach services listening "
    "only on the host's loopback."
)


@check("CMP003")
def host_network(document: Document, rule: Rule) -> Iterator[Hit]:
    """A service with `network_mode: host`, joining the network stack of a service that uses
    the host's (`network_mode: service:NAME`), or joining a network that is the host's (an
    external network named `host`), at the line that says so."""
    for service in services(document):
        if service.get("network_mode") == "host":
            yield Hit(
                message=f"Service {service.name} uses network_mode host: {_SHARES_HOST_NETWORK}",
                region=service.key_region("network_mode"),
                resource=service.resource,
            )
        via = host_namespace_via(document, service, "network_mode")
        if via is not None:
            yield Hit(
                message=f"Service {service.name} joins the network stack of service {via}, "
                f"which is the host's: {_SHARES_HOST_NETWORK}",
                region=service.key_region("network_mode"),
                resource=service.resource,
                properties={"via": via},
            )
        for network, region in host_network_joins(document, service):
            yield Hit(
                message=f"Service {service.name} joins network {network}, the host's network: "
                f"{_SHARES_HOST_NETWORK}",
                region=region,
                resource=service.resource,
                properties={"network": network},
            )


@check("CMP009")
def sensitive_port_exposed(document: Document, rule: Rule) -> Iterator[Hit]:
    """A published port mapping on every host interface whose container ports include one the
    rule's `ports` option lists (SSH, databases, the Docker API, ...)."""
    sensitive = {int(port): str(what) for port, what in rule.options.get("ports", {}).items()}
    listed = sorted(sensitive)
    for service in services(document):
        for mapping, region in published_ports(document, service):
            if not is_every_interface(mapping.host_ip):
                continue
            # The listed ports looked up in the range, not the range's (up to 65,535) in them.
            exposed = [port for port in listed if port in mapping.container_ports]
            if not exposed:
                continue
            what = ", ".join(f"{sensitive[port]} ({port})" for port in exposed)
            yield Hit(
                message=f"Service {service.name} publishes {what} on every host interface, "
                "reachable from any network the host is on.",
                region=region,
                resource=service.resource,
                properties={"ports": exposed, "protocol": mapping.protocol},
            )


# `cgroup: host` is the runtime's cgroup namespace (Docker's --cgroupns=host): the host's
# whole cgroup hierarchy is visible, and with a writable cgroup filesystem its limits too.
_NAMESPACE_KEYS = ("pid", "ipc", "uts", "userns_mode", "cgroup")
# Those a service may join another service's namespace of (`pid: service:NAME`).
_JOINABLE = ("pid", "ipc")


@check("CMP004")
def host_namespace(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each of pid, ipc, uts, userns_mode and cgroup a service sets to host, or pid and ipc to
    a service whose namespace is the host's (`pid: service:NAME`): one finding per key, at its
    line (a service that joins two host namespaces gives up two layers)."""
    for service in services(document):
        for key in _NAMESPACE_KEYS:
            via = host_namespace_via(document, service, key) if key in _JOINABLE else None
            if service.get(key) != "host" and via is None:
                continue
            how = (
                f"{key}: host"
                if via is None
                else f"{key}: service:{via}, whose namespace is the host's"
            )
            yield Hit(
                message=f"Service {service.name} sets {how}, so it shares that namespace with "
                "the host and loses a layer of isolation between the container and the host.",
                region=service.key_region(key),
                resource=service.resource,
                properties={"namespace": key} if via is None else {"namespace": key, "via": via},
            )
