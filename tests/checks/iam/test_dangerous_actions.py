"""IAM006, IAM007, IAM012 (template policy-grants-actions, rules/iam.yaml): dangerous
capabilities on every resource."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import IAM, fixture_tests, scan_policy, statement
from tests.conftest import findings_of, run_scan, write_file

EXPECTED_LINES = {
    ("IAM006", "bad"): [4],
    ("IAM006", "bad-iam-wildcard"): [18],
    ("IAM007", "bad"): [4],
    ("IAM007", "bad-conditional-statement"): [17],
    ("IAM007", "bad-object-reads"): [7],
    ("IAM007", "bad-sam-function"): [16],
    ("IAM007", "bad-sam-policy-template"): [11],
    ("IAM012", "bad"): [4],
    ("IAM012", "bad-parameter-reads"): [7],
    ("IAM012", "bad-role"): [19],
}

test_catches_the_bad_fixture_lines, test_every_bad_fixture_has_expected_lines = fixture_tests(
    EXPECTED_LINES
)


def test_actions_are_case_insensitive_and_wildcards_expand(tmp_path):
    policy = statement(Effect="Allow", Action=["IAM:passrole", "Ec2:Run*"], Resource="*")
    result = scan_policy(tmp_path, policy)
    (escalation,) = findings_of(result, "IAM006")
    assert escalation.properties["actions"] == ["iam:PassRole"]
    assert escalation.properties["passRolePartners"] == ["ec2:RunInstances"]
    assert not findings_of(result, "IAM011")


def test_tag_based_access_control_is_not_every_resource(tmp_path):
    policy = statement(
        Effect="Allow",
        Action=["ec2:StopInstances", "secretsmanager:GetSecretValue", "iam:PassRole"],
        Resource="*",
        Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
    )
    result = scan_policy(tmp_path, policy)
    assert not [f for f in result.findings if f.rule_id in ("IAM003", "IAM006", "IAM007")]


@pytest.mark.parametrize(
    ("actions", "key"),
    [
        # Services whose own condition keys read the tags of the resource acted on (Service
        # Authorization Reference): RDS's per-type keys (AWS's "tag owners" example policy),
        # DMS's, the S3 bucket's and access point's, Data Pipeline's.
        (["rds:DeleteDBInstance", "rds:ModifyDBInstance"], "rds:db-tag/Owner"),
        (["rds:DeleteDBSnapshot", "rds:ModifyDBSnapshotAttribute"], "rds:snapshot-tag/Owner"),
        (["rds:ModifyDBCluster", "rds:CopyDBClusterSnapshot"], "RDS:Cluster-Tag/Owner"),
        (["dms:DeleteEndpoint", "dms:ModifyEndpoint"], "dms:endpoint-tag/Owner"),
        (["s3:PutBucketPolicy", "s3:DeleteBucket"], "s3:BucketTag/Owner"),
        (["s3:PutAccessPointPolicy"], "s3:AccessPointTag/Owner"),
        (["datapipeline:DeletePipeline"], "datapipeline:Tag/Owner"),
    ],
)
def test_a_service_key_for_the_resources_tags_is_tag_based_access_control(tmp_path, actions, key):
    policy = statement(
        Effect="Allow",
        Action=actions,
        Resource="*",
        Condition={"StringEqualsIgnoreCase": {key: "${aws:username}"}},
    )
    result = scan_policy(tmp_path, policy)
    assert not [f for f in result.findings if f.rule_id in ("IAM003", "IAM006", "IAM012")]


@pytest.mark.parametrize(
    "key",
    # The tags a request writes (RDS's and DMS's req-tag) or searches for say nothing about
    # the resources acted on.
    ["rds:req-tag/Owner", "dms:req-tag/Owner", "connect:SearchTag/Owner", "aws:RequestTag/Owner"],
)
def test_a_key_for_the_requests_tags_is_not_tag_based_access_control(tmp_path, key):
    policy = statement(
        Effect="Allow",
        Action=["rds:DeleteDBInstance"],
        Resource="*",
        Condition={"StringEquals": {key: "${aws:username}"}},
    )
    assert findings_of(scan_policy(tmp_path, policy, rules={"IAM003"}), "IAM003")


@pytest.mark.parametrize(
    "condition",
    [
        # Resources without the tag (or with another value) pass each of these.
        {"StringEqualsIfExists": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        {"StringNotEquals": {"aws:ResourceTag/env": "prod"}},
        {"Null": {"aws:ResourceTag/team": "false"}},
        {"StringLike": {"secretsmanager:ResourceTag/team": "*"}},
        {"ForAllValues:StringEquals": {"aws:ResourceTag/team": "a"}},
    ],
)
def test_a_tag_condition_that_admits_any_resource_is_every_resource(tmp_path, condition):
    policy = statement(
        Effect="Allow",
        Action=["secretsmanager:GetSecretValue"],
        Resource="*",
        Condition=condition,
    )
    assert findings_of(scan_policy(tmp_path, policy, rules={"IAM007"}), "IAM007")


def test_escalation_without_pass_role_lists_no_partners(tmp_path):
    policy = statement(
        Effect="Allow", Action=["iam:AttachRolePolicy", "ec2:RunInstances"], Resource="*"
    )
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM006"}), "IAM006")
    assert finding.properties["passRolePartners"] == []
    assert " with " not in finding.message


def test_a_login_token_alone_is_not_credential_exposure(tmp_path):
    alone = statement(Effect="Allow", Action="ecr:GetAuthorizationToken", Resource="*")
    assert not findings_of(scan_policy(tmp_path / "alone", alone), "IAM007")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ecr:GetAuthorizationToken", "kms:Decrypt"],
                "Resource": "*",
            }
        ],
    }
    (finding,) = findings_of(scan_policy(tmp_path / "paired", policy), "IAM007")
    assert finding.properties["actions"] == ["ecr:GetAuthorizationToken", "kms:Decrypt"]


def test_snapshot_sharing_counts_across_statements_once(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ec2:CreateSnapshot", "Resource": "*"},
            {"Effect": "Allow", "Action": "ec2:ModifySnapshotAttribute", "Resource": "*"},
        ],
    }
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM012"}), "IAM012")
    assert finding.resource == "Statement 1"
    assert finding.properties["actions"] == ["ec2:CreateSnapshot", "ec2:ModifySnapshotAttribute"]
    half = statement(Effect="Allow", Action="ec2:CreateSnapshot", Resource="*")
    assert not findings_of(scan_policy(tmp_path / "half", half, rules={"IAM012"}), "IAM012")


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        # CreateSnapshots snapshots every volume of an instance: the same copy, shared alike.
        (
            ["ec2:CreateSnapshots", "ec2:ModifySnapshotAttribute"],
            ["ec2:CreateSnapshots", "ec2:ModifySnapshotAttribute"],
        ),
        (["rds:CopyDBClusterSnapshot"], ["rds:CopyDBClusterSnapshot"]),  # an Aurora snapshot
        (["ec2:CreateSnapshots"], None),
    ],
)
def test_snapshots_of_every_volume_or_cluster_are_data_copies(tmp_path, actions, expected):
    policy = statement(Effect="Allow", Action=actions, Resource="*")
    found = findings_of(scan_policy(tmp_path, policy, rules={"IAM012"}), "IAM012")
    assert [f.properties["actions"] for f in found] == ([expected] if expected else [])


def test_a_grant_two_rules_list_is_one_finding_of_each(tmp_path):
    """rules.md lists s3:GetObject under IAM007 and IAM012, ssm:GetParameter(s) too: each rule
    reports the statement once, naming every action of its own list."""
    policy = statement(
        Effect="Allow",
        Action=["s3:GetObject", "ssm:GetParameter", "secretsmanager:GetSecretValue"],
        Resource="*",
    )
    result = scan_policy(tmp_path, policy, rules={"IAM007", "IAM012"})
    (credentials,) = findings_of(result, "IAM007")
    (data,) = findings_of(result, "IAM012")
    assert credentials.properties["actions"] == [
        "s3:GetObject",
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter",
    ]
    assert data.properties["actions"] == ["s3:GetObject", "ssm:GetParameter"]


def test_both_branches_of_a_conditional_statement_are_one_finding():
    result = run_scan(IAM / "IAM007" / "bad-conditional-statement", only_rules={"IAM007"})
    (finding,) = findings_of(result, "IAM007")
    assert finding.properties["actions"] == ["kms:Decrypt", "secretsmanager:GetSecretValue"]


@pytest.mark.parametrize(
    ("action", "resource", "rule_id", "fires"),
    [
        ("iam:PassRole", "arn:aws:iam::*:role/*", "IAM006", True),
        ("iam:PassRole", "arn:aws:iam::*:*", "IAM006", True),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/*", "IAM006", True),  # every role of it
        ("iam:PassRole", "arn:aws-us-gov:iam::*:role/?*", "IAM006", True),
        ("sts:AssumeRole", "arn:aws:iam::*:role/*", "IAM006", True),  # an STS action, IAM ARNs
        ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*", "IAM007", True),
        ("s3:GetObject", "arn:aws:s3:::*/*", "IAM012", True),
        ("s3:GetObject", "arn:aws:s3:::*", "IAM012", True),
        # A wildcard spans colons: an ARN cut short, or a type's prefix cut short.
        ("iam:PassRole", "arn:*", "IAM006", True),
        ("iam:PassRole", "arn:aws:iam::*", "IAM006", True),
        ("iam:PassRole", "arn:aws:iam::123456789012:role*", "IAM006", True),
        ("ssm:GetParameter", "arn:aws:ssm:*:*:param*", "IAM007", True),
        # Some of the resources: a name or path prefix, another type, another service.
        ("iam:PassRole", "arn:aws:iam::123456789012:role/deploy-*", "IAM006", False),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/app/*", "IAM006", False),
        ("iam:PassRole", "arn:aws:iam::*:user/*", "IAM006", False),
        ("iam:PassRole", "arn:aws:s3:::*", "IAM006", False),
        ("iam:PassRole", "arn:aws:iam::1234*", "IAM006", False),
        ("iam:PassRole", "arn:aws:s*", "IAM006", False),
        ("s3:GetObject", "arn:aws:s3:::app*", "IAM012", False),
        (
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:*:*:secret:app/*",
            "IAM007",
            False,
        ),
        ("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/app/*", "IAM007", False),
    ],
)
def test_an_arn_of_every_resource_of_a_type_is_every_resource(
    tmp_path, action, resource, rule_id, fires
):
    policy = statement(Effect="Allow", Action=action, Resource=resource)
    assert bool(findings_of(scan_policy(tmp_path, policy, rules={rule_id}), rule_id)) is fires


@pytest.mark.parametrize(
    ("resource", "fires"),
    [
        ("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*", True),
        ("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleName}", False),
    ],
)
def test_cloudformation_arns_of_every_role(tmp_path, resource, fires):
    text = f"""\
