"""Network exposure of CloudFormation resources: the EC2 instance metadata service (IMDSv1)
and load balancer listeners and CloudFront viewers without TLS 1.2. (Security group ingress
is the security-group-ingress template's: guardlint/checks/templates/cloudformation.py.)"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from guardlint.checks.cloudformation.hits import hit, in_each_scenario, scenario_hits
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED, intrinsic, referenced_id
from guardlint.documents.cloudformation.parameters import ssm_parameter_read
from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    branches,
    get_map,
    is_set,
    list_items,
    map_values,
    may_be_missing,
    may_be_true,
    may_equal,
    writes_unknown_keys,
)
from guardlint.knowledge.tables import load_table
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


@check("CFN023")
def imdsv1_allowed(document: Document, rule: Rule) -> Iterator[Hit]:
    """Instances, launch templates and configurations that accept IMDSv1 requests."""
    holders = (
        "AWS::EC2::Instance",
        "AWS::EC2::LaunchTemplate",
        "AWS::AutoScaling::LaunchConfiguration",
    )
    read = ("MetadataOptions", "LaunchTemplate", "LaunchTemplateData")
    yield from scenario_hits(document, holders, read, _imdsv1)


def _imdsv1(template: Template, holder: Resource) -> Iterator[Hit]:
    if holder.type != "AWS::EC2::LaunchTemplate":
        yield from _imdsv1_in(template, holder, holder.props)
        return
    for data in map_values(template, holder.props.get("LaunchTemplateData")):
        if data is not UNRESOLVED:  # a map, maybe the branch of an Fn::If
            yield from _imdsv1_in(template, holder, data)


def _imdsv1_in(template: Template, holder: Resource, data: Any) -> Iterator[Hit]:
    """The hits of a holder whose launch settings are `data`."""
    is_instance = holder.type == "AWS::EC2::Instance"
    options = data.get("MetadataOptions")
    # Without options of its own, an instance's launch template decides (checked when it is
    # in this template).
    launched = is_instance and not may_be_missing(template, data, "LaunchTemplate")
    # An image that requires IMDSv2 makes HttpTokens required unless it is written otherwise.
    image_requires = _launches_imdsv2_image(template, data)
    if may_be_missing(template, data, "MetadataOptions") and not (launched or image_requires):
        yield hit(
            holder,
            f"EC2 instance {holder.logical_id} has neither MetadataOptions with HttpTokens "
            "required nor a launch template: the instance metadata service accepts IMDSv1 "
            "requests (SSRF can steal its role credentials)."
            if is_instance
            else f"{holder.logical_id} has no MetadataOptions with HttpTokens required: "
            "instances accept IMDSv1 requests.",
            data,
            "MetadataOptions",
        )
        return
    for config in map_values(template, options) if options is not None else ():
        if config is UNRESOLVED:
            continue
        if may_equal(template, config.get("HttpEndpoint"), "disabled"):
            continue
        tokens = config.get("HttpTokens")
        if (tokens is None and not image_requires) or may_equal(template, tokens, "optional"):
            yield hit(
                holder,
                f"{holder.logical_id} does not set MetadataOptions.HttpTokens required: "
                "instances accept IMDSv1 requests.",
                config if tokens is not None else data,
                "HttpTokens" if tokens is not None else "MetadataOptions",
            )


# AWS's public SSM parameters naming the latest Amazon Linux 2023 AMIs, which set ImdsSupport
# v2.0: an instance launched from one requires IMDSv2 unless its HttpTokens says optional.
_AL2023_AMI_PARAMETER = re.compile(r"/aws/service/ami-amazon-linux-latest/al2023-ami-[\w.-]+")
# `{{resolve:ssm:NAME}}` in any template, `resolve:ssm:NAME` in a launch template's ImageId.
_SSM_REFERENCE = re.compile(r"(\{\{)?resolve:ssm:(?P<name>[^:{}]+)(?::[0-9]+)?(?(1)\}\})")


def _launches_imdsv2_image(template: Template, data: Any) -> bool:
    """Whether every image `data` may launch (each branch of an Fn::If) is an Amazon Linux
    2023 AMI by AWS's public parameter: an SSM reference, or a Ref to an SSM parameter type
    whose Default names it."""
    images = list(branches(template, data.get("ImageId")))
    return bool(images) and all(_image_parameter_is_al2023(template, i) for i in images)


def _image_parameter_is_al2023(template: Template, image: Any) -> bool:
    if isinstance(image, str):
        reference = _SSM_REFERENCE.fullmatch(image.strip())
        name = reference.group("name") if reference else None
    else:
        call = intrinsic(image)
        ref = call[1] if call and call[0] == "Ref" and isinstance(call[1], str) else None
        name = ssm_parameter_read(template.parameters.get(ref)) if ref else None
    return name is not None and _AL2023_AMI_PARAMETER.fullmatch(name) is not None


@functools.cache
def _oldest_tls_by_policy() -> dict[str, str]:
    """ELB security policy (lower case) -> the oldest TLS version it accepts ("1.0"...)."""
    table = load_table("elb_security_policies.yaml")["min_tls"]
    return {name.lower(): str(version) for name, version in table.items()}


def _default_policy() -> str:
    """The policy a listener created from CloudFormation without one gets."""
    return str(load_table("elb_security_policies.yaml")["default_policy"])


def _below_tls_1_2(policy: str) -> str | None:
    """`TLS 1.0` or `TLS 1.1` when the predefined policy accepts it; None when its oldest
    version is 1.2 or later, or the policy is not on AWS's list."""
    oldest = _oldest_tls_by_policy().get(policy.strip().lower())
    return f"TLS {oldest}" if oldest is not None and oldest < "1.2" else None


