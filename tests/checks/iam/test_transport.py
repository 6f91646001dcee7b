"""IAM008 (guardlint/checks/iam/transport.py): a bucket policy's Deny for plain HTTP."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import IAM, fixture_tests, scan_policy, statement
from tests.conftest import findings_of, lines_of, run_scan

EXPECTED_LINES = {
    ("IAM008", "bad"): [11],
    ("IAM008", "bad-standalone"): [3],
}

test_catches_the_bad_fixture_lines, test_every_bad_fixture_has_expected_lines = fixture_tests(
    EXPECTED_LINES
)


def test_insecure_transport_only_for_bucket_policies(tmp_path):
    queue = statement(
        Effect="Allow",
        Principal={"AWS": "111122223333"},
        Action="sqs:SendMessage",
        Resource="arn:aws:sqs:us-east-1:123456789012:jobs",
    )
    assert not findings_of(scan_policy(tmp_path / "queue", queue), "IAM008")
    bucket = statement(
        Effect="Allow",
        Principal={"AWS": "111122223333"},
        Action="s3:GetObject",
        Resource="arn:aws:s3:::b/*",
    )
    assert lines_of(scan_policy(tmp_path / "bucket", bucket), "IAM008") == [3]


def test_policy_level_resources_name_the_policy(tmp_path):
    result = run_scan(IAM / "IAM008" / "bad", only_rules={"IAM008"})
    assert [f.resource for f in result.findings] == [
        "AWS::S3::BucketPolicy ReportsPolicy PolicyDocument"
    ]
    result = run_scan(IAM / "IAM008" / "bad-standalone", only_rules={"IAM008"})
    assert [f.resource for f in result.findings] == ["policy"]


def test_identity_policies_are_never_bucket_policies(tmp_path):
    policy = statement(Effect="Allow", Action="s3:GetObject", Resource="arn:aws:s3:::b/*")
    assert not findings_of(scan_policy(tmp_path, policy), "IAM008")


@pytest.mark.parametrize(
    ("principal", "fires"),
    [
        ({"Principal": "*"}, False),
        ({"Principal": {"AWS": ["*"]}}, False),
        ({"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/x"}}, False),
        # Denies plain HTTP to one role: everyone else still may use it.
        ({"Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}}, True),
        ({"Principal": {"Service": "logging.s3.amazonaws.com"}}, True),
    ],
)
def test_only_a_deny_for_everyone_enforces_transport(tmp_path, principal, fires):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                **principal,
            }
        ],
    }
    assert bool(findings_of(scan_policy(tmp_path, policy), "IAM008")) is fires


@pytest.mark.parametrize(
    ("deny", "fires"),
    [
        ({"Action": "s3:*"}, False),
        ({"Action": "*"}, False),
        ({"Action": ["S3:GetObject", "s3:PutObject"]}, False),
        ({"NotAction": "s3:ListBucket"}, False),
        ({"Action": "s3:*", "Resource": "*"}, False),
        ({"Action": "s3:*", "Resource": "arn:aws:s3:::b*"}, False),
        ({"Action": "s3:*", "NotResource": "arn:aws:s3:::b/public/*"}, False),
        # Reads (or writes) of objects still go over plain HTTP.
        ({"Action": "s3:PutObject"}, True),
        ({"Action": ["s3:Put*", "s3:Delete*"]}, True),
        ({"NotAction": "s3:Get*"}, True),
        # A Deny on the bucket alone leaves its objects' requests.
        ({"Action": "s3:*", "Resource": "arn:aws:s3:::b"}, True),
    ],
)
def test_the_deny_covers_object_reads_and_writes(tmp_path, deny, fires):
    deny = {"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], **deny}
    if "NotResource" in deny:
        del deny["Resource"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                **deny,
            }
        ],
    }
    assert bool(findings_of(scan_policy(tmp_path, policy), "IAM008")) is fires


@pytest.mark.parametrize(
    ("resources", "fires"),
    [
        (["!GetAtt Logs.Arn", "!Sub '${Logs.Arn}/*'"], False),
        (["!GetAtt Logs.Arn", "!Join ['', [!GetAtt Logs.Arn, '/*']]"], False),
        (["!Join ['', ['arn:aws:s3:::', !Ref Logs, '/*']]"], False),
        (["!Join ['', ['arn:aws:s3:::', !Ref Prefix]]"], False),  # a parameter may hold `/*`
        # The bucket's own ARN, however it is written, is not its objects'.
        (["!GetAtt Logs.Arn"], True),
        (["!GetAtt [Logs, Arn]"], True),
        (["!Join ['', ['arn:aws:s3:::', !Ref Logs]]"], True),
        (["!Join ['', ['arn:', !Ref AWS::Partition, ':s3:::', !Ref Logs]]"], True),
        (["!Sub 'arn:${AWS::Partition}:s3:::${Logs}'"], True),
    ],
)
def test_deny_resources_written_with_intrinsics(tmp_path, resources, fires):
    assert _deny_for_plain_http_fires(tmp_path, resources) is fires


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, False),
        ({"Bool": {"aws:SecureTransport": False}}, False),
        ({"Bool": {"aws:SecureTransport": ["false"]}}, False),
        ({"BoolIfExists": {"aws:SecureTransport": "False"}}, False),
        ({"bool": {"AWS:securetransport": "false"}}, False),
        ({"StringEquals": {"aws:SecureTransport": "false"}}, False),
        # Two tests of the key itself still deny every plain-HTTP request.
        (
            {
                "Bool": {"aws:SecureTransport": "false"},
                "BoolIfExists": {"aws:SecureTransport": "false"},
            },
            False,
        ),
        # A negated or Null test of `false` holds for HTTPS requests, not plain-HTTP ones.
        ({"StringNotEquals": {"aws:SecureTransport": "false"}}, True),
        ({"Null": {"aws:SecureTransport": "false"}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
        # Every other test must hold too, so plain HTTP is denied only to some requests.
        (
            {
                "Bool": {"aws:SecureTransport": "false"},
                "StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"},
            },
            True,
        ),
        ({"Bool": {"aws:SecureTransport": "false", "aws:ViaAWSService": "false"}}, True),
        (
            {"Bool": {"aws:SecureTransport": "false"}, "NumericLessThan": {"s3:TlsVersion": "1.2"}},
            True,
        ),
        (
            {
                "Bool": {"aws:SecureTransport": "false"},
                "StringEquals": {"aws:PrincipalAccount": "111122223333"},
            },
            True,
        ),
    ],
)
def test_the_deny_holds_for_every_plain_http_request(tmp_path, condition, fires):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                "Condition": condition,
            }
        ],
    }
    assert bool(findings_of(scan_policy(tmp_path, policy), "IAM008")) is fires


@pytest.mark.parametrize(
    ("resources", "fires"),
    [
        (["arn:aws:s3:::b/*"], False),
        (["arn:aws:s3:::b*"], False),  # its `*` takes the `/` and every key too
        (["arn:aws:s3:::*/*"], False),
        (["!Sub '${Logs.Arn}/*'"], False),
        (["!Join ['', [!GetAtt Logs.Arn, '/*']]"], False),
        # A prefix, or one object, leaves the bucket's other objects to plain HTTP.
        (["arn:aws:s3:::b", "arn:aws:s3:::b/private/*"], True),
        (["arn:aws:s3:::b/index.html"], True),
        (["!Sub '${Logs.Arn}/uploads/*'"], True),
        (["!Join ['', [!GetAtt Logs.Arn, '/uploads/*']]"], True),
        (["!Join ['/', [!GetAtt Logs.Arn, 'uploads', '*']]"], True),
    ],
)
def test_the_deny_covers_every_object_of_the_bucket(tmp_path, resources, fires):
    assert _deny_for_plain_http_fires(tmp_path, resources) is fires


def _deny_for_plain_http_fires(tmp_path, resources: list[str]) -> bool:
    """Whether IAM008 reports a bucket policy whose one Deny of plain HTTP names `resources`."""
    listed = "".join(f"\n              - {resource}" for resource in resources)
    text = f"""\
