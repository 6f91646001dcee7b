"""IAM005 and IAM009 (guardlint/checks/iam/principals.py): conditions that let anyone's
resources or identities in, and a Lambda permission for anyone."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement, trusting_role
from tests.conftest import findings_of, run_scan, write_file

GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # Any account's topic, role or resource: whoever owns one gets in.
        ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:*:alerts"}}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:*"}}, True),
        ({"StringLike": {"aws:SourceArn": "arn:aws:sns:*"}}, True),
        ({"ArnLike": {"AWS:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccess"}}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, True),  # every bucket
        ({"ArnLike": {"aws:SourceArn": ["arn:aws:sns:*:111122223333:t", "arn:*:*:*:*:*"]}}, True),
        # One account, or one globally named bucket.
        ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}, False),
        ({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:alerts"}}, False),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logs-bucket"}}, False),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}, False),
        ({"StringEquals": {"aws:SourceArn": "${aws:PrincipalArn}"}}, False),  # unknown
        # Any account's endpoint, VPC or organization: anyone can make one.
        ({"StringLike": {"aws:SourceVpce": "vpce-*"}}, True),
        ({"StringLike": {"aws:SourceVpc": ["VPC-*"]}}, True),
        ({"StringLike": {"aws:PrincipalOrgID": "o-*"}}, True),
        ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-*/*"}}, True),
        ({"StringLike": {"aws:SourceVpce": "vpce-0a1b*"}}, False),
        ({"StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}, False),
        ({"StringEquals": {"aws:PrincipalOrgID": "o-*"}}, False),  # literally `o-*`: no one
        # StringEquals compares literally: a `*` there matches only `*`, which no request
        # carries; the ARN operators take wildcards, ArnEquals as ArnLike.
        ({"StringEquals": {"aws:SourceAccount": "*"}}, False),
        ({"StringEqualsIgnoreCase": {"aws:SourceArn": "arn:aws:sns:*:*:alerts"}}, False),
        ({"ForAnyValue:StringEquals": {"aws:SourceArn": ["arn:*"]}}, False),
        ({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:*:alerts"}}, True),
        ({"StringLike": {"aws:SourceAccount": "*"}}, True),
        # Only requests through a VPC endpoint carry these.
        ({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}, False),
        (
            {"ArnEquals": {"aws:SourceVpcArn": "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1"}},
            False,
        ),
    ],
)
def test_arn_conditions_of_any_account_restrict_nothing(tmp_path, condition, fires):
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "*"},
        Action="sqs:SendMessage",
        Resource="arn:aws:sqs:us-east-1:111122223333:jobs",
        Condition=condition,
    )
    result = scan_policy(tmp_path, policy, rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


SUB = "token.actions.githubusercontent.com:sub"


@pytest.mark.parametrize(
    ("pattern", "fires"),
    [
        # A wildcard in the owner admits an owner anyone can register.
        ("repo:*/app:*", True),
        ("repo:my-org*/app:*", True),
        ("repo:*/*:environment:prod", True),
        ("repo:my-org?/app:ref:refs/heads/main", True),
        ("repo:my-org/*", False),
        ("repo:my-org/app-*:ref:refs/heads/*", False),
        ("repo:My-Org/App:pull_request", False),
    ],
)
def test_github_sub_with_a_wildcard_owner(tmp_path, pattern, fires):
    policy = statement(
        Effect="Allow",
        Principal={"Federated": GITHUB},
        Action="sts:AssumeRoleWithWebIdentity",
        Condition={"StringLike": {SUB: pattern}},
    )
    result = scan_policy(tmp_path, policy, name="trust.json", rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires


EKS = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"


@pytest.mark.parametrize(
    ("provider", "condition", "fires"),
    [
        (EKS, {"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "*"}}, True),
        (EKS, {"StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": ["*"]}}, True),
        (
            EKS,
            {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:sa:a:b"}},
            False,
        ),
        (
            "cognito-identity.amazonaws.com",
            {"StringLike": {"cognito-identity.amazonaws.com:aud": "*"}},
            True,
        ),
        (
            "cognito-identity.amazonaws.com",
            {"StringEquals": {"cognito-identity.amazonaws.com:aud": "*"}},  # literally `*`
            False,
        ),
        ("accounts.google.com", {"StringLike": {"accounts.google.com:aud": "?*"}}, True),
    ],
)
def test_any_provider_subject_matching_everything_pins_nothing(
    tmp_path, provider, condition, fires
):
    policy = statement(
        Effect="Allow",
        Principal={"Federated": provider},
        Action="sts:AssumeRoleWithWebIdentity",
        Condition=condition,
    )
    result = scan_policy(tmp_path, policy, name="trust.json", rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires


@pytest.mark.parametrize(
    ("properties", "fires"),
    [
        ("Principal: '*'", True),
        ("Principal: {Ref: Anyone}", True),  # a parameter whose default is `*`
        ("Principal: '*'\n      SourceArn: arn:aws:s3:::*", True),  # any bucket
        ("Principal: '*'\n      SourceArn: !GetAtt Bucket.Arn", False),
        ("Principal: '*'\n      SourceAccount: !Ref AWS::AccountId", False),
        ("Principal: '*'\n      PrincipalOrgID: o-a1b2c3d4e5", False),
        ("Principal: s3.amazonaws.com", False),
        ("Principal: '111122223333'", False),
    ],
)
def test_lambda_permission_for_anyone(tmp_path, properties, fires):
    text = f"""\
Parameters:
  Anyone: {{Type: String, Default: '*'}}