def _redirects_to_https(template: Template, props: dict) -> bool | None:
    """True when the listener's default actions redirect to HTTPS; None when they cannot be
    read (an unresolved value, or none written where a macro may write them). No actions at
    all redirect nowhere."""
    actions = props.get("DefaultActions")
    if actions is None or actions == []:
        return False if actions == [] or not writes_unknown_keys(props) else None
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
    """Listeners on plain HTTP without a redirect or with TLS below 1.2 (AWS's default policy
    included), and CloudFront behaviours that allow plain HTTP."""
    template = template_of(document)
    for listener in resources_of(document, "AWS::ElasticLoadBalancingV2::Listener"):
        props = listener.props
        balancer = referenced_id(props.get("LoadBalancerArn"))
        if balancer and may_equal(
            template, template.properties(balancer).get("Scheme"), "internal"
        ):
            continue  # not reachable from the internet
        read = (props.get("Protocol"), props.get("SslPolicy"), props.get("DefaultActions"))
        judge = partial(_listener_hits, listener)
        yield from in_each_scenario(template, listener, read, judge)
    for balancer in resources_of(document, "AWS::ElasticLoadBalancing::LoadBalancer"):
        props = balancer.props
        read = (props.get("Scheme"), props.get("Listeners"), props.get("Policies"))
        judge = partial(_classic_listener_hits, balancer)
        yield from in_each_scenario(template, balancer, read, judge)
    for distribution in resources_of(document, "AWS::CloudFront::Distribution"):
        read = [distribution.props.get("DistributionConfig")]
        judge = partial(_viewer_hits, distribution)
        yield from in_each_scenario(template, distribution, read, judge)


def _viewer_hits(distribution: Resource, template: Template) -> Iterator[Hit]:
    """A distribution's viewers on plain HTTP or on TLS below 1.2."""
    yield from _plain_http_viewers(distribution, template)
    yield from _old_tls_viewers(distribution, template)


_OLD_VIEWER_PROTOCOLS = frozenset({"SSL 3.0", "TLS 1.0", "TLS 1.1"})


