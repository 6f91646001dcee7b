"""IAM005 and IAM009 (guardlint/checks/iam/principals.py): who a resource or trust policy lets
in."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import fixture_tests, scan_policy, statement, trusting_role
from tests.conftest import findings_of, run_scan, write_file

EXPECTED_LINES = {
    ("IAM005", "bad"): [8],
    ("IAM005", "bad-queue-aws-list"): [16],
    ("IAM005", "bad-trust"): [11],
    ("IAM005", "bad-logs-destination"): [16],
    ("IAM005", "bad-trust-json-block"): [14],
    ("IAM005", "bad-trust-json-string"): [8],
    ("IAM009", "bad"): [7],
    ("IAM009", "bad-github-any-repo"): [17],
    ("IAM009", "bad-gitlab-any-group"): [17],
    ("IAM009", "bad-cross-account"): [15],
    ("IAM009", "bad-partition-account"): [16, 20],
    ("IAM009", "bad-mfa-false"): [7],
}

test_catches_the_bad_fixture_lines, test_every_bad_fixture_has_expected_lines = fixture_tests(
    EXPECTED_LINES
)


@pytest.mark.parametrize(
    "principal", ["*", {"AWS": "*"}, {"AWS": ["*"]}, {"AWS": ["111122223333", "*"]}]
)
def test_public_principal_spellings(tmp_path, principal):
    policy = statement(
        Effect="Allow", Principal=principal, Action="s3:GetObject", Resource="arn:aws:s3:::b/*"
    )
    assert findings_of(scan_policy(tmp_path, policy), "IAM005")


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        (None, True),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}, False),
        ({"ForAnyValue:StringEquals": {"AWS:SOURCEVPCE": ["vpce-1"]}}, False),
        ({"stringequals": {"aws:SourceAccount": "123456789012"}}, False),
        ({"StringLike": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, False),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::123456789012:distribution/*"}}, False),
        ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ci"}}, False),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False),
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, True),  # narrows nothing
        ({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "::/0"]}}, True),
        ({"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}, True),  # together
        ({"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/2"]}}, False),
        ({"StringLike": {"aws:PrincipalOrgID": "*"}}, True),
        ({"StringLike": {"aws:SourceAccount": "?*"}}, True),
        ({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}, True),
        # A request without the key (anonymous, or a direct call) passes each of these.
        ({"StringNotEquals": {"aws:SourceAccount": "123456789012"}}, True),
        ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, True),
        ({"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}}, True),
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, True),
        ({"ForAnyValue:StringEqualsIfExists": {"AWS:SOURCEVPCE": ["vpce-1"]}}, True),
        ({"ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1"}}, True),
        ({"Null": {"aws:SourceAccount": "false"}}, True),
        ({"stringnotequals": {"aws:SourceAccount": "123456789012"}}, True),
    ],
)
def test_bucket_policy_public_principal_conditions(tmp_path, condition, fires):
    fields = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::site/*",
    }
    if condition:
        fields["Condition"] = condition
    result = scan_policy(tmp_path, statement(**fields), rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


def test_null_condition_written_in_yaml_is_the_null_operator(tmp_path):
    """YAML reads the key `Null` as null: still the Null operator, which pins no account."""
    text = """\