Parameters:
  RoleName: {{Type: String}}
Resources:
  Deployer:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [iam:PassRole, ec2:RunInstances]
            Resource: {resource}
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM006"})
    assert bool(findings_of(result, "IAM006")) is fires


@pytest.mark.parametrize(
    ("deny", "fires"),
    [
        ({"Action": "secretsmanager:GetSecretValue", "Resource": "*"}, False),
        ({"Action": ["SecretsManager:Get*"], "Resource": ["*"]}, False),
        ({"NotAction": ["secretsmanager:List*", "secretsmanager:Put*"], "Resource": "*"}, False),
        # Denied on one secret, or only without MFA: every other secret is still read.
        (
            {
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "arn:aws:secretsmanager:*:1:secret:a",
            },
            True,
        ),
        (
            {
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            },
            True,
        ),
    ],
)
def test_an_unconditional_deny_everywhere_takes_the_actions_away(tmp_path, deny, fires):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"},
            {"Effect": "Deny", **deny},
        ],
    }
    result = scan_policy(tmp_path, policy)
    assert bool(findings_of(result, "IAM007")) is fires
    assert findings_of(result, "IAM003")  # the writes stay granted


def test_writes_denied_everywhere_are_not_reported(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["sqs:DeleteMessage", "sqs:SendMessage"],
                "Resource": "*",
            },
            {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"},
        ],
    }
    assert not findings_of(scan_policy(tmp_path, policy, rules={"IAM003"}), "IAM003")


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        (None, True),
        ({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}, False),
        ({"StringLike": {"KMS:VIASERVICE": ["s3.*.amazonaws.com"]}}, False),
        # Pins nothing: any request, or any without the key, passes.
        ({"StringLike": {"kms:ViaService": "*"}}, True),
        ({"StringEqualsIfExists": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}, True),
        ({"StringNotEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}, True),
    ],
)
def test_decrypt_only_through_a_service_is_not_decrypting_anything(tmp_path, condition, fires):
    fields = {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*"}
    if condition:
        fields["Condition"] = condition
    result = scan_policy(tmp_path, statement(**fields), rules={"IAM007"})
    assert bool(findings_of(result, "IAM007")) is fires


def test_via_service_does_not_excuse_the_other_secrets(tmp_path):
    policy = statement(
        Effect="Allow",
        Action=["kms:Decrypt", "secretsmanager:GetSecretValue"],
        Resource="*",
        Condition={"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
    )
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM007"}), "IAM007")
    assert finding.properties["actions"] == ["secretsmanager:GetSecretValue"]


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        (None, True),
        # Policies go only to users and roles that carry the boundary, which caps them.
        ({"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::1:policy/boundary"}}, False),
        ({"ArnEquals": {"IAM:PermissionsBoundary": "arn:aws:iam::1:policy/boundary"}}, False),
        ({"StringEqualsIfExists": {"iam:PermissionsBoundary": "arn:aws:iam::1:policy/b"}}, True),
        ({"StringLike": {"iam:PermissionsBoundary": "*"}}, True),
    ],
)
def test_policy_writes_pinned_to_a_permissions_boundary(tmp_path, condition, fires):
    fields = {
        "Effect": "Allow",
        "Action": ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:PutUserPolicy"],
        "Resource": "*",
    }
    if condition:
        fields["Condition"] = condition
    result = scan_policy(tmp_path, statement(**fields), rules={"IAM006"})
    assert bool(findings_of(result, "IAM006")) is fires
