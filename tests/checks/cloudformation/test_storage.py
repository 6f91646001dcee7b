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
  TrailBucket:
    Type: AWS::S3::Bucket
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {S3BucketName: !Ref TrailBucket, IsLogging: true}
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
