"""Storage: S3 buckets (CFN001-CFN005), RDS (CFN010-CFN012), EBS (CFN013)."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import CFN, scan_text
from tests.conftest import findings_of, lines_of, run_scan


@pytest.mark.parametrize(
    ("rule_id", "case", "line"),
    [
        ("CFN001", "bad", 2),
        ("CFN001", "bad-flag-false", 7),
        ("CFN004", "bad-suspended", 6),
        ("CFN005", "bad-self", 6),
        ("CFN010", "bad", 6),
        ("CFN011", "bad-cluster", 6),
        ("CFN012", "bad", 7),
        ("CFN013", "bad-launch-template", 8),
    ],
)
def test_catches_at_the_line(rule_id, case, line):
    assert line in lines_of(CFN / rule_id / case, rule_id)


def test_each_public_access_flag_turned_off_is_reported_where_it_is_written(tmp_path):
    # Each flag written false is its own line to fix; the flags left out are reported at
    # the configuration that leaves them out.
    result = scan_text(
        tmp_path,
        """Resources:
  DataBucket:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: "false"
        BlockPublicPolicy: true
        IgnorePublicAcls: false
""",
    )
    hits = sorted(findings_of(result, "CFN001"), key=lambda f: f.region.start_line)
    assert [(f.region.start_line, f.properties["disabledFlags"]) for f in hits] == [
        (5, ["RestrictPublicBuckets"]),
        (6, ["BlockPublicAcls"]),
        (8, ["IgnorePublicAcls"]),
    ]


def test_require_kms_option(tmp_path):
    good = CFN / "CFN003" / "good"  # AES256
    assert not findings_of(good, "CFN003")
    strict = run_scan(good, rule_options={"CFN003": {"require_kms": True}})
    assert lines_of(strict, "CFN003") == [8]


def test_if_branches_are_both_checked():
    assert lines_of(CFN / "CFN002" / "bad-if-branch", "CFN002") == [7]


def test_log_destination_buckets_are_not_asked_to_log(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  CdnLogs:
    Type: AWS::S3::Bucket
  Content:
    Type: AWS::S3::Bucket
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Logging: {Bucket: !GetAtt CdnLogs.DomainName}
        Origins:
          - {Id: s3, DomainName: !GetAtt Content.RegionalDomainName}
""",
    )
    assert [f.resource for f in findings_of(result, "CFN005")] == ["AWS::S3::Bucket Content"]


def test_rds_cluster_named_by_db_cluster_identifier_is_checked():
    # The cluster's DBClusterIdentifier is its own name; only its member instance inherits.
    found = findings_of(CFN / "CFN011" / "bad-named-cluster", "CFN011")
    assert [f.resource for f in found] == ["AWS::RDS::DBCluster OrdersCluster"]
    assert not findings_of(CFN / "CFN011" / "good-cluster-member", "CFN011")


def test_rds_encryption_inherited_or_by_key_is_not_asked_for(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Plain:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, StorageEncrypted: false}
  Keyed:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, KmsKeyId: alias/db}
  Replica:
    Type: AWS::RDS::DBInstance
    Properties: {SourceDBInstanceIdentifier: !Ref Plain}
  Serverless:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql, EngineMode: serverless}
  Provisioned:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql}
