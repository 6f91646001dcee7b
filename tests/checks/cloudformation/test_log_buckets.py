"""CFN005: a bucket that receives access logs is the log bucket and is not asked to log its
own access elsewhere, however the template says it receives them: another bucket's
LoggingConfiguration names it (an Fn::If branch too), its bucket policy lets a log delivery
service put objects, or its legacy ACL is LogDeliveryWrite. Logging into itself stays
reported."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

POLICY = """\
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: {bucket}
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: {effect}
            Principal: {{Service: {service}}}
            Action: {action}
            Resource: !Sub "${{Logs.Arn}}/*"
"""
LOGS = """\
Parameters:
  LogsName: {Type: String, Default: acme-logs}
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref LogsName
"""


def reported(tmp_path, text: str) -> list[str]:
    return [f.resource for f in findings_of(scan_text(tmp_path, text), "CFN005")]


@pytest.mark.parametrize(
    ("bucket", "effect", "service", "action"),
    [
        ("!Ref Logs", "Allow", "logging.s3.amazonaws.com", "s3:PutObject"),
        ("!Ref LogsName", "Allow", "[logging.s3.amazonaws.com]", "[s3:GetBucketAcl, s3:Put*]"),
        ("acme-logs", "Allow", "logging.s3.amazonaws.com", "'s3:*'"),
        ("!Ref Logs", "Allow", "delivery.logs.amazonaws.com", "s3:PutObject"),
    ],
)
def test_a_bucket_whose_policy_lets_log_delivery_write_is_a_log_bucket(
    tmp_path, bucket, effect, service, action
):
    policy = POLICY.format(bucket=bucket, effect=effect, service=service, action=action)
    assert reported(tmp_path, LOGS + policy) == []


@pytest.mark.parametrize(
    ("bucket", "effect", "service", "action"),
    [
        ("!Ref Logs", "Deny", "logging.s3.amazonaws.com", "s3:PutObject"),
        ("!Ref Logs", "Allow", "lambda.amazonaws.com", "s3:PutObject"),
        ("!Ref Logs", "Allow", "logging.s3.amazonaws.com", "s3:GetObject"),
        ("other-bucket", "Allow", "logging.s3.amazonaws.com", "s3:PutObject"),
        # CloudTrail's bucket holds the audit trail: its own access is logged (below)
        ("!Ref Logs", "Allow", "cloudtrail.amazonaws.com", "s3:PutObject"),
    ],
)
def test_a_policy_that_lets_no_log_delivery_write_makes_no_log_bucket(
    tmp_path, bucket, effect, service, action
):
    policy = POLICY.format(bucket=bucket, effect=effect, service=service, action=action)
    assert reported(tmp_path, LOGS + policy) == ["AWS::S3::Bucket Logs"]


def test_a_bucket_named_by_a_logging_configuration_behind_fn_if_is_a_log_bucket(tmp_path):
    text = (
        LOGS
        + """\
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: !If
        - Always
        - {DestinationBucketName: !Ref Logs}
        - {DestinationBucketName: !Ref Logs, LogFilePrefix: other/}
Conditions:
  Always: !Equals [!Ref LogsName, acme-logs]
"""
    )
    assert reported(tmp_path, text) == []


def test_a_log_delivery_write_bucket_is_a_log_bucket_but_may_not_log_into_itself(tmp_path):
    text = """\
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties: {AccessControl: LogDeliveryWrite}
  SelfLogging:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: LogDeliveryWrite
      LoggingConfiguration: {LogFilePrefix: self/}
"""
    assert reported(tmp_path, text) == ["AWS::S3::Bucket SelfLogging"]


@pytest.mark.parametrize(
    ("bucket", "source", "found"),
    [
        # a policy every bucket gets (rain's compliant bucket): logs from the bucket itself
        ("!Ref Logs", "!GetAtt Logs.Arn", ["AWS::S3::Bucket Logs"]),
        ("!Ref Logs", '!Sub "arn:${AWS::Partition}:s3:::${Logs}"', ["AWS::S3::Bucket Logs"]),
        ("!Ref LogsName", "[!Sub 'arn:aws:s3:::${LogsName}']", ["AWS::S3::Bucket Logs"]),
        # logs from another bucket
        ("!Ref Logs", "!GetAtt Data.Arn", []),
        ("!Ref Logs", "[!GetAtt Logs.Arn, !GetAtt Data.Arn]", []),
    ],
)
def test_a_policy_that_lets_only_the_bucket_itself_log_makes_no_log_bucket(
    tmp_path, bucket, source, found
):
    policy = POLICY.format(
        bucket=bucket, effect="Allow", service="logging.s3.amazonaws.com", action="s3:PutObject"
    )
    condition = f"            Condition: {{ArnLike: {{'aws:SourceArn': {source}}}}}\n"
    data = (
        "  Data:\n    Type: AWS::S3::Bucket\n"
        "    Properties: {LoggingConfiguration: {DestinationBucketName: central-logs}}\n"
    )
    assert reported(tmp_path, LOGS + policy + condition + data) == found


@pytest.mark.parametrize("destination", ["!Ref Trails", "acme-trails", "!Sub '${Prefix}-trails'"])
def test_a_trails_bucket_is_asked_to_log_its_own_access(tmp_path, destination):
    # CIS AWS Foundations (S3 bucket access logging on the CloudTrail bucket) and Security Hub
    # CloudTrail.7: who read or deleted the audit trail is recorded in another bucket, whose
    # own access is not asked for in turn.
    text = f"""\
Parameters:
  Prefix: {{Type: String, Default: acme}}
Resources:
  Trails:
    Type: AWS::S3::Bucket
    Properties: {{BucketName: acme-trails}}
  TrailsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Trails
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: cloudtrail.amazonaws.com}}
            Action: s3:PutObject
            Resource: !Sub "${{Trails.Arn}}/AWSLogs/*"
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {{S3BucketName: {destination}, IsLogging: true}}
"""
    assert reported(tmp_path, text) == ["AWS::S3::Bucket Trails"]
    logged = text.replace(
        "Properties: {BucketName: acme-trails}",
        "Properties:\n      BucketName: acme-trails\n"
        "      LoggingConfiguration: {DestinationBucketName: !Ref AccessLogs}\n"
        "  AccessLogs:\n    Type: AWS::S3::Bucket",
    )
    assert reported(tmp_path, logged) == []


def test_a_trails_bucket_shared_with_other_logs_is_still_asked_to_log(tmp_path):
    # One audit bucket for the trail and AWS Config (a landing zone's log archive): it holds
    # the audit trail all the same.
    text = """\
Resources:
  Audit:
    Type: AWS::S3::Bucket
    Properties: {AccessControl: LogDeliveryWrite}
  Channel:
    Type: AWS::Config::DeliveryChannel
    Properties: {S3BucketName: !Ref Audit}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {S3BucketName: !Ref Audit, IsLogging: true}
"""
    assert reported(tmp_path, text) == ["AWS::S3::Bucket Audit"]


def test_a_bucket_whose_policy_lets_cloudtrail_write_is_asked_to_log_though_config_may(tmp_path):
    # The trail is another stack's (an organization trail): the policy says it writes here.
    policy = POLICY.format(
        bucket="!Ref Logs",
        effect="Allow",
        service="[config.amazonaws.com, cloudtrail.amazonaws.com]",
        action="s3:PutObject",
    )
    assert reported(tmp_path, LOGS + policy) == ["AWS::S3::Bucket Logs"]
