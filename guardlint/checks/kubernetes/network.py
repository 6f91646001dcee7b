"""Kubernetes checks on how workloads are reached: exposed Services and Ingresses without
TLS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from guardlint.checks.kubernetes.values import meta, option_strings
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import mapping, sequence
from guardlint.documents.kustomize.kustomizations import is_patch
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.cidr import covers_world, parse_cidr
from guardlint.parse.located import region_of


def _annotated(annotations: dict, wanted: dict[str, list[Any]]) -> bool:
    """Whether one of the annotations has one of the values listed for it (any case)."""
    return any(
        str(annotations[key]).strip().lower() in [str(v).lower() for v in values]
        for key, values in wanted.items()
        if key in annotations
    )


def _set_but_to(annotations: dict, unless: dict[str, list[Any]]) -> bool:
    """Whether one of the annotations is set to a value other than those listed for it (any
    case): a cloud provider that reads any other value (a subnet ID, `true`, `yes`) as on."""
    return any(
        str(annotations[key]).strip().lower() not in [str(v).lower() for v in values]
        for key, values in unless.items()
        if key in annotations
    )


def _is_internal_load_balancer(spec: dict, annotations: dict, rule: Rule) -> bool:
    """A cloud annotation that keeps the load balancer on the private network, or a load
    balancer controller whose load balancers are internal unless the Service says otherwise."""
    options = rule.options
    if _annotated(annotations, options.get("internal_annotations") or {}) or _set_but_to(
        annotations, options.get("internal_unless_annotations") or {}
    ):
        return True
    reconciled = str(spec.get("loadBalancerClass", "")) in option_strings(
        rule, "internal_by_default_classes"
    ) or _annotated(annotations, options.get("internal_by_default_annotations") or {})
    return reconciled and not _annotated(
        annotations, options.get("internet_facing_annotations") or {}
    )


def _has_open_range(ranges: Iterable[Any]) -> bool:
    """Source ranges that admit every IPv4 or every IPv6 address, alone or together
    (`0.0.0.0/1` and `128.0.0.0/1`)."""
    return covers_world(parse_cidr(str(r)) for r in ranges) is not None


@check("K8S020")
def exposed_service(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S020: LoadBalancer/NodePort Services (info); internet-facing LoadBalancer with no
    source ranges (medium)."""
    if meta(document, "kind") != "Service" or not isinstance(document.data, dict):
        return
    spec = mapping(document.data.get("spec"))
    service_type = str(spec.get("type", "ClusterIP"))
    if service_type not in ("LoadBalancer", "NodePort"):
        return
    resource = meta(document, "resource")
    annotations = mapping(mapping(document.data.get("metadata")).get("annotations"))
    region = region_of(spec, "type") or Region(1)
    if service_type == "NodePort":
        yield Hit(
            message=f"{resource} is a NodePort Service: it listens on every node's address.",
            region=region,
            resource=resource,
            severity=Severity.INFO,
        )
        return
    is_internal = _is_internal_load_balancer(spec, annotations, rule)
    ranges = sequence(spec.get("loadBalancerSourceRanges")) or [
        r
        for key in option_strings(rule, "source_range_annotations")
        for r in str(annotations.get(key, "")).split(",")
        if r.strip()
    ]
    if is_internal or (ranges and not _has_open_range(ranges)):
        scope = (
            "an internal load balancer"
            if is_internal
            else "a load balancer limited by source ranges"
        )
        yield Hit(
            message=f"{resource} is exposed through {scope}.",
            region=region,
            resource=resource,
            severity=Severity.INFO,
        )
        return
    if is_patch(document):
        return  # its source ranges may be in the base it patches
    said = "source ranges open to every address" if ranges else "no loadBalancerSourceRanges"
    yield Hit(
        message=f"{resource} is an internet-facing LoadBalancer with {said}, so anyone on the "
        "internet can reach it.",
        region=region,
        resource=resource,
        severity=Severity.MEDIUM,
    )


def _lists_https(listen_ports: Any) -> bool:
    """An AWS ALB listen-ports annotation (`[{"HTTP": 80}, {"HTTPS": 443}]`) with an HTTPS
    listener, whose certificate the controller finds by the Ingress's hosts."""
    try:
        listeners = json.loads(str(listen_ports))
    except ValueError:
        return False
    return any("HTTPS" in mapping(listener) for listener in sequence(listeners))


@check("K8S028")
def ingress_without_tls(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S028: an Ingress with no tls section (and no load-balancer certificate annotation)."""
    if meta(document, "kind") != "Ingress" or not isinstance(document.data, dict):
        return
    spec = mapping(document.data.get("spec"))
    if sequence(spec.get("tls")) or is_patch(document):
        return  # a patch's tls section may be the base's
    annotations = mapping(mapping(document.data.get("metadata")).get("annotations"))
    if (
        any(key in annotations for key in option_strings(rule, "tls_annotations"))
        or _annotated(annotations, rule.options.get("tls_annotation_values") or {})
        or any(
            _lists_https(annotations.get(key)) for key in option_strings(rule, "https_listeners")
        )
    ):
        return  # TLS terminated by the cloud load balancer in front of the Ingress
    resource = meta(document, "resource")
    yield Hit(
        message=f"{resource} has no tls section, so its hosts are served over plain HTTP.",
        region=region_of(document.data, "spec") or Region(1),
        resource=resource,
    )
