"""`!Ref AWS::NoValue` as a branch of Fn::If removes the property: where the branch may be
taken, the property is as good as not written (CFN001, 003-005, 011-013, 020-022, 029)."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import lines_of

HEAD = """\
Parameters:
  Env: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Always: !Equals [a, a]
  Never: !Equals [a, b]
Resources:
"""
# (rule, resource text written after HEAD (line 8 on), line expected)
CASES = [
    (
        "CFN001",
        """\
  B:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: !If
        - IsProd
        - BlockPublicAcls: true
          BlockPublicPolicy: true
          IgnorePublicAcls: true
          RestrictPublicBuckets: true
        - !Ref AWS::NoValue
""",
        11,
    ),
    (
        "CFN001",
        """\
  B:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: !If [IsProd, true, !Ref AWS::NoValue]
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
""",
        13,
    ),
    (
        "CFN003",
        """\
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption: !If
        - IsProd
        - ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
        - !Ref AWS::NoValue
""",
        11,
    ),
    (
        "CFN004",
        """\
  B:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: !If [IsProd, {Status: Enabled}, !Ref "AWS::NoValue"]
""",
        11,
    ),
    (
        "CFN005",
        """\
  B:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration:
        Fn::If: [IsProd, {DestinationBucketName: logs}, {Ref: AWS::NoValue}]
""",
        11,
    ),
    (
        "CFN011",
        """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      StorageEncrypted: !If [IsProd, true, !Ref AWS::NoValue]
""",
        12,
    ),
    (
        "CFN012",
        """\
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      StorageEncrypted: true
      DeletionProtection: !If [IsProd, true, !Ref AWS::NoValue]
""",
        13,
    ),
    (
        "CFN013",
        """\
  V:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: a
      Encrypted: !If [IsProd, true, !If [Never, false, !Ref AWS::NoValue]]
""",
        12,
    ),
    (
        "CFN013",
        """\
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions: {HttpTokens: required}
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs: {VolumeSize: 20, Encrypted: !If [IsProd, true, !Ref AWS::NoValue]}
""",
        15,
    ),
    (
        "CFN020",
        """\
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: logs
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      KMSKeyId: !If [IsProd, alias/trail, !Ref AWS::NoValue]
""",
        15,
    ),
    (
        "CFN021",
        """\
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: !If [IsProd, true, !Ref AWS::NoValue]
""",
        11,
    ),
    (
        "CFN022",
        """\
  Q:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !If [IsProd, alias/aws/sqs, !Ref AWS::NoValue]
""",
        8,
    ),
    (
        "CFN022",
        """\
  T:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !If [IsProd, alias/aws/sns, !Ref AWS::NoValue]
""",
        11,
    ),
    (
        "CFN029",
        """\
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      KmsKeyId: alias/logs
      RetentionInDays: !If [IsProd, 365, !Ref AWS::NoValue]
""",
        12,
    ),
]


@pytest.mark.parametrize(("rule_id", "resource", "line"), CASES)
def test_no_value_branch_is_a_missing_property(tmp_path, rule_id, resource, line):
    assert line in lines_of(scan_text(tmp_path, HEAD + resource), rule_id)


@pytest.mark.parametrize(("rule_id", "resource", "line"), CASES)
def test_no_value_branch_not_taken_is_not_reported(tmp_path, rule_id, resource, line):
    # `Always` is known true: the first branch is the only one deployed.
    text = HEAD + resource.replace("IsProd", "Always")
    assert line not in lines_of(scan_text(tmp_path, text), rule_id)


def test_no_value_in_the_first_branch_of_a_false_condition_is_not_taken(tmp_path):
    text = HEAD + (
        "  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
        "      EnableKeyRotation: !If [Never, !Ref AWS::NoValue, true]\n"
    )
    assert not lines_of(scan_text(tmp_path, text), "CFN021")


@pytest.mark.parametrize(
    "source",
    [
        "KmsKeyId: !If [IsProd, alias/db, !Ref AWS::NoValue]",
        "DBSnapshotIdentifier: !If [IsProd, !Ref Snapshot, !Ref AWS::NoValue]",
        "DBSnapshotIdentifier: !Ref Snapshot",  # its default "" restores no snapshot
        "SourceDBInstanceIdentifier: !If [IsProd, primary-db, !Ref AWS::NoValue]",
        "DBClusterIdentifier: !If [IsProd, orders, !Ref AWS::NoValue]",
    ],
)
def test_rds_exemption_removed_by_no_value_does_not_exempt(tmp_path, source):
    # A key, a snapshot, a source or a cluster that one branch leaves out: that branch
    # creates a database of its own, unencrypted.
    text = HEAD.replace("Parameters:\n", "Parameters:\n  Snapshot: {Type: String, Default: ''}\n")
    text += "  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n"
    text += f"      {source}\n"
    assert lines_of(scan_text(tmp_path, text), "CFN011") == [9]


@pytest.mark.parametrize(
    "source",
    [
        "KmsKeyId: !If [IsProd, alias/db, alias/other]",
        "DBSnapshotIdentifier: !Ref Snapshot",  # a snapshot is given by default
        "SourceDBInstanceIdentifier: !GetAtt Primary.DBInstanceArn",
        "DBClusterIdentifier: !If [Always, orders, !Ref AWS::NoValue]",
    ],
)
def test_rds_exemption_always_written_still_exempts(tmp_path, source):
    text = HEAD.replace(
        "Parameters:\n", "Parameters:\n  Snapshot: {Type: String, Default: snap-1}\n"
    )
    text += "  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n"
    text += f"      {source}\n"
    assert not lines_of(scan_text(tmp_path, text), "CFN011")


def test_instance_that_may_stand_alone_needs_deletion_protection(tmp_path):
    text = HEAD + (
        "  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n"
        "      DBClusterIdentifier: !If [IsProd, orders, !Ref AWS::NoValue]\n"
    )
    assert lines_of(scan_text(tmp_path, text), "CFN012") == [8]
    member = text.replace("!If [IsProd, orders, !Ref AWS::NoValue]", "orders")
    assert not lines_of(scan_text(tmp_path, member), "CFN012")