Resources:
  Bucket: {{Type: AWS::S3::Bucket}}
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: my-function
      {properties}
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    found = findings_of(result, "IAM005")
    assert [f.region.start_line for f in found] == ([10] if fires else [])
    assert all(f.resource.startswith("AWS::Lambda::Permission Invoke") for f in found)
    assert not [f for f in result.findings if f.rule_id in ("IAM010", "IAM011", "GL002")]


@pytest.mark.parametrize(
    ("deny_principal", "fires"),
    [
        ("*", False),
        ({"AWS": ["*"]}, False),
        ({"AWS": "arn:aws:iam::111122223333:role/ops"}, True),  # denies that role only
        ({"Service": "cloudfront.amazonaws.com"}, True),
    ],
)
def test_only_a_deny_for_everyone_restricts_a_public_allow(tmp_path, deny_principal, fires):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
            {
                "Effect": "Deny",
                "Principal": deny_principal,
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
            },
        ],
    }
    result = scan_policy(tmp_path, policy, rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


@pytest.mark.parametrize(
    ("deny", "fires"),
    [
        # Everyone but the named role is denied: only that role is let in.
        ({"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/reader"}}, False),
        ({"NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:role/a", "111122223333"]}}, False),
        # Denies the others only over plain HTTP: anyone still reads over HTTPS.
        (
            {
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/reader"},
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            True,
        ),
        (
            {"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "s3:Put*"},
            True,
        ),
    ],
)
def test_public_allow_narrowed_by_a_deny_for_everyone_else(tmp_path, deny, fires):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", **deny},
        ],
    }
    result = scan_policy(tmp_path, policy, rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


def test_principal_arn_of_any_account_still_pins_a_trusted_accounts_role(tmp_path):
    """The principal names the account; the ARN pattern then chooses one of its roles."""
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "arn:aws:iam::111122223333:root"},
        Action="sts:AssumeRole",
        Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci"}},
    )
    assert not findings_of(scan_policy(tmp_path, policy, name="trust.json"), "IAM009")


@pytest.mark.parametrize(("vpc", "fires"), [(False, True), (True, False)])
def test_access_point_of_a_vpc(tmp_path, vpc, fires):
    """An access point whose network origin is a VPC takes requests from that VPC only (one
    open to the internet, whose public access block its creation turns off, is public)."""
    vpc_configuration = (
        "      VpcConfiguration: {VpcId: vpc-1}\n"
        "      PublicAccessBlockConfiguration: {BlockPublicPolicy: false, "
        "RestrictPublicBuckets: false}\n"
    )
    if not vpc:
        vpc_configuration = vpc_configuration.split("\n", 1)[1]
    text = f"""\
Resources:
  Point:
    Type: AWS::S3::AccessPoint
    Properties:
      Bucket: data
{vpc_configuration}      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{AWS: "*"}}
            Action: s3:GetObject
            Resource: arn:aws:s3:us-east-1:111122223333:accesspoint/point/object/*
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


VPCE_ONLY = {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}


@pytest.mark.parametrize(
    ("denies", "fires"),
    [
        ([{"Action": "s3:*", "Resource": "*"}], False),
        ([{"Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}], False),
        ([{"Action": "s3:*", "Resource": "arn:aws:s3:::*"}], False),  # every bucket's objects
        ([{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}], True),  # not the puts
        (  # together they deny both
            [
                {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
                {"Action": "s3:PutObject", "Resource": "*"},
            ],
            False,
        ),
        # Another bucket's objects, the bucket alone, or all but one prefix: the rest is open.
        ([{"Action": "s3:*", "Resource": "arn:aws:s3:::other/*"}], True),
        ([{"Action": "s3:*", "Resource": "arn:aws:s3:::b"}], True),
        ([{"Action": "s3:*", "NotResource": "arn:aws:s3:::b/public/*"}], True),
    ],
)
def test_a_restricting_deny_must_reach_the_public_allows_resources(tmp_path, denies, fires):
    allow = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::b/*",
    }
    deny = {"Effect": "Deny", "Principal": "*", "Condition": VPCE_ONLY}
    policy = {"Version": "2012-10-17", "Statement": [allow, *({**deny, **d} for d in denies)]}
    result = scan_policy(tmp_path, policy, rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


@pytest.mark.parametrize(("denied", "fires"), [(["b", "c"], False), (["b"], True), (["c"], True)])
def test_a_restricting_deny_must_reach_each_resource(tmp_path, denied, fires):
    allow = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"],
    }
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": [f"arn:aws:s3:::{name}/*" for name in denied],
        "Condition": VPCE_ONLY,
    }
    result = scan_policy(tmp_path, {"Version": "2012-10-17", "Statement": [allow, deny]})
    assert bool(findings_of(result, "IAM005")) is fires


@pytest.mark.parametrize(
    ("owner", "fires"),
    [("*", True), ("my-org", False)],
)
def test_github_trust_known_by_its_condition_keys(tmp_path, owner, fires):
    """A provider ARN the template cannot resolve is GitHub's when the Condition tests
    GitHub's token keys."""
    text = "Parameters:\n  Provider: {Type: String}\nResources:\n" + trusting_role(f"""\
          - Effect: Allow
            Principal: {{Federated: !Ref Provider}}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: {{token.actions.githubusercontent.com:aud: sts.amazonaws.com}}
              StringLike: {{token.actions.githubusercontent.com:sub: "repo:{owner}/app:*"}}
""")
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM009"})
    found = findings_of(result, "IAM009")
    assert bool(found) is fires
    assert all("token.actions.githubusercontent.com" in f.message for f in found)


def test_a_public_allow_of_an_action_the_database_does_not_know_is_public(tmp_path):
    policy = statement(Effect="Allow", Principal="*", Action="newservice:Invoke", Resource="*")
    assert findings_of(scan_policy(tmp_path, policy, rules={"IAM005"}), "IAM005")