Resources:
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: site
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: s3:GetObject
            Resource: arn:aws:s3:::site/*
            Condition: {Null: {aws:SourceAccount: "false"}}
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM005"})
    assert findings_of(result, "IAM005")


@pytest.mark.parametrize(
    ("effect", "not_principal", "condition", "fires"),
    [
        ("Allow", {"AWS": "arn:aws:iam::123456789012:root"}, None, True),
        ("Allow", {"Service": ["cloudtrail.amazonaws.com"]}, None, True),
        (
            "Allow",
            {"AWS": "arn:aws:iam::123456789012:root"},
            {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            True,
        ),
        (
            "Allow",
            {"AWS": "arn:aws:iam::123456789012:root"},
            {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
            False,
        ),
        ("Allow", "*", None, False),  # everyone but everyone: no one
        ("Deny", {"AWS": "arn:aws:iam::123456789012:root"}, None, False),
    ],
)
def test_allow_with_not_principal_is_public(tmp_path, effect, not_principal, condition, fires):
    fields = {
        "Effect": effect,
        "NotPrincipal": not_principal,
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
    }
    if condition:
        fields["Condition"] = condition
    found = findings_of(scan_policy(tmp_path, statement(**fields), rules={"IAM005"}), "IAM005")
    assert bool(found) is fires
    assert all("NotPrincipal" in finding.message for finding in found)


@pytest.mark.parametrize(
    ("deny_condition", "fires"),
    [
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, False),
        ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, True),  # denies only that endpoint
    ],
)
def test_public_allow_narrowed_by_a_deny(tmp_path, deny_condition, fires):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::b/*",
                "Condition": deny_condition,
            },
        ],
    }
    assert bool(findings_of(scan_policy(tmp_path, policy, rules={"IAM005"}), "IAM005")) is fires


@pytest.mark.parametrize(("vpc", "fires"), [(False, True), (True, False)])
def test_open_search_domain_access_policy(tmp_path, vpc, fires):
    vpc_options = "      VPCOptions: {SubnetIds: [subnet-1]}\n" if vpc else ""
    text = f"""\
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
{vpc_options}      AccessPolicies:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{AWS: "*"}}
            Action: es:ESHttp*
            Resource: "*"
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}, True),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/app:*"}}, False),
        (
            {
                "StringEquals": {
                    "token.actions.githubusercontent.com:sub": "repo:my-org/app:ref:refs/heads/main"
                }
            },
            False,
        ),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/*"}}, False),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}, True),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "*"}}, True),
        (
            {
                "StringLike": {
                    "token.actions.githubusercontent.com:sub": ["repo:my-org/app:*", "repo:*/*"]
                }
            },
            True,
        ),
        ({"StringNotEquals": {"token.actions.githubusercontent.com:sub": "repo:evil/x:*"}}, True),
    ],
)
def test_github_oidc_trust(tmp_path, condition, fires):
    policy = statement(
        Effect="Allow",
        Principal={"Federated": GITHUB},
        Action="sts:AssumeRoleWithWebIdentity",
        Condition=condition,
    )
    result = scan_policy(tmp_path, policy, name="trust.json", rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires


def test_cognito_trust_is_pinned_by_its_audience(tmp_path):
    policy = statement(
        Effect="Allow",
        Principal={"Federated": "cognito-identity.amazonaws.com"},
        Action="sts:AssumeRoleWithWebIdentity",
        Condition={"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}},
    )
    assert not findings_of(scan_policy(tmp_path, policy, rules={"IAM009"}), "IAM009")


@pytest.mark.parametrize(
    ("principal", "condition", "fires"),
    [
        ("arn:aws:iam::111122223333:root", None, True),
        ("111122223333", None, True),
        ("arn:aws:iam::111122223333:root", {"StringEquals": {"sts:ExternalId": "x-123"}}, False),
        ("arn:aws:iam::111122223333:role/deployer", None, False),  # one role, not the account
    ],
)
def test_cross_account_trust(tmp_path, principal, condition, fires):
    fields = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        fields["Condition"] = condition
    result = scan_policy(tmp_path, statement(**fields), rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires


def test_identity_policies_are_never_public(tmp_path):
    policy = statement(Effect="Allow", Action="s3:GetObject", Resource="arn:aws:s3:::b/*")
    assert not findings_of(scan_policy(tmp_path, policy), "IAM005")


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ({"Bool": {"aws:MultiFactorAuthPresent": "false"}}, True),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, True),  # not an external ID
        ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, True),
        ({"StringNotEquals": {"sts:ExternalId": "x-123"}}, True),
        ({"StringEqualsIfExists": {"sts:ExternalId": "x-123"}}, True),
        ({"Null": {"sts:ExternalId": "false"}}, True),
        ({"StringLike": {"sts:ExternalId": "*"}}, True),
        ({"StringEquals": {"STS:EXTERNALID": ["x-123"]}}, False),
        ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci"}}, False),
    ],
)
def test_cross_account_trust_needs_a_positive_external_id_test(tmp_path, condition, fires):
    fields = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }
    result = scan_policy(tmp_path, statement(**fields), name="trust.json", rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires


_JSON_TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"AWS": PRINCIPAL}, "Action": "sts:AssumeRole"}]}'
)


@pytest.mark.parametrize(
    ("value", "fires"),
    [
        ("'" + _JSON_TRUST.replace("PRINCIPAL", '"*"') + "'", True),
        (
            "'" + _JSON_TRUST.replace("PRINCIPAL", '["arn:aws:iam::111122223333:root", "*"]') + "'",
            True,
        ),
        ("!Sub '" + _JSON_TRUST.replace("PRINCIPAL", '"${Who}"') + "'", True),  # Default "*"
        ("!Sub '" + _JSON_TRUST.replace("PRINCIPAL", "${WhoJson}") + "'", True),  # JSON once put in
        ("!Join ['', ['" + _JSON_TRUST.replace("PRINCIPAL", "', !Ref WhoJson, '") + "']]", True),
        ("!Sub ['" + _JSON_TRUST.replace("PRINCIPAL", '"${V}"') + "', {V: '*'}]", True),
        ("'" + _JSON_TRUST.replace("PRINCIPAL", '"arn:aws:iam::111122223333:root"') + "'", False),
        ("!Sub '" + _JSON_TRUST.replace("PRINCIPAL", '"${Unknown}"') + "'", False),  # unresolved
        ("'{not json'", False),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", False),
    ],
)
def test_trust_policy_written_as_json_text(tmp_path, value, fires):
    text = (
        "Parameters:\n  Who: {Type: String, Default: '*'}\n  Unknown: {Type: String}\n"
        "  WhoJson: {Type: String, Default: '\"*\"'}\n"
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
        f"      AssumeRolePolicyDocument: {value}\n"
    )
    write_file(tmp_path, "template.yaml", text)
    result = run_scan(tmp_path, only_rules={"IAM005", "GL002"})
    assert not findings_of(result, "GL002")
    found = findings_of(result, "IAM005")
    assert bool(found) is fires
    assert all(f.region.start_line == 9 for f in found)  # a one-line string: its property


@pytest.mark.parametrize(("default", "fires"), [("", False), (", Default: '*'", True)])
def test_external_id_from_a_parameter(tmp_path, default, fires):
    """A value the template leaves to its parameters may be specific: not reported; a default
    of `*` pins nothing."""
    parameters = f"Parameters:\n  ExternalId: {{Type: String{default}}}\nResources:\n"
    text = parameters + trusting_role("""\
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:root}
            Action: sts:AssumeRole
            Condition: {StringEquals: {sts:ExternalId: !Ref ExternalId}}
""")
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM009"})
    assert bool(findings_of(result, "IAM009")) is fires
