"""The template's buckets that receive logs, which a rule asking every bucket for access logs
leaves alone (a log bucket that logged its own access into another bucket would need a log
bucket of its own, and so on): a bucket that another bucket's access logs (LoggingConfiguration,
an Fn::If branch too), a flow log's, Config channel's, distribution's, load balancer's, WAF's,
Resolver query log's, Network Firewall's, EMR cluster's or CloudWatch Logs delivery
destination's logs go to (by reference, a Sub of one, or a name the bucket may have,
in an ARN or `s3://` URI); a bucket whose bucket policy lets a log delivery service put
objects (S3 server access logging's `logging.s3.amazonaws.com`, ...) from another source than
the bucket itself; and a bucket with the legacy LogDeliveryWrite ACL. A bucket a trail writes
into (named by the trail, or whose policy lets CloudTrail put objects) is not one, whatever
else writes there: it holds the audit trail, whose readers its access logs record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic, referenced_id
from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    branches,
    get_map,
    list_items,
    map_values,
    may_equal,
)
from guardlint.knowledge.iam_actions import matches
from guardlint.model.documents import Document

BUCKET, BUCKET_POLICY = "AWS::S3::Bucket", "AWS::S3::BucketPolicy"
# The service principals that deliver logs into a bucket: S3 server access logs, the vended
# logs of CloudWatch Logs (VPC flow logs, CloudFront, NLB, WAF, ...), ALB, Config. Not
# CloudTrail: the bucket of the audit trail logs its own access (CIS AWS Foundations, Security
# Hub CloudTrail.7), so that who read or deleted the trail is known.
LOG_DELIVERY_SERVICES = frozenset(
    {
        "logging.s3.amazonaws.com", "delivery.logs.amazonaws.com",
        "logdelivery.elasticloadbalancing.amazonaws.com", "config.amazonaws.com",
    }
)  # fmt: skip
_TRAIL_SERVICES = frozenset({"cloudtrail.amazonaws.com"})


def log_target_buckets(document: Document) -> set[str]:
    """Logical IDs of the template's buckets that receive logs, but those a trail writes into
    (whatever else writes there too)."""
    template = template_of(document)
    targets: set[str] = set()
    named: dict[str, str] = {}
    destinations: list[Any] = []
    trails: list[Any] = []
    for resource in resources_of(document):
        if resource.type == BUCKET:
            if may_equal(template, resource.props.get("AccessControl"), "LogDeliveryWrite"):
                targets.add(resource.logical_id)
            for name in template.resolved_strings(resource.props.get("BucketName")):
                named.setdefault(name, resource.logical_id)
            for logging in map_values(template, resource.props.get("LoggingConfiguration")):
                destinations.append(logging.get("DestinationBucketName") if logging else None)
        elif resource.type == BUCKET_POLICY:
            bucket, policy = resource.props.get("Bucket"), resource.props.get("PolicyDocument")
            if _lets_logs_in(template, policy, bucket, LOG_DELIVERY_SERVICES):
                destinations.append(bucket)
            if _lets_logs_in(template, policy, bucket, _TRAIL_SERVICES):
                trails.append(bucket)
        elif resource.type == "AWS::CloudTrail::Trail":
            trails.append(resource.props.get("S3BucketName"))
        else:
            destinations.extend(_log_destinations(resource))
    targets |= _buckets_named(template, destinations, named)
    return targets - _buckets_named(template, trails, named)


def _buckets_named(template: Template, destinations: list[Any], named: dict[str, str]) -> set[str]:
    """Logical IDs of the template's buckets that `destinations` name, by reference, a Sub of
    one, or a name (`named`: bucket name -> logical ID) in an ARN or URI."""
    found: set[str] = set()
    for destination in destinations:
        for branch in branches(template, destination):
            written = _bucket_expression(branch)  # `${Logs}` for a reference or a Sub of one
            if written and written.startswith("${") and written.endswith("}"):
                found.add(written[2:-1])
        names = map(_bucket_name_in, template.resolved_strings(destination))
        found.update(named[name] for name in names if name in named)
    return found


def _bucket_name_in(text: str) -> str:
    """The bucket a log destination names: `arn:aws:s3:::logs/flow` and
    `logs.s3.amazonaws.com` (CloudFront) name `logs`."""
    if text.startswith("arn:"):
        return text.partition(":::")[2].partition("/")[0]
    if text.startswith("s3://"):
        return text[len("s3://") :].partition("/")[0]
    return text.partition(".s3.")[0] if ".s3." in text else text


def _lets_logs_in(template: Template, policy: Any, bucket: Any, delivery: frozenset[str]) -> bool:
    """Whether a bucket policy has a statement that allows one of the `delivery` services to
    put objects into `bucket` (its Bucket) from another source than the bucket itself."""
    for document in map_values(template, policy):
        if not document:
            continue
        statements = [s for s in map_values(template, document.get("Statement")) if s]
        statements += [item for _, _, item in list_items(template, document.get("Statement"))]
        for statement in statements:
            principal = get_map(statement, "Principal")
            services = _texts(template, principal.get("Service") if principal else None)
            actions = _texts(template, statement.get("Action"))
            if (
                may_equal(template, statement.get("Effect"), "Allow")
                and any(service.lower() in delivery for service in services)
                and any(matches(action, "s3:putobject") for action in actions)
                and not _only_from_itself(statement, bucket)
            ):
                return True
    return False


def _only_from_itself(statement: dict, bucket: Any) -> bool:
    """Whether the statement's aws:SourceArn condition names the policy's own bucket only (a
    policy every bucket gets, that lets a bucket log into itself: it receives no other's logs).
    """
    sources: list[Any] = []
    for tests in (get_map(statement, "Condition") or {}).values():
        for key, value in tests.items() if isinstance(tests, dict) else ():
            if str(key).lower() == "aws:sourcearn":
                sources += value if isinstance(value, list) else [value]
    own = _bucket_expression(bucket)
    return bool(sources) and own is not None and all(_bucket_expression(s) == own for s in sources)


def _bucket_expression(value: Any) -> str | None:
    """The bucket a Bucket value or an ARN names, as written: `${Logs}` for `!Ref Logs`,
    `!GetAtt Logs.Arn` and `!Sub arn:${AWS::Partition}:s3:::${Logs}`; a name as itself."""
    call = intrinsic(value)
    if call is None:
        return _bucket_name_in(value) if isinstance(value, str) else None
    name, arg = call
    if name == "Fn::Sub":
        text = arg[0] if isinstance(arg, list) and len(arg) == 2 and not arg[1] else arg
        return _bucket_name_in(text) if isinstance(text, str) else None
    target = referenced_id(value)
    return "${" + target + "}" if target else None


def _texts(template: Template, value: Any) -> list[str]:
    """The strings a policy element may hold: one, or the items of a list."""
    texts = []
    for candidate in template.possible_values(value):
        items = candidate if isinstance(candidate, list) else [candidate]
        texts += [text for item in items for text in template.resolved_strings(item)]
    return texts


def _log_destinations(resource: Resource) -> Iterator[Any]:
    """The bucket values a log-producing resource writes to."""
    props = resource.props
    if resource.type == "AWS::Config::DeliveryChannel":
        yield props.get("S3BucketName")
    elif resource.type == "AWS::EC2::FlowLog":
        yield props.get("LogDestination")
    elif resource.type in _DESTINATION_ARNS:
        value = props.get(_DESTINATION_ARNS[resource.type])
        yield from value if isinstance(value, list) else [value]
    elif resource.type == "AWS::NetworkFirewall::LoggingConfiguration":
        configs = (get_map(props, "LoggingConfiguration") or {}).get("LogDestinationConfigs")
        for config in configs if isinstance(configs, list) else []:
            yield (get_map(config, "LogDestination") or {}).get("bucketName")
    elif resource.type == "AWS::CloudFront::Distribution":
        logging = get_map(get_map(props, "DistributionConfig"), "Logging")
        yield logging.get("Bucket") if logging else None
    elif resource.type == "AWS::ElasticLoadBalancing::LoadBalancer":
        policy = get_map(props, "AccessLoggingPolicy")
        yield policy.get("S3BucketName") if policy else None
    elif resource.type == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        attributes = props.get("LoadBalancerAttributes")
        for attribute in attributes if isinstance(attributes, list) else []:
            key = attribute.get("Key") if isinstance(attribute, dict) else None
            if isinstance(key, str) and key in _ELB_LOG_BUCKETS:
                yield attribute.get("Value")


# Resources whose one property names where their logs go (a bucket's ARN or name among them).
_DESTINATION_ARNS = {
    "AWS::WAFv2::LoggingConfiguration": "LogDestinationConfigs",
    "AWS::Route53Resolver::ResolverQueryLoggingConfig": "DestinationArn",
    "AWS::Logs::DeliveryDestination": "DestinationResourceArn",
    "AWS::EMR::Cluster": "LogUri",
}
_ELB_LOG_BUCKETS = frozenset(
    {"access_logs.s3.bucket", "connection_logs.s3.bucket", "health_check_logs.s3.bucket"}
)
