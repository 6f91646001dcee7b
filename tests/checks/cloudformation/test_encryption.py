"""Keys, encryption at rest and logs: KMS key rotation (CFN021), queues and topics (CFN022),
CloudTrail trails (CFN020), log groups (CFN029)."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import CFN, scan_text
from tests.conftest import findings_of, lines_of


@pytest.mark.parametrize(
    ("rule_id", "case", "line"),
    [
        ("CFN020", "bad-no-validation", 2),
        ("CFN021", "bad", 5),
        ("CFN022", "bad-topic", 2),
        ("CFN029", "bad", 2),
    ],
)
def test_catches_at_the_line(rule_id, case, line):
    assert line in lines_of(CFN / rule_id / case, rule_id)


def test_queue_or_topic_with_a_key_and_queue_with_managed_encryption(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Managed:
    Type: AWS::SQS::Queue
    Properties: {SqsManagedSseEnabled: true}
  Keyed:
    Type: AWS::SQS::Queue
    Properties: {KmsMasterKeyId: alias/q, SqsManagedSseEnabled: false}
  Unencrypted:
    Type: AWS::SQS::Queue
    Properties: {SqsManagedSseEnabled: false}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {KmsMasterKeyId: alias/t}
""",
    )
    assert lines_of(result, "CFN022") == [10]


def test_empty_kms_master_key_is_no_key_but_an_unresolved_one_is_not_reported(tmp_path):
    found = findings_of(CFN / "CFN022" / "bad-empty-key", "CFN022")
    assert [(f.resource, f.region.start_line) for f in found] == [
        ("AWS::SNS::Topic Events", 10),  # !Ref of a parameter whose default is ""
        ("AWS::SQS::Queue Inbox", 16),  # "" and managed encryption turned off
    ]
    assert not findings_of(CFN / "CFN022" / "good-unresolved-key", "CFN022")
    branch = scan_text(
        tmp_path,
        """\
Conditions:
  Encrypt: !Equals [!Ref AWS::Region, eu-west-1]
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !If [Encrypt, alias/aws/sns, ""]
""",
    )
    assert lines_of(branch, "CFN022") == [7]


def test_each_trail_weakness_is_a_finding(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: false
      S3BucketName: logs
      IsMultiRegionTrail: true
""",
    )
    found = findings_of(result, "CFN020")
    assert sorted((f.region.start_line, f.properties["weakness"]) for f in found) == [
        (2, "EnableLogFileValidation"),
        (2, "KMSKeyId"),
        (5, "IsLogging"),
    ]


def test_trail_with_an_empty_key_does_not_encrypt(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Parameters:
  KeyArn: {Type: String, Default: ""}
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: logs
      EnableLogFileValidation: true
      IsMultiRegionTrail: true
      KMSKeyId: !Ref KeyArn
  Keyed:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: logs
      EnableLogFileValidation: true
      IsMultiRegionTrail: true
      KMSKeyId: !ImportValue TrailKey
""",
    )
    # A parameter whose default is "" gives no key; a value that cannot be resolved is a key.
    assert lines_of(result, "CFN020") == [11]


def test_log_group_without_key_is_low_and_without_retention_info(tmp_path):
    result = scan_text(tmp_path, "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n")
    found = findings_of(result, "CFN029")
    assert sorted((f.properties["missing"], f.severity.label) for f in found) == [
        ("KmsKeyId", "low"),
        ("RetentionInDays", "info"),
    ]


@pytest.mark.parametrize(
    ("key", "reported"),
    [
        ('""', True),  # an empty KmsKeyId is no key, as for a trail, queue or topic
        ("!Ref LogKey", True),  # its default, ""
        ("!If [Keyed, !Ref KeyArn, '']", True),  # the other branch gives no key
        ("!If [Keyed, !Ref KeyArn, !Ref AWS::NoValue]", True),
        ("!Ref KeyArn", False),  # no default: a value the template cannot know is a key
        ("arn:aws:kms:eu-west-1:111122223333:key/logs", False),
    ],
)
def test_log_group_with_an_empty_key_has_no_key(tmp_path, key, reported):
    text = (
        "Parameters:\n  LogKey: {Type: String, Default: ''}\n  KeyArn: {Type: String}\n"
        "Conditions:\n  Keyed: !Not [!Equals [!Ref KeyArn, '']]\n"
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n"
        f"    Properties:\n      RetentionInDays: 30\n      KmsKeyId: {key}\n"
    )
    found = findings_of(scan_text(tmp_path, text), "CFN029")
    assert [f.properties["missing"] for f in found] == (["KmsKeyId"] if reported else [])