@functools.cache
def _oldest_viewer_protocols() -> dict[str, str]:
    """CloudFront viewer security policy -> the oldest protocol it accepts ("TLS 1.0"...)."""
    return dict(load_table("cloudfront_security_policies.yaml")["min_tls"])


def _old_tls_viewers(distribution: Resource, template: Template) -> Iterator[Hit]:
    """A distribution on a certificate of its own whose viewer security policy
    (MinimumProtocolVersion) accepts a protocol below TLS 1.2."""
    for config in map_values(template, distribution.props.get("DistributionConfig")):
        viewers = (
            [] if config is UNRESOLVED else map_values(template, config.get("ViewerCertificate"))
        )
        for viewer in viewers:
            if viewer is UNRESOLVED or may_be_true(
                template, viewer, "CloudFrontDefaultCertificate"
            ):
                continue  # CloudFront's own certificate gets TLSv1 whatever is asked for
            for policy in template.resolved_strings(viewer.get("MinimumProtocolVersion")):
                oldest = _oldest_viewer_protocols().get(policy)
                if oldest in _OLD_VIEWER_PROTOCOLS:
                    yield hit(
                        distribution,
                        f"CloudFront distribution {distribution.logical_id} uses viewer security "
                        f"policy {policy}, which accepts {oldest} (below TLS 1.2).",
                        viewer,
                        "MinimumProtocolVersion",
                    )


def _plain_http_viewers(distribution: Resource, template: Template) -> Iterator[Hit]:
    """CloudFront cache behaviors (each map maybe behind Fn::If) with ViewerProtocolPolicy
    allow-all."""
    for config in map_values(template, distribution.props.get("DistributionConfig")):
        if config is UNRESOLVED:
            continue
        behaviors = map_values(template, config.get("DefaultCacheBehavior"))
        behaviors += [item for _, _, item in list_items(template, config.get("CacheBehaviors"))]
        for behavior in behaviors:
            if behavior is UNRESOLVED:
                continue
            if may_equal(template, behavior.get("ViewerProtocolPolicy"), "allow-all"):
                yield hit(
                    distribution,
                    f"CloudFront distribution {distribution.logical_id} has ViewerProtocolPolicy "
                    "allow-all: viewers can use plain HTTP.",
                    behavior,
                    "ViewerProtocolPolicy",
                )


def _listener_hits(listener: Resource, template: Template) -> Iterator[Hit]:
    """An ELBv2 listener on plain HTTP without a redirect, or HTTPS/TLS with a policy (its
    own, or the default without one) that accepts TLS below 1.2."""
    props = listener.props
    name = listener.logical_id
    plain_http = may_equal(template, props.get("Protocol"), "HTTP")
    if plain_http and _redirects_to_https(template, props) is False:
        yield hit(
            listener,
            f"Load balancer listener {name} serves plain HTTP without redirecting to HTTPS: "
            "traffic can be read or changed in transit.",
            props,
            "Protocol",
        )
    secure = may_equal(template, props.get("Protocol"), "HTTPS", "TLS")
    # "" is no policy either; one a macro (AWS::Include) may write is unknown
    unset = not is_set(template, props, "SslPolicy") and (
        "SslPolicy" in props or not writes_unknown_keys(props)
    )
    if secure and unset:
        default = _default_policy()
        yield hit(
            listener,
            f"Load balancer listener {name} ({secure}) sets no SslPolicy: CloudFormation "
            f"gives it {default}, which accepts {_below_tls_1_2(default)} (below 1.2).",
            props,
            "SslPolicy" if "SslPolicy" in props else "Protocol",
            sslPolicy=default,
        )
    for policy in template.resolved_strings(props.get("SslPolicy")):
        weak = _below_tls_1_2(policy)
        if weak is not None:
            yield hit(
                listener,
                f"Load balancer listener {name} uses SSL policy {policy}, which accepts "
                f"{weak} (below 1.2).",
                props,
                "SslPolicy",
                sslPolicy=policy,
            )