Parameters:
  Prefix: {{Type: String}}
Resources:
  Logs:
    Type: AWS::S3::Bucket
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource:{listed}
            Condition:
              Bool:
                aws:SecureTransport: false
"""
    result = scan_policy(tmp_path, text, name="template.yaml", rules={"IAM008"})
    return bool(findings_of(result, "IAM008"))


_CONDITIONAL_DENY = {
    # The Deny is written only where Prod is true: the default deployment has none.
    "statement-if": """\
          - !If
            - Prod
            - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
               Condition: {Bool: {aws:SecureTransport: false}}}
            - !Ref AWS::NoValue
          - {Effect: Allow, Principal: {Service: logging.s3.amazonaws.com},
             Action: s3:PutObject, Resource: "*"}""",
    "effect-if": """\
          - {Effect: !If [Prod, Deny, Allow], Principal: "*", Action: "s3:*", Resource: "*",
             Condition: {Bool: {aws:SecureTransport: false}}}""",
    "value-if": """\
          - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
             Condition: {Bool: {aws:SecureTransport: !If [Prod, "false", "true"]}}}""",
    "condition-if": """\
          - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
             Condition: !If [Prod, {Bool: {aws:SecureTransport: false}},
                             {Bool: {aws:SecureTransport: true}}]}""",
    "tests-if": """\
          - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
             Condition: {Bool: !If [Prod, {aws:SecureTransport: false}, {aws:x: false}]}}""",
    "resource-if": """\
          - {Effect: Deny, Principal: "*", Action: "s3:*",
             Resource: !If [Prod, "arn:aws:s3:::b/*", "arn:aws:s3:::b"],
             Condition: {Bool: {aws:SecureTransport: false}}}""",
}
_EVERY_BRANCH_DENIES = {
    # Both branches deny plain HTTP: every deployment does.
    "resource-if-both": """\
          - {Effect: Deny, Principal: "*", Action: "s3:*",
             Resource: !If [Prod, "arn:aws:s3:::b/*", "arn:aws:s3:::*"],
             Condition: {Bool: {aws:SecureTransport: false}}}""",
    "statement-if-both": """\
          - !If
            - Prod
            - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
               Condition: {Bool: {aws:SecureTransport: false}}}
            - {Effect: Deny, Principal: "*", Action: "*", Resource: "arn:aws:s3:::b/*",
               Condition: {Bool: {aws:SecureTransport: "false"}}}""",
    "tests-if-known": """\
          - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
             Condition: {Bool: !If [Always, {aws:SecureTransport: false}, {aws:x: false}]}}""",
    # The condition is known: Prod is always true here.
    "known-condition": None,
}


def _conditional_policy(statements: str, prod: str = "!Equals [!Ref Env, prod]") -> str:
    return f"""\