@pytest.mark.parametrize(
    ("log_class", "retention_reported"),
    [
        ("STANDARD", True),
        ("INFREQUENT_ACCESS", True),
        # The Delivery class keeps log events for one day whatever RetentionInDays says.
        ("DELIVERY", False),
        ("!Ref LogClass", False),  # its default, DELIVERY
        ("!If [Cheap, DELIVERY, STANDARD]", True),  # the STANDARD branch keeps logs forever
    ],
)
def test_delivery_class_log_group_keeps_logs_one_day(tmp_path, log_class, retention_reported):
    text = (
        "Parameters:\n  LogClass: {Type: String, Default: DELIVERY}\n"
        "  Tier: {Type: String, Default: cheap}\n"
        "Conditions:\n  Cheap: !Equals [!Ref Tier, cheap]\n"
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n"
        f"    Properties:\n      LogGroupClass: {log_class}\n"
    )
    found = findings_of(scan_text(tmp_path, text), "CFN029")
    assert sorted(f.properties["missing"] for f in found) == (
        ["KmsKeyId", "RetentionInDays"] if retention_reported else ["KmsKeyId"]
    )


@pytest.mark.parametrize(
    ("origin", "reported"),
    [
        ("AWS_KMS", True),
        ("!Ref Origin", True),  # its default, AWS_KMS
        # Imported key material cannot rotate automatically (AWS KMS rotates only material
        # it generates): the key is rotated by importing new material, by hand.
        ("EXTERNAL", False),
    ],
)
def test_key_rotation_only_for_material_kms_generates(tmp_path, origin, reported):
    text = (
        "Parameters:\n  Origin: {Type: String, Default: AWS_KMS}\nResources:\n"
        "  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
        f"      Origin: {origin}\n      KeyPolicy: {{Version: '2012-10-17', Statement: []}}\n"
    )
    assert bool(findings_of(scan_text(tmp_path, text), "CFN021")) is reported


def test_queues_and_topics_the_sam_transform_makes(tmp_path):
    """SAM makes a queue or topic with no properties for a destination without Destination, an
    SNS event's SqsSubscription true and an event's DeadLetterConfig of Type SQS; a destination
    or subscription to an existing one makes none, and SAM refuses an intrinsic QueueLogicalId."""
    result = scan_text(
        tmp_path,
        """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Topic: {Type: AWS::SNS::Topic, Properties: {KmsMasterKeyId: alias/aws/sns}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: 'def handler(event, context): pass'
      EventInvokeConfig:
        DestinationConfig:
          OnSuccess: {Type: SNS}
          OnFailure: {Type: SQS, Destination: !GetAtt Failed.Arn}
      Events:
        Fanout:
          Type: SNS
          Properties: {Topic: !Ref Topic, SqsSubscription: true}
        Direct:
          Type: SNS
          Properties: {Topic: !Ref Topic, SqsSubscription: false}
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 day)
            DeadLetterConfig: {Type: SQS, QueueLogicalId: NightlyDlq}
        Hourly:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            DeadLetterConfig: {Arn: !GetAtt Failed.Arn}
        Daily:
          Type: EventBridgeRule
          Properties:
            Pattern: {source: [aws.ec2]}
            DeadLetterConfig: {Type: SQS, QueueLogicalId: !Sub "Dlq${AWS::Region}"}
  Failed: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}
""",
    )
    found = findings_of(result, "CFN022")
    assert [(f.resource, f.region.start_line) for f in found] == [
        ("AWS::SNS::Topic FnEventInvokeConfigOnSuccessTopic", 12),
        ("AWS::SQS::Queue FnFanoutQueue", 17),
        ("AWS::SQS::Queue NightlyDlq", 25),
    ]
