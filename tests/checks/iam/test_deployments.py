"""IAM rules judge each deployment of a template on its own (policy_scenarios): a Condition,
a restricting Deny or a limit that only one branch of a template condition writes restricts
that deployment only. IAM005 and IAM009 (guardlint/checks/iam/principals.py), the limits of
policy-grants-actions (IAM007) and the resource-tag limits of every wildcard grant (IAM003)."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import (
    conditioned_template,
    managed_policy,
    scan_policy,
    trusting_role,
)
from tests.conftest import findings_of


def _queue_policy(statements: str) -> str:
    return conditioned_template(f"""\
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
{statements}""")


_PUBLIC = {
    # The restricting Condition is written only where Prod is true.
    "condition-if": """\
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
            Condition: !If [Prod, {StringEquals: {aws:SourceAccount: "123456789012"}},
                            !Ref AWS::NoValue]""",
    # An operator's tests chosen by Prod: the default deployment tests aws:UserAgent only.
    "tests-if": """\
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
            Condition:
              StringEquals: !If [Prod, {aws:SourceAccount: "1"}, {aws:UserAgent: x}]""",
    # The Deny that restricts the callers is written only where Prod is true.
    "deny-if": """\
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
          - !If
            - Prod
            - Effect: Deny
              Principal: "*"
              Action: sqs:SendMessage
              Resource: "*"
              Condition: {StringNotEquals: {aws:SourceAccount: "123456789012"}}
            - !Ref AWS::NoValue""",
}
_RESTRICTED = {
    "tests-if-known": """\
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
            Condition:
              StringEquals: !If [Always, {aws:SourceAccount: "1"}, {aws:UserAgent: x}]""",
    "both-branches-restrict": """\
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
            Condition: !If [Prod, {StringEquals: {aws:SourceAccount: "123456789012"}},
                            {StringEquals: {aws:PrincipalOrgID: o-abc}}]""",
    "known-condition": """\
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
            Condition: !If [Always, {StringEquals: {aws:SourceAccount: "123456789012"}},
                            !Ref AWS::NoValue]""",
}


@pytest.mark.parametrize("shape", sorted(_PUBLIC))
def test_a_restriction_some_deployment_leaves_out_restricts_nothing(tmp_path, shape):
    result = scan_policy(tmp_path, _queue_policy(_PUBLIC[shape]), "t.yaml", {"IAM005"})
    assert len(findings_of(result, "IAM005")) == 1  # once, not once per deployment


@pytest.mark.parametrize("shape", sorted(_RESTRICTED))
def test_a_restriction_every_deployment_writes_restricts(tmp_path, shape):
    result = scan_policy(tmp_path, _queue_policy(_RESTRICTED[shape]), "t.yaml", {"IAM005"})
    assert findings_of(result, "IAM005") == []


def test_a_statement_public_in_both_deployments_is_reported_once(tmp_path):
    statements = """\
          - Effect: Allow
            Principal: "*"
            Action: !If [Prod, sqs:SendMessage, sqs:ReceiveMessage]
            Resource: "*\""""
    result = scan_policy(tmp_path, _queue_policy(statements), "t.yaml", {"IAM005"})
    assert len(findings_of(result, "IAM005")) == 1


def _role(condition: str) -> str:
    return conditioned_template(
        trusting_role(f"""\
          - Effect: Allow
            Principal: {{AWS: "arn:aws:iam::999988887777:root"}}
            Action: sts:AssumeRole
            Condition: {condition}""")
    )


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ("!If [Prod, {StringEquals: {sts:ExternalId: abc}}, !Ref AWS::NoValue]", True),
        ("{StringEquals: {sts:ExternalId: !If [Prod, abc, !Ref AWS::NoValue]}}", True),
        (
            "!If [Prod, {StringEquals: {sts:ExternalId: a}}, {StringEquals: {sts:ExternalId: d}}]",
            False,
        ),
        ("!If [Always, {StringEquals: {sts:ExternalId: abc}}, !Ref AWS::NoValue]", False),
    ],
)
def test_an_external_id_some_deployment_leaves_out(tmp_path, condition, fires):
    result = scan_policy(tmp_path, _role(condition), "t.yaml", {"IAM009"})
    assert len(findings_of(result, "IAM009")) == int(fires)


def test_a_policy_created_only_where_its_restriction_is_written(tmp_path):
    """The resource's own Condition decides the branch: the policy exists only where Prod is
    true, and there its Condition restricts the callers."""
    text = conditioned_template("""\
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Condition: Prod
    Properties:
      Queues: [q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
            Condition: !If [Prod, {StringEquals: {aws:SourceAccount: "1"}}, !Ref AWS::NoValue]""")
    assert findings_of(scan_policy(tmp_path, text, "t.yaml", {"IAM005"}), "IAM005") == []