""",
    )
    assert [
        (f.region.start_line, f.message.split(" does")[0]) for f in findings_of(result, "CFN011")
    ] == [(4, "RDS instance Plain"), (14, "RDS cluster Provisioned")]


@pytest.mark.parametrize(
    ("kind", "properties"),
    [
        # An Aurora instance's storage is its cluster's, even where the cluster is not named.
        ("DBInstance", "Engine: aurora-postgresql"),
        ("DBInstance", "Engine: !Ref Engine"),
        # Restores and replicas inherit the source's encryption.
        ("DBInstance", "Engine: mysql, DBClusterSnapshotIdentifier: multi-az-snap"),
        (
            "DBInstance",
            "Engine: mysql, SourceDbiResourceId: db-ABCDEFGHIJ, UseLatestRestorableTime: true",
        ),
        ("DBCluster", "Engine: aurora-mysql, ReplicationSourceIdentifier: !Ref SourceArn"),
        (
            "DBCluster",
            "Engine: aurora-mysql, SourceDBClusterIdentifier: orders, RestoreType: copy-on-write",
        ),
    ],
)
def test_rds_storage_set_elsewhere_is_not_asked_for(tmp_path, kind, properties):
    text = (
        "Parameters:\n  Engine: {Type: String, Default: aurora-mysql}\n"
        "  SourceArn: {Type: String}\nResources:\n"
        f"  Db:\n    Type: AWS::RDS::{kind}\n    Properties: {{{properties}}}\n"
    )
    assert not findings_of(scan_text(tmp_path, text), "CFN011")


@pytest.mark.parametrize(
    "properties",
    [
        "Engine: mysql, DBClusterSnapshotIdentifier: ''",  # an empty identifier restores nothing
        "Engine: !If [Aurora, aurora-mysql, mysql]",  # the mysql branch stands alone
        "Engine: postgres, SnapshotIdentifier: snap-1",  # a cluster's property: not a restore
    ],
)
def test_rds_instance_that_stands_alone_is_checked(tmp_path, properties):
    text = (
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "Conditions:\n  Aurora: !Equals [!Ref Env, prod]\nResources:\n"
        f"  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: {{{properties}}}\n"
    )
    assert lines_of(scan_text(tmp_path, text), "CFN011") == [6]


@pytest.mark.parametrize(
    "logging",
    [
        "LoggingConfiguration: {LogFilePrefix: access/}",  # S3 logs into the bucket itself
        "LoggingConfiguration: {}",
        "LoggingConfiguration: {DestinationBucketName: !Ref AWS::NoValue}",
        "LoggingConfiguration: {DestinationBucketName: orders-data}",  # its own BucketName
        "LoggingConfiguration: {DestinationBucketName: !Sub '${Prefix}-data'}",
        "LoggingConfiguration: {DestinationBucketName: !Ref DataName}",
    ],
)
def test_logging_into_itself_by_default_or_by_name(tmp_path, logging):
    result = scan_text(
        tmp_path,
        f"""\
Parameters:
  Prefix: {{Type: String, Default: orders}}
  DataName: {{Type: String, Default: orders-data}}
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '${{Prefix}}-data'
      {logging}
""",
    )
    found = findings_of(result, "CFN005")
    assert [f.region.start_line for f in found] == [9]
    assert "into itself" in found[0].message


@pytest.mark.parametrize(
    ("name", "destination"),
    [
        ("orders-data", "orders-logs"),
        # Unknown names (the stack's): not the same bucket unless written the same way.
        ("!Sub '${AWS::StackName}-data'", "!Sub '${AWS::StackName}-logs'"),
        ("!Ref AWS::StackName", "!ImportValue LogsBucket"),
    ],
)
def test_logging_into_another_bucket_is_not_into_itself(tmp_path, name, destination):
    result = scan_text(
        tmp_path,
        f"""\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {name}
      LoggingConfiguration: {{DestinationBucketName: {destination}}}
""",
    )
    assert not findings_of(result, "CFN005")


def test_same_unresolved_name_expression_is_the_same_bucket(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '${AWS::StackName}-data'
      LoggingConfiguration:
        DestinationBucketName: !Sub '${AWS::StackName}-data'
""",
    )
    assert lines_of(result, "CFN005") == [7]


def test_log_destination_named_by_its_bucket_name_is_not_asked_to_log(tmp_path):
    # Another bucket and a Config channel write into the logs buckets by literal or Sub name.
    result = scan_text(
        tmp_path,
        """\
Parameters:
  Env: {Type: String, Default: prod}
Resources:
  AccessLogs:
    Type: AWS::S3::Bucket
    Properties: {BucketName: acme-access-logs}
  ConfigLogs:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub 'acme-${Env}-config'}
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: {DestinationBucketName: acme-access-logs}
  Channel:
    Type: AWS::Config::DeliveryChannel
    Properties: {S3BucketName: acme-prod-config}
""",
    )
    assert not findings_of(result, "CFN005")


def test_log_destination_behind_fn_if_is_not_asked_to_log(tmp_path):
    # The flow log writes into the new bucket or into one the stack is given; the new bucket
    # logs its own access only when a logs bucket is given (else AWS::NoValue).
    result = scan_text(
        tmp_path,
        """\
Parameters:
  ExistingBucket: {Type: String, Default: ""}
  AccessLogsBucket: {Type: String, Default: ""}
Conditions:
  NewBucket: !Equals [!Ref ExistingBucket, ""]
  HasAccessLogs: !Not [!Equals [!Ref AccessLogsBucket, ""]]
Resources:
  FlowLogsBucket:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: !If
        - HasAccessLogs
        - DestinationBucketName: !Ref AccessLogsBucket
        - !Ref AWS::NoValue
  FlowLog:
    Type: AWS::EC2::FlowLog
    Properties:
      LogDestinationType: s3
      LogDestination: !If
        - NewBucket
        - !GetAtt FlowLogsBucket.Arn
        - !Sub arn:${AWS::Partition}:s3:::${ExistingBucket}
      ResourceId: vpc-1
      ResourceType: VPC
      TrafficType: ALL
""",
    )
    assert not findings_of(result, "CFN005")


