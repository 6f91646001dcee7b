"""Fn::If branches that share a condition go together: CloudFormation takes the same branch
of every Fn::If on one condition, and a resource with `Condition: C` exists only where C is
true. A restore that one branch adds and the other removes is judged with the encryption
setting of the same branch (cfn-lint's scenarios)."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of, lines_of

HEAD = """\
Parameters:
  Snapshot: {Type: String, Default: ""}
  Env: {Type: String, Default: dev}
Conditions:
  FromSnapshot: !Not [!Equals [!Ref Snapshot, ""]]
  NewDatabase: !Equals [!Ref Snapshot, ""]
  IsProd: !Equals [!Ref Env, prod]
Resources:
"""


@pytest.mark.parametrize(
    "resource",
    [
        # The branch that restores inherits the snapshot's encryption; the other encrypts.
        """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [FromSnapshot, !Ref AWS::NoValue, true]
""",
        """\
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      SnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [FromSnapshot, !Ref AWS::NoValue, true]
""",
        # The opposite condition, derived from the same parameter, goes with it.
        """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [NewDatabase, true, !Ref AWS::NoValue]
""",
        # A resource that exists only under its condition takes that condition's branch.
        """\
  ProdQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      SqsManagedSseEnabled: !If [IsProd, true, false]
""",
        """\
  Replica:
    Type: AWS::RDS::DBInstance
    Condition: FromSnapshot
    Properties:
      Engine: mysql
      SourceDBInstanceIdentifier: !If [FromSnapshot, primary, !Ref AWS::NoValue]
""",
    ],
)
def test_branches_of_one_condition_are_taken_together(tmp_path, resource):
    result = scan_text(tmp_path, HEAD + resource)
    assert not lines_of(result, "CFN011") and not lines_of(result, "CFN022")


@pytest.mark.parametrize(
    ("resource", "rule_id", "line"),
    [
        # The branch that creates a new database leaves it unencrypted.
        (
            """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [FromSnapshot, !Ref AWS::NoValue, false]
""",
            "CFN011",
            14,
        ),
        # Two independent conditions: every combination may deploy.
        (
            """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [IsProd, true, !Ref AWS::NoValue]
""",
            "CFN011",
            14,
        ),
        (
            """\
  ProdQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      SqsManagedSseEnabled: !If [IsProd, false, true]
""",
            "CFN022",
            13,
        ),
    ],
)
def test_each_deployable_combination_is_still_judged(tmp_path, resource, rule_id, line):
    assert lines_of(scan_text(tmp_path, HEAD + resource), rule_id) == [line]


@pytest.mark.parametrize(
    ("rule_id", "resource"),
    [
        (
            "CFN001",
            """\
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: !If
        - IsProd
        - {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true,
           RestrictPublicBuckets: true}
        - !Ref AWS::NoValue
""",
        ),
        (
            "CFN003",
            """\
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption: !If
        - IsProd
        - ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}
        - !Ref AWS::NoValue
""",
        ),
        (
            "CFN004",
            """\
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: !If [IsProd, {Status: Enabled}, {Status: Suspended}]
""",
        ),
        (
            "CFN005",
            """\
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: !If [IsProd, {DestinationBucketName: logs}, !Ref AWS::NoValue]
""",
        ),
        (
            "CFN012",
            """\
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      StorageEncrypted: true
      DeletionProtection: !If [IsProd, true, false]
""",
        ),
        (
            "CFN021",
            """\
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: !If [IsProd, true, !Ref AWS::NoValue]
""",
        ),
        (
            "CFN023",
            """\
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions: !If [IsProd, {HttpTokens: required}, !Ref AWS::NoValue]
""",
        ),
    ],
)
def test_a_resource_exists_only_where_its_condition_holds(tmp_path, rule_id, resource):
    # The branch its own condition rules out is never deployed with it.
    text = HEAD + "  Thing:\n    Condition: IsProd\n" + resource
    assert not lines_of(scan_text(tmp_path, text), rule_id)
    anyway = HEAD + "  Thing:\n" + resource
    assert lines_of(scan_text(tmp_path, anyway), rule_id)


def test_a_problem_each_branch_words_differently_is_one_finding(tmp_path):
    # Both deployments give the bucket a public ACL: one problem, at AccessControl, whose
    # message names the other deployment's ACL.
    text = HEAD + (
        "  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      AccessControl: !If [IsProd, PublicRead, PublicReadWrite]\n"
    )
    (finding,) = findings_of(scan_text(tmp_path, text), "CFN002")
    assert finding.region.start_line == 12
    assert finding.message == (
        "S3 bucket Bucket has the canned ACL PublicRead, which grants access to everyone (or "
        "every AWS account). Where IsProd is false: S3 bucket Bucket has the canned ACL "
        "PublicReadWrite, which grants access to everyone (or every AWS account)."
    )