def _managed(condition: str) -> str:
    return conditioned_template(
        managed_policy(f"""\
          - Effect: Allow
            Action: kms:Decrypt
            Resource: "*"
            Condition: {condition}""")
    )


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # kms:Decrypt limited to calls through S3 only where Prod is true (IAM007's
        # limiting_conditions): the default deployment decrypts anything.
        ("!If [Prod, {StringEquals: {kms:ViaService: s3.amazonaws.com}}, !Ref AWS::NoValue]", True),
        ("{StringEquals: {kms:ViaService: !If [Prod, s3.amazonaws.com, !Ref AWS::NoValue]}}", True),
        (
            "!If [Prod, {StringEquals: {kms:ViaService: s3.amazonaws.com}},"
            " {StringEquals: {kms:ViaService: sqs.amazonaws.com}}]",
            False,
        ),
        ("!If [Always, {StringEquals: {kms:ViaService: s3.amazon.com}}, !Ref AWS::NoValue]", False),
    ],
)
def test_a_limit_some_deployment_leaves_out_limits_nothing(tmp_path, condition, fires):
    result = scan_policy(tmp_path, _managed(condition), "t.yaml", {"IAM007"})
    assert len(findings_of(result, "IAM007")) == int(fires)


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # Limited to resources by tag (ABAC) only where Prod is true.
        ("!If [Prod, {StringEquals: {aws:ResourceTag/team: a}}, !Ref AWS::NoValue]", True),
        (
            "!If [Prod, {StringEquals: {aws:ResourceTag/team: a}},"
            " {StringEquals: {ec2:ResourceTag/x: b}}]",
            False,
        ),
        ("{StringEquals: {aws:ResourceTag/team: a}}", False),
    ],
)
def test_a_tag_limit_some_deployment_leaves_out_limits_nothing(tmp_path, condition, fires):
    text = _managed(condition).replace("Action: kms:Decrypt", "Action: ec2:TerminateInstances")
    result = scan_policy(tmp_path, text, "t.yaml", {"IAM003"})
    assert len(findings_of(result, "IAM003")) == int(fires)


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # S3's delegation to the access points of an account, written only where Prod is true.
        ('!If [Prod, {StringEquals: {s3:DataAccessPointAccount: "1"}}, !Ref AWS::NoValue]', True),
        ('{StringEquals: {s3:DataAccessPointAccount: "1"}}', False),
    ],
)
def test_a_delegation_some_deployment_leaves_out_delegates_nothing(tmp_path, condition, fires):
    text = conditioned_template(f"""\
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{AWS: "*"}}
            Action: "*"
            Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
            Condition: {condition}""")
    result = scan_policy(tmp_path, text, "t.yaml", {"IAM001", "IAM002"})
    assert bool(findings_of(result, "IAM001") + findings_of(result, "IAM002")) is fires


# An Action and a Resource chosen by one condition deploy together: written as YAML, or as a
# `!Sub` text whose variables are the Fn::If calls (each `${...}` string read on its own).
_PAIRED_YAML = """\
        Statement:
          - Effect: Allow
            Action: !If [Prod, {prod_action}, {other_action}]
            Resource: !If [Prod, "arn:aws:s3:::bucket/x/*", "*"]"""
_PAIRED_SUB = """\
        !Sub
          - '{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Action": "${{Action}}", "Resource": "${{Res}}"}}]}}'
          - Action: !If [Prod, {prod_action}, {other_action}]
            Res: !If [Prod, "arn:aws:s3:::bucket/x/*", "*"]"""


def _paired(shape: str, prod_action: str, other_action: str) -> str:
    document = _PAIRED_YAML if shape == "yaml" else _PAIRED_SUB
    body = document.format(prod_action=prod_action, other_action=other_action)
    if shape == "yaml":
        body = '        Version: "2012-10-17"\n' + body
        return conditioned_template(f"""\
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
{body}""")
    return conditioned_template(f"""\
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {body.lstrip()}""")


@pytest.mark.parametrize("shape", ["yaml", "sub"])
@pytest.mark.parametrize(
    ("prod_action", "other_action", "expected"),
    [
        # s3:* only on bucket/x/*, s3:GetObject (a read) on *: no write on every resource,
        # and the data read on `*` is s3:GetObject alone.
        ('"s3:*"', '"s3:GetObject"',
         {"IAM001": [], "IAM002": ["every action of s3"], "IAM003": [],
          "IAM012": ["on every resource: s3:GetObject;"]}),
        # `*` only on bucket/x/*: every action on named resources, never an administrator.
        ('"*"', '"s3:GetObject"',
         {"IAM001": [], "IAM002": ["every action of every service (on the resources it names"],
          "IAM003": [], "IAM012": ["on every resource: s3:GetObject;"]}),
        # The deployment that writes Action `*` writes Resource `*` too: an administrator.
        ('"s3:GetObject"', '"*"',
         {"IAM001": ["every action (`*`) on every resource"], "IAM002": []}),
    ],
)  # fmt: skip
def test_an_action_is_judged_with_the_resource_its_deployment_writes(
    tmp_path, shape, prod_action, other_action, expected
):
    text = _paired(shape, prod_action, other_action)
    result = scan_policy(tmp_path, text, "t.yaml", set(expected))
    for rule_id, says in expected.items():
        messages = [f.message for f in findings_of(result, rule_id)]
        assert len(messages) == len(says), (rule_id, messages)
        assert all(said in message for said, message in zip(says, messages, strict=True))
