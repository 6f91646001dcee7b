"""Network exposure of CloudFormation resources: the EC2 instance metadata service (IMDSv1)
and load balancer listeners and CloudFront viewers without TLS 1.2. (Security group ingress
is the security-group-ingress template's: guardlint/checks/templates/cloudformation.py.)"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from guardlint.checks.cloudformation.hits import hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED, referenced_id
from guardlint.documents.cloudformation.resources import resources_of, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    get_map,
    list_items,
    map_values,
    may_be_missing,
    may_equal,
)
from guardlint.knowledge.tables import load_table
from guardlint.model import Document, Hit, Rule


@check("CFN023")
def imdsv1_allowed(document: Document, rule: Rule) -> Iterator[Hit]:
    """Instances, launch templates and configurations that accept IMDSv1 requests."""
    template = template_of(document)
    holders = (
        ("AWS::EC2::Instance", lambda p: p),
        ("AWS::EC2::LaunchTemplate", lambda p: get_map(p, "LaunchTemplateData")),
        ("AWS::AutoScaling::LaunchConfiguration", lambda p: p),
    )
    for resource_type, data_of in holders:
        for holder in resources_of(document, resource_type):
            data = data_of(holder.props)
            if data is None:
                continue
            is_instance = resource_type == "AWS::EC2::Instance"
            options = data.get("MetadataOptions")
            # Without options of its own, an instance's launch template decides (checked when
            # it is in this template).
            launched = is_instance and get_map(data, "LaunchTemplate") is not None
            if may_be_missing(template, data, "MetadataOptions") and not launched:
                yield hit(
                    holder,
                    f"EC2 instance {holder.logical_id} has neither MetadataOptions with "
                    "HttpTokens required nor a launch template: the instance metadata service "
                    "accepts IMDSv1 requests (SSRF can steal its role credentials)."
                    if is_instance
                    else f"{holder.logical_id} has no MetadataOptions with HttpTokens required: "
                    "instances accept IMDSv1 requests.",
                    data,
                    "MetadataOptions",
                )
                continue
            for config in map_values(template, options) if options is not None else ():
                if config is UNRESOLVED:
                    continue
                if may_equal(template, config.get("HttpEndpoint"), "disabled"):
                    continue
                tokens = config.get("HttpTokens")
                if tokens is None or may_equal(template, tokens, "optional"):
                    yield hit(
                        holder,
                        f"{holder.logical_id} does not set MetadataOptions.HttpTokens required: "
                        "instances accept IMDSv1 requests.",
                        config if tokens is not None else data,
                        "HttpTokens" if tokens is not None else "MetadataOptions",
                    )


@functools.cache
def _oldest_tls_by_policy() -> dict[str, str]:
    """ELB security policy (lower case) -> the oldest TLS version it accepts ("1.0"...)."""
    table = load_table("elb_security_policies.yaml")["min_tls"]
    return {name.lower(): str(version) for name, version in table.items()}


def _redirects_to_https(template: Template, actions: Any) -> bool | None:
    """True when the default actions redirect to HTTPS; None when they cannot be read (an
    unresolved value). No actions at all redirect nowhere."""
    if actions is None or actions == []:
        return False
    items = list(list_items(template, actions))
    if not items:
        return None
    for _, _, action in items:
        if may_equal(template, action.get("Type"), "redirect"):
            config = get_map(action, "RedirectConfig") or {}
            if may_equal(template, config.get("Protocol"), "HTTPS"):
                return True
    return False


@check("CFN024")
def http_listener(document: Document, rule: Rule) -> Iterator[Hit]:
    """Listeners on plain HTTP without a redirect or with TLS below 1.2, and CloudFront
    behaviours that allow plain HTTP."""
    template = template_of(document)
    for listener in resources_of(document, "AWS::ElasticLoadBalancingV2::Listener"):
        props = listener.props
        balancer = referenced_id(props.get("LoadBalancerArn"))
        if balancer and may_equal(
            template, template.properties(balancer).get("Scheme"), "internal"
        ):
            continue  # not reachable from the internet
        plain_http = may_equal(template, props.get("Protocol"), "HTTP")
        if plain_http and _redirects_to_https(template, props.get("DefaultActions")) is False:
            yield hit(
                listener,
                f"Load balancer listener {listener.logical_id} serves plain HTTP without "
                "redirecting to HTTPS: traffic can be read or changed in transit.",
                props,
                "Protocol",
            )
        for policy in template.resolved_strings(props.get("SslPolicy")):
            oldest = _oldest_tls_by_policy().get(policy.strip().lower())
            if oldest is not None and oldest < "1.2":
                yield hit(
                    listener,
                    f"Load balancer listener {listener.logical_id} uses SSL policy {policy}, "
                    f"which accepts TLS {oldest} (below 1.2).",
                    props,
                    "SslPolicy",
                    sslPolicy=policy,
                )
    for distribution in resources_of(document, "AWS::CloudFront::Distribution"):
        config = get_map(distribution.props, "DistributionConfig") or {}
        behaviors = [get_map(config, "DefaultCacheBehavior")]
        behaviors += [item for _, _, item in list_items(template, config.get("CacheBehaviors"))]
        for behavior in behaviors:
            if behavior and may_equal(template, behavior.get("ViewerProtocolPolicy"), "allow-all"):
                yield hit(
                    distribution,
                    f"CloudFront distribution {distribution.logical_id} has ViewerProtocolPolicy "
                    "allow-all: viewers can use plain HTTP.",
                    behavior,
                    "ViewerProtocolPolicy",
                )