Parameters:
  Env: {{Type: String, Default: dev}}
Conditions:
  Prod: {prod}
  Always: !Equals [a, a]
Resources:
  Logs:
    Type: AWS::S3::Bucket
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
{statements}
"""


@pytest.mark.parametrize("shape", sorted(_CONDITIONAL_DENY))
def test_a_deny_some_deployment_leaves_out_is_no_deny(tmp_path, shape):
    """Each deployment is judged on its own: a Deny that only one branch of a template
    condition writes (or makes a Deny of plain HTTP) leaves the other deployment's bucket
    open to plain HTTP."""
    text = _conditional_policy(_CONDITIONAL_DENY[shape])
    result = scan_policy(tmp_path, text, name="template.yaml", rules={"IAM008"})
    assert len(findings_of(result, "IAM008")) == 1


@pytest.mark.parametrize("shape", sorted(_EVERY_BRANCH_DENIES))
def test_a_deny_every_deployment_writes_is_a_deny(tmp_path, shape):
    statements = _EVERY_BRANCH_DENIES[shape]
    if statements is None:  # Prod is true in every deployment: its Deny is always written
        text = _conditional_policy(_CONDITIONAL_DENY["statement-if"], prod="!Equals [a, a]")
    else:
        text = _conditional_policy(statements)
    result = scan_policy(tmp_path, text, name="template.yaml", rules={"IAM008"})
    assert findings_of(result, "IAM008") == []


def test_a_policy_created_only_where_its_deny_is_written(tmp_path):
    """The resource's own Condition decides the branch: the policy exists only where Prod is
    true, and there it denies plain HTTP."""
    kind = "    Type: AWS::S3::BucketPolicy\n"
    text = _conditional_policy(_CONDITIONAL_DENY["statement-if"])
    text = text.replace(kind, kind + "    Condition: Prod\n")
    result = scan_policy(tmp_path, text, name="template.yaml", rules={"IAM008"})
    assert findings_of(result, "IAM008") == []