# A custom SSL negotiation policy's protocol attributes below TLS 1.2, oldest first.
_OLD_PROTOCOLS = (("Protocol-SSLv3", "SSL 3.0"), ("Protocol-TLSv1", "TLS 1.0"),
                  ("Protocol-TLSv1.1", "TLS 1.1"))  # fmt: skip


def _classic_listener_hits(balancer: Resource, template: Template) -> Iterator[Hit]:
    """HTTPS/SSL listeners of an internet-facing classic load balancer whose SSL negotiation
    policy (one of its Policies, or AWS's default without one) accepts TLS below 1.2."""
    props = balancer.props
    if may_equal(template, props.get("Scheme"), "internal"):
        return  # not reachable from the internet
    policies = [
        policy
        for _, _, policy in list_items(template, props.get("Policies"))
        if may_equal(template, policy.get("PolicyType"), "SSLNegotiationPolicyType")
    ]
    for _, _, listener in list_items(template, props.get("Listeners")):
        protocol = may_equal(template, listener.get("Protocol"), "HTTPS", "SSL")
        applied = _applied_policies(template, listener, policies) if protocol else None
        if applied is None:
            continue
        port = template.resolve(listener.get("LoadBalancerPort"))
        where = f"{protocol} listener on port {port}" if port else f"{protocol} listener"
        where += f" of classic load balancer {balancer.logical_id}"
        if not applied:
            default = _default_policy()
            yield hit(
                balancer,
                f"{where} has no SSL negotiation policy: Elastic Load Balancing gives it "
                f"{default}, which accepts {_below_tls_1_2(default)} (below 1.2).",
                listener,
                "Protocol",
                sslPolicy=default,
            )
        for policy in applied:
            for named, weak, container, key in _classic_weakness(template, policy):
                yield hit(
                    balancer,
                    f"{where} uses {named}, which accepts {weak} (below TLS 1.2).",
                    container,
                    key,
                )


def _applied_policies(template: Template, listener: Any, policies: list) -> list | None:
    """The SSL negotiation policies of `policies` applied to the listener, by its PolicyNames
    or by their LoadBalancerPorts; None when its policy names cannot be read."""
    names: set[str] = set()
    for _, item in _items(template, listener.get("PolicyNames")):
        resolved = template.resolved_strings(item)
        if not resolved:
            return None
        names.update(resolved)
    ports = set(template.resolved_strings(listener.get("LoadBalancerPort")))
    return [
        policy
        for policy in policies
        if names & set(template.resolved_strings(policy.get("PolicyName")))
        or any(
            ports & set(template.resolved_strings(port))
            for _, port in _items(template, policy.get("LoadBalancerPorts"))
        )
    ]


def _items(template: Template, value: Any) -> Iterator[tuple[int, Any]]:
    """(index, item) of each list `value` may be (Fn::If branches too)."""
    for candidate in template.possible_values(value):
        if isinstance(candidate, list):
            yield from enumerate(candidate)


def _classic_weakness(template: Template, policy: Any) -> Iterator[tuple[str, str, Any, Any]]:
    """(what the policy is, the protocol below TLS 1.2 it accepts, where) for an SSL
    negotiation policy: by its Reference-Security-Policy, or a custom one's protocols."""
    attributes = [item for _, _, item in list_items(template, policy.get("Attributes"))]
    named = [
        a for a in attributes if may_equal(template, a.get("Name"), "Reference-Security-Policy")
    ]
    for reference in named:
        for predefined in template.resolved_strings(reference.get("Value")):
            weak = _below_tls_1_2(predefined)
            if weak is not None:
                yield f"SSL policy {predefined}", weak, reference, "Value"
    if named:
        return
    for protocol, weak in _OLD_PROTOCOLS:
        for attribute in attributes:
            if may_equal(template, attribute.get("Name"), protocol) and may_be_true(
                template, attribute, "Value"
            ):
                yield f"a custom SSL policy enabling {protocol}", weak, attribute, "Value"
                return