@pytest.mark.parametrize(
    ("volume", "line"),
    [
        # A volume restored from a snapshot is as encrypted as the snapshot: not known here.
        ("SnapshotId: snap-0123456789abcdef0", None),
        (
            "SnapshotId: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]\n"
            "      Encrypted: !If [FromSnapshot, !Ref AWS::NoValue, true]",
            None,
        ),
        # The branch without a snapshot creates a blank volume, unencrypted.
        ("SnapshotId: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]", 6),
        ("SnapshotId: ''", 6),
    ],
)
def test_ebs_volume_from_a_snapshot_inherits_its_encryption(tmp_path, volume, line):
    text = (
        "Parameters:\n  Snapshot: {Type: String, Default: ''}\n"
        "Conditions:\n  FromSnapshot: !Not [!Equals [!Ref Snapshot, '']]\nResources:\n"
        "  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      AvailabilityZone: a\n"
        f"      {volume}\n"
    )
    assert lines_of(scan_text(tmp_path, text), "CFN013") == ([line] if line else [])


@pytest.mark.parametrize(
    ("ebs", "reported"),
    [
        ("{SnapshotId: snap-0123456789abcdef0}", False),
        ("{SnapshotId: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]}", True),
        ("{SnapshotId: !Ref Snapshot}", True),  # its default "" restores nothing
        (
            "{SnapshotId: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue],"
            " Encrypted: !If [FromSnapshot, !Ref AWS::NoValue, true]}",
            False,
        ),
    ],
)
def test_block_device_from_a_snapshot_inherits_its_encryption(tmp_path, ebs, reported):
    text = (
        "Parameters:\n  Snapshot: {Type: String, Default: ''}\n"
        "Conditions:\n  FromSnapshot: !Not [!Equals [!Ref Snapshot, '']]\nResources:\n"
        "  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n"
        f"      BlockDeviceMappings:\n        - DeviceName: /dev/sdf\n          Ebs: {ebs}\n"
    )
    assert bool(lines_of(scan_text(tmp_path, text), "CFN013")) is reported


def test_launch_template_block_devices_behind_fn_if(tmp_path):
    text = """\
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: !If
        - IsProd
        - BlockDeviceMappings: [{DeviceName: /dev/xvda, Ebs: {Encrypted: true}}]
        - BlockDeviceMappings: [{DeviceName: /dev/xvdb, Ebs: {VolumeSize: 8}}]
"""
    found = findings_of(scan_text(tmp_path, text), "CFN013")
    assert [(f.region.start_line, "/dev/xvdb" in f.message) for f in found] == [(12, True)]


@pytest.mark.parametrize(
    "producer",
    [
        "Type: AWS::WAFv2::LoggingConfiguration\n    Properties:\n      ResourceArn: arn:waf\n"
        "      LogDestinationConfigs: [!GetAtt Logs.Arn]",
        "Type: AWS::Route53Resolver::ResolverQueryLoggingConfig\n    Properties:\n"
        "      DestinationArn: !Sub arn:${AWS::Partition}:s3:::${Logs}/dns",
        "Type: AWS::Logs::DeliveryDestination\n    Properties:\n      Name: d\n"
        "      DestinationResourceArn: !GetAtt Logs.Arn",
        "Type: AWS::NetworkFirewall::LoggingConfiguration\n    Properties:\n      FirewallArn: a\n"
        "      LoggingConfiguration:\n        LogDestinationConfigs:\n"
        "          - {LogType: FLOW, LogDestinationType: S3,"
        " LogDestination: {bucketName: !Ref Logs}}",
        "Type: AWS::EMR::Cluster\n    Properties:\n      LogUri: s3://acme-logs/emr/",
        "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n"
        "      LoadBalancerAttributes:\n"
        "        - {Key: connection_logs.s3.bucket, Value: !Ref Logs}",
    ],
)
def test_buckets_other_services_log_into_are_not_asked_to_log(tmp_path, producer):
    text = (
        "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: acme-logs}\n"
        f"  Producer:\n    {producer}\n"
    )
    assert not findings_of(scan_text(tmp_path, text), "CFN005")
