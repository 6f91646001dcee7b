"""CloudFormation/SAM pack (CFN001-CFN030): checks on template resources.

Every check works on `Template` (guardlint.documents.cloudformation.template), which applies
SAM Globals and resolves intrinsics. The contract with the evaluator: a value that resolves to
UNRESOLVED is unknown, and an unknown value never produces a finding. Policy statements are the
IAM pack's job.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.checks.cloudformation.hits import hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import (
    UNRESOLVED,
    intrinsic,
)
from guardlint.documents.cloudformation.resources import (
    FUNCTION_TYPES,
    SAM_FUNCTION,
    Resource,
    region_at,
    resources_of,
    template_of,
)
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    get_map,
    is_false_or_missing,
    list_items,
    map_values,
    may_be_false,
    may_be_true,
    may_equal,
)
from guardlint.knowledge.credentials import hardcoded_credential
from guardlint.knowledge.tables import load_table
from guardlint.model import Document, Hit, Rule, Severity
from guardlint.parse.yaml_nodes import YamlMap

# -- S3 (CFN001-CFN005) ---------------------------------------------------------------------

BLOCK_PUBLIC_FLAGS = (
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
)
PUBLIC_ACLS = ("PublicRead", "PublicReadWrite", "AuthenticatedRead")


@check("CFN001")
def s3_public_access_block(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for bucket in resources_of(document, "AWS::S3::Bucket"):
        if "PublicAccessBlockConfiguration" not in bucket.props:
            yield hit(
                bucket,
                f"S3 bucket {bucket.logical_id} has no PublicAccessBlockConfiguration, so a "
                "public ACL or bucket policy can expose its objects.",
            )
            continue
        for config in map_values(template, bucket.props["PublicAccessBlockConfiguration"]):
            if config is UNRESOLVED:
                continue
            off = [f for f in BLOCK_PUBLIC_FLAGS if is_false_or_missing(template, config, f)]
            if off:
                where = next((f for f in off if f in config), None)
                yield hit(
                    bucket,
                    f"S3 bucket {bucket.logical_id} does not enable {', '.join(off)} in its "
                    "PublicAccessBlockConfiguration, so public access is not fully blocked.",
                    config if where else bucket.props,
                    where or "PublicAccessBlockConfiguration",
                    disabledFlags=off,
                )


@check("CFN002")
def s3_public_acl(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for bucket in resources_of(document, "AWS::S3::Bucket"):
        acl = may_equal(template, bucket.props.get("AccessControl"), *PUBLIC_ACLS)
        if acl:
            yield hit(
                bucket,
                f"S3 bucket {bucket.logical_id} has the canned ACL {acl}, which grants access "
                "to everyone (or every AWS account).",
                bucket.props,
                "AccessControl",
                acl=acl,
            )


@check("CFN003")
def s3_encryption(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    require_kms = bool(rule.options.get("require_kms", False))
    for bucket in resources_of(document, "AWS::S3::Bucket"):
        encryption = bucket.props.get("BucketEncryption")
        if encryption is None:
            yield hit(
                bucket,
                f"S3 bucket {bucket.logical_id} has no BucketEncryption: its default "
                "encryption is not declared or controlled by the template.",
            )
            continue
        if not require_kms:
            continue
        for config in map_values(template, encryption):
            if config is UNRESOLVED:
                continue
            for _, _, item in list_items(template, config.get("ServerSideEncryptionConfiguration")):
                default = get_map(item, "ServerSideEncryptionByDefault")
                algorithm = default.get("SSEAlgorithm") if default else None
                plain = may_equal(template, algorithm, "AES256")
                if plain:
                    yield hit(
                        bucket,
                        f"S3 bucket {bucket.logical_id} uses {plain} (S3-managed keys) while "
                        "this project requires KMS keys (option require_kms).",
                        default,
                        "SSEAlgorithm",
                    )


@check("CFN004")
def s3_versioning(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for bucket in resources_of(document, "AWS::S3::Bucket"):
        config = bucket.props.get("VersioningConfiguration")
        if config is None:
            yield hit(
                bucket,
                f"S3 bucket {bucket.logical_id} has no VersioningConfiguration: overwritten or "
                "deleted objects cannot be recovered.",
            )
            continue
        for option in map_values(template, config):
            if option is UNRESOLVED:
                continue
            status = option.get("Status")
            suspended = may_equal(template, status, "Suspended")
            if suspended or status is None:
                yield hit(
                    bucket,
                    f"S3 bucket {bucket.logical_id} does not enable versioning "
                    f"(Status {suspended or 'missing'}).",
                    option,
                    "Status" if status is not None else None,
                )


def _log_target_buckets(document: Document) -> set[str]:
    """Logical IDs of buckets that receive logs: another bucket's access logs, a trail's,
    flow log's, Config channel's, distribution's or load balancer's logs, or any bucket with
    the LogDeliveryWrite ACL."""
    template = template_of(document)
    targets: set[str] = set()
    for resource in resources_of(document):
        if resource.type == "AWS::S3::Bucket":
            if may_equal(template, resource.props.get("AccessControl"), "LogDeliveryWrite"):
                targets.add(resource.logical_id)
            logging = get_map(resource.props, "LoggingConfiguration")
            destinations = [logging.get("DestinationBucketName")] if logging else []
        else:
            destinations = list(_log_destinations(resource))
        targets.update(name for name in map(_referenced_id, destinations) if name)
    return targets


def _log_destinations(resource: Resource) -> Iterator[Any]:
    """The bucket values a log-producing resource writes to."""
    props = resource.props
    if resource.type in ("AWS::CloudTrail::Trail", "AWS::Config::DeliveryChannel"):
        yield props.get("S3BucketName")
    elif resource.type == "AWS::EC2::FlowLog":
        yield props.get("LogDestination")
    elif resource.type == "AWS::CloudFront::Distribution":
        logging = get_map(get_map(props, "DistributionConfig"), "Logging")
        yield logging.get("Bucket") if logging else None
    elif resource.type == "AWS::ElasticLoadBalancing::LoadBalancer":
        policy = get_map(props, "AccessLoggingPolicy")
        yield policy.get("S3BucketName") if policy else None
    elif resource.type == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        attributes = props.get("LoadBalancerAttributes")
        for attribute in attributes if isinstance(attributes, list) else []:
            if isinstance(attribute, dict) and attribute.get("Key") == "access_logs.s3.bucket":
                yield attribute.get("Value")


def _referenced_id(value: Any) -> str | None:
    """The logical ID a `Ref`/`GetAtt` names."""
    call = intrinsic(value)
    if call is None:
        return None
    name, arg = call
    if name == "Ref" and isinstance(arg, str):
        return arg
    if name == "Fn::GetAtt":
        target = arg[0] if isinstance(arg, list) and arg else arg
        return str(target).split(".", 1)[0] if isinstance(target, str) else None
    return None


@check("CFN005")
def s3_access_logging(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    log_targets = None
    for bucket in resources_of(document, "AWS::S3::Bucket"):
        logging = bucket.props.get("LoggingConfiguration")
        if logging is None:
            # A bucket that receives logs must not log into a bucket of its own (loops, cost).
            if log_targets is None:
                log_targets = _log_target_buckets(document)
            if bucket.logical_id not in log_targets:
                yield hit(
                    bucket,
                    f"S3 bucket {bucket.logical_id} has no LoggingConfiguration: requests to it "
                    "leave no access log for investigations.",
                )
            continue
        for config in map_values(template, logging):
            if config is UNRESOLVED:
                continue
            destination = config.get("DestinationBucketName")
            if _referenced_id(destination) == bucket.logical_id:
                yield hit(
                    bucket,
                    f"S3 bucket {bucket.logical_id} writes its access logs into itself, which "
                    "creates a log for every log write and mixes logs with data.",
                    config,
                    "DestinationBucketName",
                )


# -- Security groups (CFN006-CFN009) -------------------------------------------------------


@dataclass
class Ingress:
    """One ingress rule from the world: which ports it opens and where it is written."""

    resource: Resource
    rule: YamlMap
    cidr_key: str
    cidr: str
    protocol: str
    ports: tuple[int, int] | None  # None: every port of every protocol


_ALL_PROTOCOLS = frozenset({"-1", "all"})
_PROTOCOL_NAMES = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp"}


def _world_ingress(document: Document) -> Iterator[Ingress]:
    """Every ingress rule that admits 0.0.0.0/0 or ::/0, inline or standalone."""
    template = template_of(document)
    sources: list[tuple[Resource, YamlMap]] = []
    for group in resources_of(document, "AWS::EC2::SecurityGroup"):
        for _, _, item in list_items(template, group.props.get("SecurityGroupIngress")):
            sources.append((group, item))
    for ingress in resources_of(document, "AWS::EC2::SecurityGroupIngress"):
        sources.append((ingress, ingress.props))
    for resource, item in sources:
        for key in ("CidrIp", "CidrIpv6"):
            world = next(
                (c for c in template.resolved_strings(item.get(key)) if _is_world(c)), None
            )
            if world is None:
                continue
            for protocol in template.resolved_strings(item.get("IpProtocol")):
                ports = _port_range(template, item, protocol)
                if ports is not False:
                    name = _PROTOCOL_NAMES.get(protocol.strip().lower(), "all")
                    yield Ingress(resource, item, key, world, name, ports)


def _is_world(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _port_range(template: Template, item: dict, protocol: str) -> tuple[int, int] | bool | None:
    """(from, to) for tcp/udp, None for every protocol, False when unknown or not port-based."""
    protocol = protocol.strip().lower()
    if protocol in _ALL_PROTOCOLS:
        return None
    if protocol not in _PROTOCOL_NAMES:
        return False  # icmp and others: no ports
    low, high = (template.resolve(item.get(k)) for k in ("FromPort", "ToPort"))
    try:
        low, high = int(low), int(high)
    except (TypeError, ValueError):
        return False
    if low == -1 and high == -1:
        return (0, 65535)
    return (low, high)


def _opens_all_ports(ingress: Ingress) -> bool:
    return ingress.ports is None or (ingress.ports[0] <= 1 and ingress.ports[1] >= 65535)


def _ingress_hit(ingress: Ingress, what: str, **properties: Any) -> Hit:
    group = ingress.resource
    ports = (
        "all protocols"
        if ingress.ports is None
        else f"{ingress.protocol} {_ports_text(ingress.ports)}"
    )
    return hit(
        group,
        f"Security group rule in {group.logical_id} allows {what} from {ingress.cidr} "
        f"({ports}): anyone on the internet can reach it.",
        ingress.rule,
        ingress.cidr_key,
        cidr=ingress.cidr,
        protocol=ingress.protocol,
        **properties,
    )


def _ports_text(ports: tuple[int, int]) -> str:
    return f"port {ports[0]}" if ports[0] == ports[1] else f"ports {ports[0]}-{ports[1]}"


def _port_rule(
    port: int, service: str, protocols: tuple[str, ...]
) -> Callable[[Document, Rule], Iterator[Hit]]:
    def check(document: Document, rule: Rule) -> Iterator[Hit]:
        for ingress in _world_ingress(document):
            # An all-ports rule is CFN008's (critical) finding; do not report it three times.
            opens_port = ingress.ports and ingress.ports[0] <= port <= ingress.ports[1]
            if opens_port and ingress.protocol in protocols and not _opens_all_ports(ingress):
                yield _ingress_hit(ingress, f"{service} (port {port})", port=port)

    return check


sg_ssh_open = check("CFN006")(_port_rule(22, "SSH", ("tcp",)))
sg_rdp_open = check("CFN007")(_port_rule(3389, "RDP", ("tcp", "udp")))


@check("CFN008")
def sg_all_open(document: Document, rule: Rule) -> Iterator[Hit]:
    for ingress in _world_ingress(document):
        if _opens_all_ports(ingress):
            yield _ingress_hit(ingress, "every port")


DEFAULT_SENSITIVE_PORTS = (3306, 5432, 1433, 1521, 27017, 6379, 9200, 2375, 5984, 11211)


@check("CFN009")
def sg_sensitive_port_open(document: Document, rule: Rule) -> Iterator[Hit]:
    ports = [int(p) for p in rule.options.get("ports", DEFAULT_SENSITIVE_PORTS)]
    for ingress in _world_ingress(document):
        if not ingress.ports or _opens_all_ports(ingress):
            continue
        opened = [p for p in ports if ingress.ports[0] <= p <= ingress.ports[1]]
        if opened:
            names = ", ".join(str(p) for p in opened)
            yield _ingress_hit(ingress, f"database/admin port(s) {names}", ports=opened)


# -- RDS (CFN010-CFN012) ---------------------------------------------------------------------

RDS_INSTANCE, RDS_CLUSTER = "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"


@check("CFN010")
def rds_public(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for db in resources_of(document, RDS_INSTANCE):
        if may_be_true(template, db.props, "PubliclyAccessible"):
            yield hit(
                db,
                f"RDS instance {db.logical_id} is PubliclyAccessible: it gets a public DNS name "
                "and address reachable from the internet.",
                db.props,
                "PubliclyAccessible",
            )


_INHERITING_KEYS = (
    "DBClusterIdentifier", "SourceDBInstanceIdentifier", "DBSnapshotIdentifier",
    "SourceDBClusterIdentifier", "SnapshotIdentifier", "SourceDBInstanceAutomatedBackupsArn",
)  # fmt: skip


def _inherits_storage_settings(db: Resource) -> bool:
    """Instances of a cluster, read replicas and snapshot restores inherit encryption."""
    return any(key in db.props for key in _INHERITING_KEYS)


@check("CFN011")
def rds_unencrypted(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for db in resources_of(document, RDS_INSTANCE, RDS_CLUSTER):
        if _inherits_storage_settings(db) or "KmsKeyId" in db.props:
            continue
        if db.type == RDS_CLUSTER and may_equal(template, db.props.get("EngineMode"), "serverless"):
            continue  # Aurora Serverless v1 is always encrypted
        if not is_false_or_missing(template, db.props, "StorageEncrypted"):
            continue
        kind = "cluster" if db.type == RDS_CLUSTER else "instance"
        yield hit(
            db,
            f"RDS {kind} {db.logical_id} does not set StorageEncrypted true: its storage, "
            "backups and snapshots are unencrypted.",
            db.props if "StorageEncrypted" in db.props else None,
            "StorageEncrypted",
        )


@check("CFN012")
def rds_no_backup_or_deletion_protection(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for db in resources_of(document, RDS_INSTANCE, RDS_CLUSTER):
        if db.type == RDS_INSTANCE and "DBClusterIdentifier" in db.props:
            continue  # the cluster owns backups and deletion protection
        retention = template.resolved_strings(db.props.get("BackupRetentionPeriod"))
        if "0" in retention:
            yield hit(
                db,
                f"RDS database {db.logical_id} has BackupRetentionPeriod 0: automated backups "
                "are off and data cannot be restored to a point in time.",
                db.props,
                "BackupRetentionPeriod",
            )
        if is_false_or_missing(template, db.props, "DeletionProtection"):
            yield hit(
                db,
                f"RDS database {db.logical_id} does not enable DeletionProtection: a stack "
                "update or a mistaken delete can drop it.",
                db.props if "DeletionProtection" in db.props else None,
                "DeletionProtection",
            )


# -- EBS (CFN013) ---------------------------------------------------------------------------


@check("CFN013")
def ebs_unencrypted(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for volume in resources_of(document, "AWS::EC2::Volume"):
        if is_false_or_missing(template, volume.props, "Encrypted"):
            yield hit(
                volume,
                f"EBS volume {volume.logical_id} does not set Encrypted true: its data and "
                "snapshots are stored unencrypted.",
                volume.props if "Encrypted" in volume.props else None,
                "Encrypted",
            )
    holders = (
        ("AWS::EC2::Instance", lambda p: p),
        ("AWS::AutoScaling::LaunchConfiguration", lambda p: p),
        ("AWS::EC2::LaunchTemplate", lambda p: get_map(p, "LaunchTemplateData") or {}),
    )
    for resource_type, data_of in holders:
        for holder in resources_of(document, resource_type):
            mappings = data_of(holder.props).get("BlockDeviceMappings")
            for _, _, mapping in list_items(template, mappings):
                for ebs in map_values(template, mapping.get("Ebs")):
                    if ebs is UNRESOLVED:
                        continue
                    if is_false_or_missing(template, ebs, "Encrypted") and "SnapshotId" not in ebs:
                        device = template.resolve(mapping.get("DeviceName"))
                        name = device if isinstance(device, str) else "a block device"
                        yield hit(
                            holder,
                            f"Block device {name} of {holder.logical_id} does not set Encrypted "
                            "true: the volume is created unencrypted.",
                            ebs if "Encrypted" in ebs else mapping,
                            "Encrypted" if "Encrypted" in ebs else "Ebs",
                        )


# -- Lambda (CFN014-CFN016) ------------------------------------------------------------------


@functools.cache
def deprecated_runtimes() -> dict[str, dict[str, Any]]:
    """The deprecated runtime table (guardlint/data/lambda_runtimes.yaml)."""
    return dict(load_table("lambda_runtimes.yaml")["runtimes"])


def _as_of(rule: Rule) -> datetime.date:
    value = rule.options.get("as_of")
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)) if value else datetime.date.today()


@check("CFN014")
def lambda_deprecated_runtime(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    today = _as_of(rule)
    table = deprecated_runtimes()
    for function in resources_of(document, *FUNCTION_TYPES):
        for runtime in template.resolved_strings(function.props.get("Runtime")):
            entry = table.get(runtime.strip().lower())
            if entry is None or entry["deprecated"] > today:
                continue
            yield hit(
                function,
                f"Function {function.logical_id} uses the {runtime} runtime, deprecated by AWS "
                f"on {entry['deprecated']}: it gets no security patches (move to "
                f"{entry['replacement']}).",
                function.props,
                "Runtime",
                runtime=runtime,
                deprecated=str(entry["deprecated"]),
            )


@check("CFN016")
def lambda_url_no_auth(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    sources = [(u, u.props) for u in resources_of(document, "AWS::Lambda::Url")]
    sources += [
        (f, get_map(f.props, "FunctionUrlConfig")) for f in resources_of(document, SAM_FUNCTION)
    ]
    for resource, config in sources:
        if config and may_equal(template, config.get("AuthType"), "NONE"):
            yield hit(
                resource,
                f"Function URL of {resource.logical_id} has AuthType NONE: anyone on the "
                "internet can invoke the function.",
                config,
                "AuthType",
            )


# -- API Gateway (CFN017) --------------------------------------------------------------------


def _is_private_api(template: Template, props: dict) -> bool:
    endpoint = props.get("EndpointConfiguration")
    if may_equal(template, endpoint, "PRIVATE"):
        return True
    for config in map_values(template, endpoint):
        if config is not UNRESOLVED:
            kinds = config.get("Types", config.get("Type"))
            values = kinds if isinstance(kinds, list) else [kinds]
            if any(may_equal(template, v, "PRIVATE") for v in values):
                return True
    return False


def _method_hits(document: Document) -> Iterator[Hit]:
    template = template_of(document)
    for method in resources_of(document, "AWS::ApiGateway::Method"):
        if may_equal(template, method.props.get("HttpMethod"), "OPTIONS"):
            continue
        api_id = _referenced_id(method.props.get("RestApiId"))
        if api_id and _is_private_api(template, template.properties(api_id)):
            continue
        auth = method.props.get("AuthorizationType")
        if auth is None or may_equal(template, auth, "NONE"):
            yield hit(
                method,
                f"API Gateway method {method.logical_id} has AuthorizationType NONE (or none "
                "set): anyone who can reach the API can call it.",
                method.props if auth is not None else None,
                "AuthorizationType",
            )
    for route in resources_of(document, "AWS::ApiGatewayV2::Route"):
        api_id = _referenced_id(route.props.get("ApiId"))
        api = template.properties(api_id) if api_id else {}
        key = template.resolve(route.props.get("RouteKey"))
        # WebSocket APIs authorize on $connect only; other routes cannot carry an authorizer.
        if may_equal(template, api.get("ProtocolType"), "WEBSOCKET") and key != "$connect":
            continue
        if not isinstance(key, str) or key.upper().startswith("OPTIONS "):
            continue
        auth = route.props.get("AuthorizationType")
        if auth is None or may_equal(template, auth, "NONE"):
            yield hit(
                route,
                f"API Gateway route {route.logical_id} ({key}) has no authorization: anyone "
                "who can reach the API can call it.",
                route.props if auth is not None else None,
                "AuthorizationType",
            )


_SAM_API_TYPES = {
    "Api": ("RestApiId", "AWS::Serverless::Api"),
    "HttpApi": ("ApiId", "AWS::Serverless::HttpApi"),
}


def _sam_api_protected(template: Template, event_type: str, event_props: dict) -> bool | None:
    """Whether the API an event attaches to has a default authorizer (None: unknown)."""
    id_key, api_type = _SAM_API_TYPES[event_type]
    if id_key in event_props:
        api_id = _referenced_id(event_props[id_key])
        if not api_id or template.resource_type(api_id) != api_type:
            return None
        api = template.properties(api_id)
    else:  # the implicit API takes Globals.Api / Globals.HttpApi
        api = (
            template.globals.get(event_type)
            if isinstance(template.globals.get(event_type), dict)
            else {}
        )
    if "DefinitionBody" in api or "DefinitionUri" in api or _is_private_api(template, api):
        return None  # security comes from the OpenAPI definition, or it is not public
    auth = get_map(api, "Auth")
    if auth is None:
        return None if "Auth" in api else False  # an intrinsic Auth is unknown
    if "ResourcePolicy" in auth:
        return None
    default = auth.get("DefaultAuthorizer")
    if default is None:
        return False
    return not may_equal(template, default, "NONE")


def _sam_event_hits(document: Document) -> Iterator[Hit]:
    template = template_of(document)
    for function in resources_of(document, SAM_FUNCTION):
        events = get_map(function.props, "Events") or {}
        for event_name, event in events.items():
            if not isinstance(event, dict):
                continue
            event_type = template.resolve(event.get("Type"))
            if not isinstance(event_type, str) or event_type not in _SAM_API_TYPES:
                continue
            props = get_map(event, "Properties") or YamlMap(getattr(event, "region", None))
            if may_equal(template, props.get("Method"), "options"):
                continue
            auth = get_map(props, "Auth")
            authorizer = auth.get("Authorizer") if auth else None
            if authorizer is not None:
                if not may_equal(template, authorizer, "NONE"):
                    continue
                why, container, key = "sets Auth.Authorizer NONE", auth, "Authorizer"
            else:
                if _sam_api_protected(template, event_type, props) is not False:
                    continue
                why, container, key = "has no Auth and its API no DefaultAuthorizer", event, "Type"
            yield hit(
                function,
                f"{event_type} event {event_name} of function {function.logical_id} {why}: "
                "anyone who can reach the API can invoke the function.",
                container,
                key,
                event=str(event_name),
            )


@check("CFN017")
def api_no_auth(document: Document, rule: Rule) -> Iterator[Hit]:
    yield from _method_hits(document)
    yield from _sam_event_hits(document)


# -- Logging, keys, encryption (CFN020-CFN022, CFN029) ---------------------------------------


@check("CFN020")
def cloudtrail_weak(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for trail in resources_of(document, "AWS::CloudTrail::Trail"):
        props = trail.props
        problems = []
        if may_be_false(template, props, "IsLogging"):
            problems.append(("IsLogging", "is not logging (IsLogging false)"))
        for key, what in (
            ("EnableLogFileValidation", "does not validate log files (EnableLogFileValidation)"),
            ("IsMultiRegionTrail", "covers one region only (IsMultiRegionTrail)"),
        ):
            if is_false_or_missing(template, props, key):
                problems.append((key, what))
        if "KMSKeyId" not in props:
            problems.append((None, "does not encrypt logs with a KMS key (KMSKeyId)"))
        for key, what in problems:
            yield hit(
                trail,
                f"CloudTrail trail {trail.logical_id} {what}, weakening the audit trail.",
                props if key in props else None,
                key,
                weakness=key or "KMSKeyId",
            )


@check("CFN021")
def kms_rotation(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for key in resources_of(document, "AWS::KMS::Key"):
        spec = key.props.get("KeySpec", key.props.get("KeyUsage"))
        symmetric = spec is None or may_equal(
            template, spec, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"
        )
        if not symmetric or may_equal(template, key.props.get("KeyUsage"), "GENERATE_VERIFY_MAC"):
            continue
        if is_false_or_missing(template, key.props, "EnableKeyRotation"):
            yield hit(
                key,
                f"KMS key {key.logical_id} does not enable automatic key rotation "
                "(EnableKeyRotation): a leaked key version stays valid indefinitely.",
                key.props if "EnableKeyRotation" in key.props else None,
                "EnableKeyRotation",
            )


@check("CFN022")
def queue_topic_unencrypted(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for queue in resources_of(document, "AWS::SQS::Queue"):
        if "KmsMasterKeyId" in queue.props:
            continue
        if not is_false_or_missing(template, queue.props, "SqsManagedSseEnabled"):
            continue
        yield hit(
            queue,
            f"SQS queue {queue.logical_id} sets neither KmsMasterKeyId nor SqsManagedSseEnabled: "
            "its messages are not encrypted at rest under the template's control.",
            queue.props if "SqsManagedSseEnabled" in queue.props else None,
            "SqsManagedSseEnabled",
        )
    for topic in resources_of(document, "AWS::SNS::Topic"):
        if "KmsMasterKeyId" not in topic.props:
            yield hit(
                topic,
                f"SNS topic {topic.logical_id} has no KmsMasterKeyId: its messages are not "
                "encrypted at rest.",
            )


@check("CFN029")
def log_group_retention(document: Document, rule: Rule) -> Iterator[Hit]:
    for group in resources_of(document, "AWS::Logs::LogGroup"):
        if "RetentionInDays" not in group.props:
            yield hit(
                group,
                f"Log group {group.logical_id} has no RetentionInDays: logs are kept forever "
                "(cost, and personal data retained without limit).",
                missing="RetentionInDays",
            )
        if "KmsKeyId" not in group.props:
            yield hit(
                group,
                f"Log group {group.logical_id} has no KmsKeyId: its logs are not encrypted with "
                "a key you control.",
                severity=Severity.LOW,
                missing="KmsKeyId",
            )


# -- EC2 metadata and listeners (CFN023, CFN024) ---------------------------------------------


@check("CFN023")
def imdsv1_allowed(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for instance in resources_of(document, "AWS::EC2::Instance"):
        launch_template = get_map(instance.props, "LaunchTemplate")
        if launch_template is not None:
            continue  # its launch template decides (checked below when in this template)
        yield hit(
            instance,
            f"EC2 instance {instance.logical_id} has no launch template requiring IMDSv2: the "
            "instance metadata service accepts IMDSv1 requests (SSRF can steal its role "
            "credentials).",
        )
    holders = (
        ("AWS::EC2::LaunchTemplate", lambda p: get_map(p, "LaunchTemplateData")),
        ("AWS::AutoScaling::LaunchConfiguration", lambda p: p),
    )
    for resource_type, data_of in holders:
        for holder in resources_of(document, resource_type):
            data = data_of(holder.props)
            if data is None:
                continue
            options = data.get("MetadataOptions")
            if options is None:
                yield hit(
                    holder,
                    f"{holder.logical_id} has no MetadataOptions with HttpTokens required: "
                    "instances accept IMDSv1 requests.",
                )
                continue
            for config in map_values(template, options):
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


_WEAK_TLS_POLICY = re.compile(
    r"^ELBSecurityPolicy-(2015-05|2016-08|TLS-1-0|TLS-1-1|FS-2018-06|FS-1-1|TLS13-1-0|TLS13-1-1)"
    r"|^ELBSecurityPolicy-TLS13-1-2-Ext|^ELBSecurityPolicy-TLS-1-1",
    re.IGNORECASE,
)


def _redirects_to_https(template: Template, actions: Any) -> bool | None:
    """True when the default actions redirect to HTTPS (None when they cannot be read)."""
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
    template = template_of(document)
    for listener in resources_of(document, "AWS::ElasticLoadBalancingV2::Listener"):
        props = listener.props
        balancer = _referenced_id(props.get("LoadBalancerArn"))
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
            if _WEAK_TLS_POLICY.match(policy):
                yield hit(
                    listener,
                    f"Load balancer listener {listener.logical_id} uses SSL policy {policy}, "
                    "which allows TLS versions below 1.2.",
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


# -- IAM resources (CFN025, CFN026) ----------------------------------------------------------


@check("CFN025")
def iam_user_access_key(document: Document, rule: Rule) -> Iterator[Hit]:
    for key in resources_of(document, "AWS::IAM::AccessKey"):
        yield hit(
            key,
            f"IAM access key {key.logical_id} creates long-term credentials that do not expire "
            "and are easily leaked; use roles and temporary credentials.",
        )
    for user in resources_of(document, "AWS::IAM::User"):
        for key in ("Policies", "ManagedPolicyArns"):
            value = user.props.get(key)
            if isinstance(value, list) and value:
                yield hit(
                    user,
                    f"IAM user {user.logical_id} gets permissions directly ({key}); grant them "
                    "to a group or role so they are reviewed and revoked in one place.",
                    user.props,
                    key,
                )


# For fullmatch. Word characters throughout are checked once, ahead: `\w*FullAccess\w*$` tries
# the end from every `FullAccess` of a long name ending in a non-word character (quadratic).
_FULL_ACCESS = re.compile(r"AdministratorAccess|PowerUserAccess|(?=\w*+\Z)\w*?FullAccess\w*+")
_AWS_MANAGED_ARN = re.compile(r"^arn:[\w-]+:iam::aws:policy/(?:.*/)?([\w+=,.@-]+)$")


def _full_access_name(text: str, bare_names: bool) -> str | None:
    match = _AWS_MANAGED_ARN.match(text.strip())
    name = match.group(1) if match else (text.strip() if bare_names else None)
    return name if name and _FULL_ACCESS.fullmatch(name) else None


@check("CFN026")
def iam_full_access_managed_policy(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    holders = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
    sources = [(r, "ManagedPolicyArns", False) for r in resources_of(document, *holders)]
    # SAM Policies: a managed policy name or ARN as a string item (maps are policy templates
    # and statements, checked by the IAM pack).
    sam_types = (SAM_FUNCTION, "AWS::Serverless::StateMachine")
    sources += [(r, "Policies", True) for r in resources_of(document, *sam_types)]
    for resource, key, bare_names in sources:
        reported: set[str] = set()
        for container, where, text in _policy_names(template, resource.props, key):
            name = _full_access_name(text, bare_names)
            if name and name not in reported:
                reported.add(name)
                yield hit(
                    resource,
                    f"{resource.logical_id} is granted the AWS managed policy {name}, far more "
                    "than any one workload needs.",
                    container,
                    where,
                    policy=name,
                )


def _policy_names(template: Template, props: YamlMap, key: str) -> Iterator[tuple[Any, Any, str]]:
    """(container, key or index, text) for each string a policy list may hold: the list may
    be a single string, or sit behind Fn::If, and so may each item."""
    for candidate in template.possible_values(props.get(key)):
        if isinstance(candidate, str):
            yield props, key, candidate
        elif isinstance(candidate, list):
            for index, item in enumerate(candidate):
                for text in template.resolved_strings(item):
                    yield candidate, index, text


# -- ECS (CFN027) ------------------------------------------------------------------------------


@check("CFN027")
def ecs_task_insecure(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    for task in resources_of(document, "AWS::ECS::TaskDefinition"):
        if may_equal(template, task.props.get("NetworkMode"), "host"):
            yield hit(
                task,
                f"ECS task definition {task.logical_id} uses NetworkMode host: containers share "
                "the host's network stack and can reach its local services.",
                task.props,
                "NetworkMode",
            )
        for _, index, container in list_items(template, task.props.get("ContainerDefinitions")):
            name = template.resolve(container.get("Name"))
            name = name if isinstance(name, str) else f"#{index + 1}"
            yield from _container_hits(template, task, container, name)


def _container_hits(
    template: Template, task: Resource, container: YamlMap, name: str
) -> Iterator[Hit]:
    # Findings about the container as a whole point at its Name.
    anchor = region_at(container, "Name", region_at(container, None, task.region))
    subject = Resource(task.logical_id, task.type, task.props, anchor)
    where = f"Container {name} of task definition {task.logical_id}"
    label = f"{task.label} container {name}"
    found: list[Hit] = []
    if may_be_true(template, container, "Privileged"):
        message = f"{where} runs privileged: it has full access to the host."
        found.append(hit(subject, message, container, "Privileged"))
    user = template.resolve(container.get("User"))
    if isinstance(user, (str, int)) and re.fullmatch(r"(root|0)(:.*)?", str(user).strip()):
        found.append(hit(subject, f"{where} runs as root (User {user}).", container, "User"))
    if is_false_or_missing(template, container, "ReadonlyRootFilesystem"):
        found.append(
            hit(
                subject,
                f"{where} has a writable root filesystem (ReadonlyRootFilesystem not "
                "true), so an attacker can modify its binaries.",
                container if "ReadonlyRootFilesystem" in container else None,
                "ReadonlyRootFilesystem",
                severity=Severity.LOW,
            )
        )
    for _, _, variable in list_items(template, container.get("Environment")):
        variable_name = variable.get("Name")
        if not isinstance(variable_name, str):
            continue
        secret = hardcoded_credential(variable_name, variable.get("Value"))
        if secret:
            found.append(
                hit(
                    subject,
                    f"{where} sets environment variable {variable_name} to a hard-coded "
                    "credential; pass it with the container definition's ValueFrom instead.",
                    variable,
                    "Value",
                    severity=Severity.CRITICAL,
                    variable=variable_name,
                    secret_values=(secret,),
                )
            )
    for item in found:
        item.resource = label
        item.properties["container"] = name
        yield item
