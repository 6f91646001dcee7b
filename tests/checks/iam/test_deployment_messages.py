"""One finding per statement of a template's policy, whatever its deployments grant
(guardlint.checks.iam.hits): the message says what each deployment that reports the statement
grants, naming the deployment where they differ, and a limit one deployment writes (a
resource-tag Condition, IAM007's limiting conditions) is judged in that deployment only."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import (
    conditioned_template,
    managed_policy,
    scan_policy,
    trusting_role,
)
from tests.conftest import findings_of


def _managed(statement: str) -> str:
    allowed = '          - Effect: Allow\n            Resource: "*"\n'
    return conditioned_template(managed_policy(allowed + statement))


def _trust(statement: str) -> str:
    return conditioned_template(trusting_role("          - Effect: Allow\n" + statement))


def _messages(tmp_path, statement: str, rule: str, template=_managed) -> list[str]:
    result = scan_policy(tmp_path, template(statement), "t.yaml", {rule})
    return [finding.message for finding in findings_of(result, rule)]


def test_iam003_names_the_writes_of_every_deployment(tmp_path):
    messages = _messages(
        tmp_path,
        "            Action: !If [Prod, [s3:PutObject], [s3:PutObject, sqs:SendMessage]]",
        "IAM003",
    )
    assert messages == [
        "Statement 1 of the PolicyDocument of AWS::IAM::ManagedPolicy Policy allows 2 write or "
        "permissions-management action(s) on every resource (`*`): s3:PutObject, "
        "sqs:SendMessage (sqs:SendMessage only where Prod is false); scope Resource to the "
        "ARNs they need."
    ]


def test_iam003_names_each_group_of_deployments_granting_alike(tmp_path):
    action = (
        "            Action: [s3:PutObject, !If [Prod, sqs:SendMessage, !Ref AWS::NoValue],\n"
        "                     !If [UseKms, kms:Encrypt, !Ref AWS::NoValue]]"
    )
    (message,) = _messages(tmp_path, action, "IAM003")
    assert "3 write or permissions-management action(s)" in message
    assert "(kms:Encrypt only where UseKms is true; sqs:SendMessage only where Prod is true)" in (
        message
    ) or "(sqs:SendMessage only where Prod is true; kms:Encrypt only where UseKms is true)" in (
        message
    )


def test_iam003_says_nothing_more_where_every_deployment_grants_alike(tmp_path):
    messages = _messages(
        tmp_path,
        "            Action: [s3:PutObject]\n            Sid: !If [Prod, a, b]",
        "IAM003",
    )
    assert len(messages) == 1
    assert "only where" not in messages[0]


def test_iam002_names_what_another_deployment_grants(tmp_path):
    (message,) = _messages(tmp_path, '            Action: !If [Prod, "s3:*", "sqs:*"]', "IAM002")
    assert "allows `s3:*`, every action of s3" in message
    assert message.count("Statement 1") == 2
    assert (
        " Where Prod is false: Statement 1 of the PolicyDocument of AWS::IAM::ManagedPolicy "
        "Policy allows `sqs:*`, every action of sqs" in message
    )


@pytest.mark.parametrize(
    ("condition", "rule", "reported"),
    [
        # Only the deployment that grants ec2:TerminateInstances limits it to resources by tag.
        (
            "!If [Prod, {StringEquals: {aws:ResourceTag/team: a}}, !Ref AWS::NoValue]",
            "IAM003",
            [],
        ),
        # ... and the other deployment's grant, s3:GetObject, is no write.
        ("!Ref AWS::NoValue", "IAM003", ["ec2:TerminateInstances"]),
    ],
)
def test_a_tag_limit_holds_in_the_deployment_that_writes_it(tmp_path, condition, rule, reported):
    statement = (
        "            Action: !If [Prod, ec2:TerminateInstances, s3:GetObject]\n"
        f"            Condition: {condition}"
    )
    messages = _messages(tmp_path, statement, rule)
    assert [name for name in reported if any(name in m for m in messages)] == reported
    assert len(messages) == len(reported)


def test_a_limiting_condition_holds_in_the_deployment_that_writes_it(tmp_path):
    # kms:Decrypt, limited to calls through S3, only where Prod is true; the other deployment
    # grants s3:ListBucket, which IAM007 does not list.
    statement = (
        "            Action: !If [Prod, kms:Decrypt, s3:ListBucket]\n"
        "            Condition: !If [Prod, {StringEquals: {kms:ViaService: s3.amazonaws.com}},"
        " !Ref AWS::NoValue]"
    )
    assert _messages(tmp_path, statement, "IAM007") == []


def test_iam005_names_how_another_deployment_lets_everyone_in(tmp_path):
    # Everyone where Prod is true, every account's root where it is false: one statement.
    statement = (
        "            Principal: !If [Prod, '*', {AWS: 'arn:aws:iam::*:root'}]\n"
        "            Action: sts:AssumeRole"
    )
    (message,) = _messages(tmp_path, statement, "IAM005", _trust)
    assert "allows Principal `*` (anyone" in message
    assert (
        " Where Prod is false: Statement 1 of the AssumeRolePolicyDocument of AWS::IAM::Role "
        "Role allows `arn:aws:iam::*:root`, a principal ARN whose wildcard account" in message
    )


def test_iam009_names_the_account_another_deployment_trusts(tmp_path):
    statement = (
        "            Principal: {AWS: !If [Prod, 'arn:aws:iam::111122223333:root',\n"
        "                                  'arn:aws:iam::444455556666:root']}\n"
        "            Action: sts:AssumeRole"
    )
    (message,) = _messages(tmp_path, statement, "IAM009", _trust)
    assert "account `arn:aws:iam::111122223333:root`" in message
    assert "Where Prod is false: " in message
    assert "account `arn:aws:iam::444455556666:root`" in message


def test_iam009_names_the_provider_problem_of_another_deployment(tmp_path):
    # Where UseKms is true the `sub` test is left out (any identity of the provider); where
    # it is false, the `sub` pattern admits every owner.
    statement = (
        "            Principal: {Federated: 'arn:aws:iam::123456789012:oidc-provider/"
        "token.actions.githubusercontent.com'}\n"
        "            Action: sts:AssumeRoleWithWebIdentity\n"
        "            Condition:\n"
        "              StringLike: !If [UseKms, {token.actions.githubusercontent.com:aud: "
        "sts.amazonaws.com},\n"
        "                               {token.actions.githubusercontent.com:sub: 'repo:*'}]"
    )
    (message,) = _messages(tmp_path, statement, "IAM009", _trust)
    assert "has no `sub` condition" in message.split(" Where UseKms is false: ")[0]
    assert "matches `sub` with `repo:*`" in message.split(" Where UseKms is false: ")[1]
