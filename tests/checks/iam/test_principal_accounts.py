"""Principals that name accounts: an ARN with a wildcard account names every one (IAM005),
and only one account's root takes `kms:*` in AWS's default key policy (IAM002)."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of, lines_of, run_scan, write_file


@pytest.mark.parametrize(
    ("principal", "fires"),
    [
        ({"AWS": "arn:aws:iam::*:root"}, True),
        ({"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::*:role/Deploy"]}, True),
        ({"AWS": "arn:aws:sts::*:assumed-role/Deploy/session"}, True),
        ({"AWS": "arn:aws-us-gov:iam::12345678901?:root"}, True),
        ({"AWS": "arn:aws:iam::111122223333:root"}, False),
        ({"AWS": "arn:aws:iam::111122223333:role/*"}, False),  # one account's own roles
        ({"AWS": "111122223333"}, False),
        ({"Service": "sns.amazonaws.com"}, False),
    ],
)
def test_a_wildcard_account_in_a_principal_arn_is_every_account(tmp_path, principal, fires):
    policy = statement(
        Effect="Allow",
        Principal=principal,
        Action="s3:GetObject",
        Resource="arn:aws:s3:::assets/*",
    )
    result = scan_policy(tmp_path, policy, rules={"IAM005"})
    assert bool(lines_of(result, "IAM005")) is fires


def _key_policy(*principals: str) -> dict:
    return statement(
        Effect="Allow", Principal={"AWS": list(principals)}, Action="kms:*", Resource="*"
    )


@pytest.mark.parametrize(
    ("principals", "fires"),
    [
        (["arn:aws:iam::111122223333:root"], False),  # AWS's default key policy
        (["111122223333"], False),
        (["arn:aws:iam::111122223333:root", "111122223333"], False),  # one account twice
        (["arn:aws:iam::${AccountId}:root"], False),
        (["arn:aws:iam::*:root"], True),  # every account's root
        # A second account's root holds the whole key: at most one is the key's own.
        (["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"], True),
        (["111122223333", "444455556666"], True),
    ],
)
def test_only_one_accounts_root_is_the_default_key_policy(tmp_path, principals, fires):
    result = scan_policy(tmp_path, _key_policy(*principals), rules={"IAM002"})
    assert bool(lines_of(result, "IAM002")) is fires


@pytest.mark.parametrize(
    ("properties", "fires"),
    [
        ('Principal: "*"', True),  # every account may use the layer's code
        ('Principal: "*"\n      OrganizationId: o-a1b2c3d4e5', False),
        ('Principal: "111122223333"', False),
    ],
)
def test_a_layer_version_permission_for_anyone_is_public(tmp_path, properties, fires):
    text = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Share:
    Type: AWS::Lambda::LayerVersionPermission
    Properties:
      Action: lambda:GetLayerVersion
      LayerVersionArn: arn:aws:lambda:us-east-1:111122223333:layer:common:3
      {properties}
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    found = findings_of(result, "IAM005")
    assert [f.region.start_line for f in found] == ([8] if fires else [])
    assert all("layer version policy" in f.message for f in found)
    assert not [f for f in result.findings if f.rule_id in ("IAM010", "IAM011", "GL002")]


@pytest.mark.parametrize(
    ("properties", "fires"),
    [
        ('Principal: "*"', True),  # every account may put events on the bus
        (
            'Principal: "*"\n      Condition: {Type: StringEquals, Key: "aws:PrincipalOrgID", '
            "Value: o-a1b2c3d4e5}",
            False,
        ),
        ('Principal: "111122223333"', False),
        (
            "Statement: {Effect: Allow, Principal: {AWS: '*'}, Action: 'events:PutEvents', "
            "Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/default'}",
            True,
        ),
        (
            "Statement: {Effect: Allow, Principal: {AWS: '*'}, Action: 'events:PutEvents', "
            "Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/default', "
            "Condition: {StringEquals: {'aws:PrincipalOrgID': o-a1b2c3d4e5}}}",
            False,
        ),
    ],
)
def test_an_event_bus_policy_for_anyone_is_public(tmp_path, properties, fires):
    text = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Share:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: share
      Action: events:PutEvents
      {properties}
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    found = findings_of(result, "IAM005")
    assert [f.region.start_line for f in found] == ([8] if fires else [])
    assert all("event bus policy" in f.message or "Statement" in f.message for f in found)
    assert not [f for f in result.findings if f.rule_id in ("IAM010", "IAM011", "GL002")]


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci"}}, False),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci-*"}}, False),
        # Every identity of the account: no narrower than its root.
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}, True),
        ({"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::111122223333:*"]}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1111*"}}, True),
        # StringEquals compares `*` literally: no identity has that ARN.
        ({"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}, False),
    ],
)
def test_cross_account_root_narrowed_by_a_principal_arn(tmp_path, condition, fires):
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "arn:aws:iam::111122223333:root"},
        Action="sts:AssumeRole",
        Condition=condition,
    )
    result = scan_policy(tmp_path, policy, name="trust.json", rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires


_TRUSTED = "TrustedAccount: {Type: String}\n  Other: {Type: String}"


def _template_principals(*principals: str, action: str = "sts:AssumeRole") -> str:
    """A template whose role trusts (or whose key policy grants `kms:*` to) the AWS
    principals given as YAML flow values."""
    listed = ", ".join(principals)
    if action == "kms:*":
        body = (
            "  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n"
            "      KeyPolicy:\n        Version: '2012-10-17'\n        Statement:\n"
            f"          - {{Effect: Allow, Principal: {{AWS: [{listed}]}}, Action: 'kms:*', "
            "Resource: '*'}\n"
        )
    else:
        body = (
            "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
            f"          - {{Effect: Allow, Principal: {{AWS: [{listed}]}}, Action: {action}}}\n"
        )
    return f"Parameters:\n  {_TRUSTED}\nResources:\n{body}"


_PARTITION_SUB = '!Sub "arn:${AWS::Partition}:iam::${TrustedAccount}:root"'
_JOINED = '!Join ["", ["arn:aws:iam::", !Ref TrustedAccount, ":root"]]'
_JOINED_PARTITION = (
    '!Join ["", ["arn:", !Ref "AWS::Partition", ":iam::", !Ref TrustedAccount, ":root"]]'
)


@pytest.mark.parametrize(
    ("principal", "fires"),
    [
        ('!Sub "arn:aws:iam::${TrustedAccount}:root"', True),
        # The partition as AWS's own examples write it, or the ARN built by Fn::Join: the
        # same root of an account the template does not know.
        (_PARTITION_SUB, True),
        (_JOINED, True),
        (_JOINED_PARTITION, True),
        ('!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"', False),  # its own
        ('!Join ["", ["arn:aws:iam::", !Ref "AWS::AccountId", ":root"]]', False),
        ('!Sub "arn:${AWS::Partition}:iam::${TrustedAccount}:role/deployer"', False),
    ],
)
def test_cross_account_root_however_the_template_writes_it(tmp_path, principal, fires):
    text = _template_principals(principal)
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires


@pytest.mark.parametrize(
    ("principals", "fires"),
    [
        ([_PARTITION_SUB], False),  # the default key policy, for an account of a parameter
        ([_JOINED], False),
        ([_JOINED, _JOINED], False),  # one account twice
        ([_JOINED, '!Join ["", ["arn:aws:iam::", !Ref Other, ":root"]]'], True),
        ([_PARTITION_SUB, '!Sub "arn:${AWS::Partition}:iam::${Other}:root"'], True),
    ],
)
def test_default_key_policy_root_however_the_template_writes_it(tmp_path, principals, fires):
    text = _template_principals(*principals, action="kms:*")
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM002"})
    assert bool(findings_of(result, "IAM002")) is fires


@pytest.mark.parametrize(
    ("constraint", "fires"),
    [
        ("AllowedPattern: '^\\d{12}$'", True),  # only an account ID: that account's root
        ("AllowedPattern: '[0-9]{12}'", True),
        ("AllowedPattern: '(\\d{12})'", True),
        ("Description: the trusted account", False),  # an account, or one role's ARN
        ("AllowedPattern: 'arn:aws:iam::\\d{12}:role/.+'", False),
        ("AllowedPattern: '\\d{12}|arn:aws:iam::\\d{12}:role/.+'", False),
    ],
)
def test_a_parameter_that_only_takes_an_account_id_is_its_root(tmp_path, constraint, fires):
    text = (
        f"Parameters:\n  TrustedAccount:\n    Type: String\n    {constraint}\n"
        "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
        "          - Effect: Allow\n            Principal: {AWS: !Ref TrustedAccount}\n"
        "            Action: sts:AssumeRole\n"
    )
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM009"})
    found = findings_of(result, "IAM009")
    assert [f.region.start_line for f in found] == ([13] if fires else [])
    assert all("`${TrustedAccount}`" in f.message for f in found)


@pytest.mark.parametrize(
    ("principal", "fires"),
    [
        # A role of a name the stack is given, in every account: anyone can make one.
        ('!Sub "arn:aws:iam::*:role/${RoleName}"', True),
        ('!Join ["", ["arn:", !Ref "AWS::Partition", ":iam::*:role/", !Ref RoleName]]', True),
        # An account the template does not know is one account, not a wildcard.
        ('!Join ["", ["arn:aws:iam::", !Ref RoleName, ":root"]]', False),
        ('!Sub "arn:${AWS::Partition}:iam::${RoleName}:root"', False),
    ],
)
def test_a_wildcard_account_in_a_principal_the_template_builds(tmp_path, principal, fires):
    text = (
        "Parameters:\n  RoleName: {Type: String}\nResources:\n"
        "  Queue: {Type: AWS::SQS::Queue}\n  QueuePolicy:\n    Type: AWS::SQS::QueuePolicy\n"
        "    Properties:\n      Queues: [!Ref Queue]\n      PolicyDocument:\n"
        "        Version: '2012-10-17'\n        Statement:\n"
        f"          - {{Effect: Allow, Principal: {{AWS: {principal}}}, "
        "Action: 'sqs:SendMessage', Resource: !GetAtt Queue.Arn}\n"
    )
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


_OWN_ACCOUNT_RESOURCES = {
    "key": "  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n"
    "      KeyPolicy:\n",
    "bucket": "  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n"
    "      Bucket: assets\n      PolicyDocument:\n",
}


@pytest.mark.parametrize("kind", ["key", "bucket"])
@pytest.mark.parametrize(
    ("principal", "fires"),
    [
        # The account itself: its IAM decides (the default key policy, a delegation).
        ("!Ref AWS::AccountId", False),
        ('!Sub "${AWS::AccountId}"', False),
        ('!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"', False),
        ('!Join ["", ["arn:aws:iam::", !Ref "AWS::AccountId", ":root"]]', False),
        ('!Sub ["arn:aws:iam::${A}:root", {A: !Ref "AWS::AccountId"}]', False),
        # A user or role of it: the grant reaches it directly, as in an identity policy.
        ('!Sub "arn:aws:iam::${AWS::AccountId}:user/jasper"', True),
        ('!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:${KeyManager}"', True),
        ('!Join ["", ["arn:aws:iam::", !Ref "AWS::AccountId", ":role/Admin"]]', True),
        ('!Sub ["arn:aws:iam::${A}:role/Admin", {A: !Ref "AWS::AccountId"}]', True),
    ],
)
def test_a_user_or_role_of_the_own_account_is_not_the_account(tmp_path, kind, principal, fires):
    """A resource policy hands control to an account's IAM only when its principal is the
    account (its root or ID); `kms:*` or `s3:*` to one user or role of the stack's own account
    grants it the whole service directly (Regula's key_rotation input, user/jasper)."""
    action = "kms:*" if kind == "key" else "s3:*"
    resource = "'*'" if kind == "key" else "arn:aws:s3:::assets/*"
    text = (
        "Parameters:\n  KeyManager: {Type: String, Default: user/jasper}\nResources:\n"
        + _OWN_ACCOUNT_RESOURCES[kind]
        + "        Version: '2012-10-17'\n        Statement:\n"
        f"          - {{Effect: Allow, Principal: {{AWS: {principal}}}, Action: '{action}', "
        f"Resource: {resource}}}\n"
    )
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM002"})
    assert bool(findings_of(result, "IAM002")) is fires
