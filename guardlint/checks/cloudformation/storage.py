"""Storage of CloudFormation resources: S3 buckets (public access, encryption, versioning,
access logs), RDS backups and deletion protection, EBS volume encryption."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from guardlint.checks.cloudformation.hits import (
    hit,
    in_each_scenario,
    scenario_hits,
    unless_enabled,
)
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED, referenced_id, same_value
from guardlint.documents.cloudformation.log_buckets import log_target_buckets
from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    get_map,
    is_false_or_missing,
    is_set,
    list_items,
    map_values,
    may_be_missing,
    may_equal,
)
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

BUCKET = ("AWS::S3::Bucket",)
BLOCK_PUBLIC_FLAGS = (
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
)


@check("CFN001")
def s3_public_access_block(document: Document, rule: Rule) -> Iterator[Hit]:
    """Buckets without PublicAccessBlockConfiguration, or with any of its four flags off."""
    yield from scenario_hits(document, BUCKET, ["PublicAccessBlockConfiguration"], _public_access)


def _set_maps(template: Template, bucket: Resource, key: str) -> list[dict] | None:
    """The maps the bucket's setting `key` may be (those not known left out); None where the
    setting may be missing."""
    if may_be_missing(template, bucket.props, key):
        return None
    # not missing, yet perhaps not written either: a macro (AWS::Include) may write it
    value = bucket.props.get(key)
    return [option for option in map_values(template, value) if option is not UNRESOLVED]


def _missing(bucket: Resource, key: str, consequence: str) -> Hit:
    """The bucket has no setting `key`, with the `consequence` that follows in the message."""
    message = f"S3 bucket {bucket.logical_id} has no {key}{consequence}"
    return hit(bucket, message, bucket.props, key)


def _public_access(template: Template, bucket: Resource) -> Iterator[Hit]:
    configs = _set_maps(template, bucket, "PublicAccessBlockConfiguration")
    if configs is None:
        consequence = ", so a public ACL or bucket policy can expose its objects."
        yield _missing(bucket, "PublicAccessBlockConfiguration", consequence)
        return
    for config in configs:
        off = [f for f in BLOCK_PUBLIC_FLAGS if is_false_or_missing(template, config, f)]
        # Each flag written false is a line of its own to fix; those left out are missing
        # from the configuration itself.
        left_out = [f for f in off if f not in config]
        groups = [([f], config, f) for f in off if f in config]
        if left_out:
            groups.append((left_out, bucket.props, "PublicAccessBlockConfiguration"))
        for flags, holder, key in groups:
            yield hit(
                bucket,
                f"S3 bucket {bucket.logical_id} does not enable {', '.join(flags)} in its "
                "PublicAccessBlockConfiguration, so public access is not fully blocked.",
                holder,
                key,
                disabledFlags=flags,
            )


@check("CFN003")
def s3_encryption(document: Document, rule: Rule) -> Iterator[Hit]:
    """Buckets without BucketEncryption; with the option require_kms, also those on AES256."""
    judge = partial(_encryption, require_kms=bool(rule.options.get("require_kms", False)))
    yield from scenario_hits(document, BUCKET, ["BucketEncryption"], judge)


def _encryption(template: Template, bucket: Resource, require_kms: bool) -> Iterator[Hit]:
    configs = _set_maps(template, bucket, "BucketEncryption")
    if configs is None:
        consequence = ": its default encryption is not declared or controlled by the template."
        yield _missing(bucket, "BucketEncryption", consequence)
        return
    if not require_kms:
        return
    for config in configs:
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
    """Buckets whose VersioningConfiguration is missing, Suspended or has no Status."""
    yield from scenario_hits(document, BUCKET, ["VersioningConfiguration"], _versioning)


def _versioning(template: Template, bucket: Resource) -> Iterator[Hit]:
    options = _set_maps(template, bucket, "VersioningConfiguration")
    if options is None:
        consequence = ": overwritten or deleted objects cannot be recovered."
        yield _missing(bucket, "VersioningConfiguration", consequence)
        return
    for option in options:
        status = option.get("Status")
        suspended = may_equal(template, status, "Suspended")
        if suspended or may_be_missing(template, option, "Status"):
            yield hit(
                bucket,
                f"S3 bucket {bucket.logical_id} does not enable versioning "
                f"(Status {suspended or 'missing'}).",
                option,
                "Status" if status is not None else None,
            )


def _logs_into_itself(template: Template, bucket: Resource, config: Any) -> bool:
    """Whether an access log configuration writes into its own bucket: S3's default when no
    DestinationBucketName is given, a reference to the bucket, or the bucket's own name (the
    same expression, or a value both may resolve to)."""
    if may_be_missing(template, config, "DestinationBucketName"):
        return True
    destination = config.get("DestinationBucketName")
    if referenced_id(destination) == bucket.logical_id:
        return True
    name = bucket.props.get("BucketName")
    if name is None:
        return False
    mine = set(template.resolved_strings(name))
    return same_value(destination, name) or bool(mine & set(template.resolved_strings(destination)))


@check("CFN005")
def s3_access_logging(document: Document, rule: Rule) -> Iterator[Hit]:
    """Buckets without access logs (unless they receive logs), or logging into themselves."""
    log_targets = functools.cache(partial(log_target_buckets, document))
    judge = partial(_access_logging, log_targets=log_targets)
    yield from scenario_hits(document, BUCKET, ["LoggingConfiguration"], judge)


def _access_logging(
    template: Template, bucket: Resource, log_targets: Callable[[], set[str]]
) -> Iterator[Hit]:
    configs = _set_maps(template, bucket, "LoggingConfiguration")
    if configs is None:
        # A bucket that receives logs must not log into a bucket of its own (loops, cost).
        if bucket.logical_id not in log_targets():
            consequence = ": requests to it leave no access log for investigations."
            yield _missing(bucket, "LoggingConfiguration", consequence)
        return
    for config in configs:
        if _logs_into_itself(template, bucket, config):
            written = "DestinationBucketName" in config
            yield hit(
                bucket,
                f"S3 bucket {bucket.logical_id} writes its access logs into itself"
                f"{'' if written else ' (no DestinationBucketName: S3 uses the bucket)'}, "
                "which creates a log for every log write and mixes logs with data.",
                config if written else bucket.props,
                "DestinationBucketName" if written else "LoggingConfiguration",
            )


RDS_INSTANCE, RDS_CLUSTER = "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"


@check("CFN012")
def rds_no_backup_or_deletion_protection(document: Document, rule: Rule) -> Iterator[Hit]:
    """RDS databases with BackupRetentionPeriod 0 or without DeletionProtection."""
    read = ["DBClusterIdentifier", "Engine", "BackupRetentionPeriod", "DeletionProtection"]
    aurora = tuple(str(engine) for engine in rule.options.get("aurora_engines", ()))
    judge = partial(_data_loss, aurora_engines=aurora)
    yield from scenario_hits(document, (RDS_INSTANCE, RDS_CLUSTER), read, judge)


def _data_loss(template: Template, db: Resource, aurora_engines: tuple[str, ...]) -> Iterator[Hit]:
    # An Aurora instance's backups and deletion protection are its cluster's: RDS ignores
    # both settings on it (the cluster is judged), whether or not it names the cluster.
    if db.type == RDS_INSTANCE and (
        not may_be_missing(template, db.props, "DBClusterIdentifier")
        or may_equal(template, db.props.get("Engine"), *aurora_engines)
    ):
        return
    retention = template.resolved_strings(db.props.get("BackupRetentionPeriod"))
    if "0" in retention:
        yield hit(
            db,
            f"RDS database {db.logical_id} has BackupRetentionPeriod 0: automated backups "
            "are off and data cannot be restored to a point in time.",
            db.props,
            "BackupRetentionPeriod",
        )
    yield from unless_enabled(
        template,
        db,
        "DeletionProtection",
        f"RDS database {db.logical_id} does not enable DeletionProtection: a stack "
        "update or a mistaken delete can drop it.",
    )


@check("CFN013")
def ebs_unencrypted(document: Document, rule: Rule) -> Iterator[Hit]:
    """EBS volumes, and block devices of instances and launch templates, not Encrypted; a
    volume restored from a snapshot is as encrypted as the snapshot, which is not known here."""
    template = template_of(document)
    for volume in resources_of(document, "AWS::EC2::Volume"):
        props = volume.props
        values = (props.get("Encrypted"), props.get("SnapshotId"))
        yield from in_each_scenario(template, volume, values, partial(_blank_volume, volume))
    holders = (
        ("AWS::EC2::Instance", "BlockDeviceMappings"),
        ("AWS::AutoScaling::LaunchConfiguration", "BlockDeviceMappings"),
        ("AWS::EC2::LaunchTemplate", "LaunchTemplateData"),
    )
    for resource_type, read in holders:
        for holder in resources_of(document, resource_type):
            judge = partial(_blank_block_devices, holder)
            yield from in_each_scenario(template, holder, [holder.props.get(read)], judge)


def _blank_volume(volume: Resource, template: Template) -> Iterator[Hit]:
    if not is_set(template, volume.props, "SnapshotId"):
        yield from unless_enabled(
            template,
            volume,
            "Encrypted",
            f"EBS volume {volume.logical_id} does not set Encrypted true: its data and "
            "snapshots are stored unencrypted.",
        )


def _blank_block_devices(holder: Resource, template: Template) -> Iterator[Hit]:
    if holder.type == "AWS::EC2::LaunchTemplate":
        # the launch template's data, maybe the branch of an Fn::If
        launched = map_values(template, holder.props.get("LaunchTemplateData"))
    else:
        launched = [holder.props]
    for data in launched:
        if data is not UNRESOLVED:
            yield from _blank_mappings(holder, data.get("BlockDeviceMappings"), template)


def _blank_mappings(holder: Resource, mappings: Any, template: Template) -> Iterator[Hit]:
    for _, _, mapping in list_items(template, mappings):
        for ebs in map_values(template, mapping.get("Ebs")):
            if ebs is UNRESOLVED or is_set(template, ebs, "SnapshotId"):
                continue
            if is_false_or_missing(template, ebs, "Encrypted"):
                device = template.resolve(mapping.get("DeviceName"))
                name = device if isinstance(device, str) else "a block device"
                yield hit(
                    holder,
                    f"Block device {name} of {holder.logical_id} does not set Encrypted "
                    "true: the volume is created unencrypted.",
                    ebs if "Encrypted" in ebs else mapping,
                    "Encrypted" if "Encrypted" in ebs else "Ebs",
                )
