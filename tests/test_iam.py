"""The IAM pack: every IAM rule on its fixtures (IDs and lines), the policy shapes it must
normalize, the places in templates where policies hide, and the action database."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardlint.checks.registry import check_for
from guardlint.documents.classify import classify
from guardlint.documents.iam.embedded import embedded_policies
from guardlint.documents.iam.policy import policy_of
from guardlint.knowledge.iam_actions import expand, is_known_service, matches
from guardlint.model import Document, Severity, SourceFile
from guardlint.parse.yaml_nodes import load_documents
from guardlint.rulebook import load_rulebook
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

IAM = FIXTURES / "iam"
IAM_RULEBOOK = [rule for rule in load_rulebook().rules if rule.pack == "iam"]
IAM_RULES = {rule.id for rule in IAM_RULEBOOK}

# (rule, fixture directory) -> lines the rule must report there, and nothing else.
EXPECTED_LINES = {
    ("IAM001", "bad"): [13],
    ("IAM001", "bad-role"): [20],
    ("IAM001", "bad-sam-function"): [16],
    ("IAM002", "bad"): [5],
    ("IAM002", "bad-bucket-policy"): [14],
    ("IAM003", "bad"): [7],
    ("IAM003", "bad-role"): [17],
    ("IAM004", "bad"): [4],
    ("IAM004", "bad-not-resource"): [11],
    ("IAM005", "bad"): [8],
    ("IAM005", "bad-queue-aws-list"): [16],
    ("IAM005", "bad-trust"): [11],
    ("IAM006", "bad"): [4],
    ("IAM006", "bad-iam-wildcard"): [18],
    ("IAM007", "bad"): [4],
    ("IAM007", "bad-sam-function"): [16],
    ("IAM008", "bad"): [11],
    ("IAM008", "bad-standalone"): [3],
    ("IAM009", "bad"): [7],
    ("IAM009", "bad-github-any-repo"): [17],
    ("IAM009", "bad-cross-account"): [15],
    ("IAM010", "bad"): [4],
    ("IAM010", "bad-effect-and-version"): [1, 3],
    ("IAM010", "bad-action-and-notaction"): [4],
    ("IAM010", "bad-empty-statement"): [3],
    ("IAM010", "bad-duplicate-sid"): [13],
    ("IAM011", "bad"): [4],
    ("IAM011", "bad-service-prefix"): [11, 12],
    ("IAM012", "bad"): [4],
    ("IAM012", "bad-role"): [19],
}


@pytest.mark.parametrize(("rule_id", "case"), sorted(EXPECTED_LINES), ids="-".join)
def test_rule_reports_the_offending_lines(rule_id, case):
    result = run_scan(IAM / rule_id / case, only_rules={rule_id})
    assert lines_of(result, rule_id) == EXPECTED_LINES[rule_id, case]


def test_every_bad_fixture_has_expected_lines():
    bad = {(p.parent.name, p.name) for p in IAM.glob("IAM*/bad*") if p.is_dir()}
    assert bad == set(EXPECTED_LINES)


def test_resources_name_the_template_resource_and_the_statement():
    result = run_scan(IAM / "IAM001" / "bad-role")
    (finding,) = findings_of(result, "IAM001")
    assert finding.resource == "AWS::IAM::Role BuildRole Statement 1"
    assert "policy deploy of AWS::IAM::Role BuildRole" in finding.message
    (standalone,) = findings_of(run_scan(IAM / "IAM001" / "bad"), "IAM001")
    assert standalone.resource == "Statement 2 (Sid AllowAll)"


def scan_policy(tmp_path, policy, name="policy.json", rules=IAM_RULES):
    text = json.dumps(policy, indent=2) if isinstance(policy, dict) else policy
    write_file(tmp_path, name, text)
    return run_scan(tmp_path, only_rules=set(rules))


def statement(**fields):
    return {"Version": "2012-10-17", "Statement": [fields]}


# -- normalization ----------------------------------------------------------------------------


def test_statement_as_a_single_map(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
    }
    assert lines_of(scan_policy(tmp_path, policy), "IAM001") == [5]  # the Action line


@pytest.mark.parametrize(
    ("action", "fires"),
    [
        ("s3:*", True),
        (["s3:*"], True),
        ("S3:*", True),
        (["s3:GetObject"], False),
        ("s3:Get*", False),
        ("*", True),  # every service, on the resource it names (not IAM001: Resource is not *)
    ],
)
def test_whole_service_action(tmp_path, action, fires):
    policy = statement(Effect="Allow", Action=action, Resource="arn:aws:s3:::data/*")
    assert bool(findings_of(scan_policy(tmp_path, policy), "IAM002")) is fires


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
        ({"ForAnyValue:StringEqualsIfExists": {"AWS:SOURCEVPCE": ["vpce-1"]}}, False),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False),
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, True),  # narrows nothing
        ({"StringLike": {"aws:PrincipalOrgID": "*"}}, True),
        ({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}, True),
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


def test_not_action_with_allow_and_deny(tmp_path):
    allow = statement(Effect="Allow", NotAction="iam:*", Resource="*")
    assert findings_of(scan_policy(tmp_path / "allow", allow), "IAM004")
    deny = statement(Effect="Deny", NotAction="iam:*", Resource="*")
    assert not findings_of(scan_policy(tmp_path / "deny", deny), "IAM004")


def test_actions_are_case_insensitive_and_wildcards_expand(tmp_path):
    policy = statement(Effect="Allow", Action=["IAM:passrole", "Ec2:Run*"], Resource="*")
    result = scan_policy(tmp_path, policy)
    (escalation,) = findings_of(result, "IAM006")
    assert escalation.properties["actions"] == ["iam:PassRole"]
    assert escalation.properties["passRolePartners"] == ["ec2:RunInstances"]
    assert not findings_of(result, "IAM011")


def test_action_star_is_admin_only_not_every_narrower_rule(tmp_path):
    result = scan_policy(tmp_path, statement(Effect="Allow", Action="*", Resource="*"))
    assert {f.rule_id for f in result.findings} == {"IAM001"}


# -- resource, trust and bucket policies --------------------------------------------------------


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


def test_identity_policies_are_never_public_or_bucket_policies(tmp_path):
    policy = statement(Effect="Allow", Action="s3:GetObject", Resource="arn:aws:s3:::b/*")
    result = scan_policy(tmp_path, policy)
    assert not findings_of(result, "IAM005") and not findings_of(result, "IAM008")


# -- IAM010 and IAM011 --------------------------------------------------------------------------


def test_old_or_missing_version_warns_at_low_severity(tmp_path):
    old = {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
    }
    (finding,) = findings_of(scan_policy(tmp_path / "old", old), "IAM010")
    assert finding.severity == Severity.LOW
    missing = {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    (finding,) = findings_of(scan_policy(tmp_path / "missing", missing), "IAM010")
    assert finding.severity == Severity.LOW and "no Version" in finding.message
    unknown = {
        "Version": "2024-01-01",
        "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
    }
    (finding,) = findings_of(scan_policy(tmp_path / "unknown", unknown), "IAM010")
    assert finding.severity == Severity.MEDIUM


def test_malformed_statement_details(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "A", "Effect": "allow", "Action": "s3:GetObject", "Resource": "*"},
            {
                "Sid": "A",
                "Effect": "Deny",
                "Action": "s3 GetObject",
                "Resource": "*",
                "NotResource": "x",
            },
            {"Effect": "Deny", "Resource": "*"},
        ],
    }
    messages = [f.message for f in findings_of(scan_policy(tmp_path, policy), "IAM010")]
    assert any("Effect `allow`" in m for m in messages)
    assert any("repeats Sid `A`" in m for m in messages)
    assert any("`s3 GetObject`" in m for m in messages)
    assert any("both Resource and NotResource" in m for m in messages)
    assert any("neither Action nor NotAction" in m for m in messages)


def test_unknown_action_and_prefix(tmp_path):
    policy = statement(
        Effect="Deny",
        Action=["s3:GetObjects", "notaservice:Get", "s3:Get*", "SNS:Receive"],
        Resource="*",
    )
    found = findings_of(scan_policy(tmp_path, policy, rules={"IAM011"}), "IAM011")
    assert [f.properties["action"] for f in found] == ["s3:GetObjects", "notaservice:Get"]


def test_action_database():
    assert [a.full_name for a in expand("S3:getobject")] == ["s3:GetObject"]
    assert len(expand("*")) > 10_000
    assert {a.key for a in expand("iam:Put*Policy")} >= {"iam:putrolepolicy", "iam:putuserpolicy"}
    assert expand("s3>ListBucket") == () and expand("nope:Get*") == ()
    assert is_known_service("EC2") and not is_known_service("ec3")
    assert matches("iam:Pass*", "iam:passrole") and not matches("iam:Pass", "iam:passrole")
    assert next(iter(expand("iam:PassRole"))).access_level == "Permissions management"


# -- templates: where policies are, intrinsics ----------------------------------------------------

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  AnyResource:
    Type: String
    Default: "*"
  UnknownResource:
    Type: String
Conditions:
  Prod: !Equals [!Ref "AWS::StackName", prod]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: inline
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - !If
                - Prod
                - Effect: Allow
                  Action: secretsmanager:GetSecretValue
                  Resource: !Ref AnyResource
                - !Ref AWS::NoValue
              - Effect: Allow
                Action: kms:Decrypt
                Resource: !Ref UnknownResource
  Users:
    Type: AWS::IAM::Group
    Properties:
      Policies:
        - PolicyName: group
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}]
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]
"""


def template_document(text: str = TEMPLATE) -> Document:
    (data,) = load_documents(text)
    source = SourceFile(path="template.yaml", rel_path="template.yaml", kind="structured")
    return Document("cloudformation", "template.yaml", data, text.splitlines(), source=source)


def test_embedded_policies_everywhere():
    found = [
        (d.meta["resource"], d.meta["policy_kind"], d.meta["property"])
        for d in embedded_policies(template_document())
    ]
    assert found == [
        ("AWS::IAM::Role Role", "trust", "AssumeRolePolicyDocument"),
        ("AWS::IAM::Role Role", "identity", "Policies[0].PolicyDocument"),
        ("AWS::IAM::Group Users", "identity", "Policies[0].PolicyDocument"),
        ("AWS::KMS::Key Key", "resource", "KeyPolicy"),
        ("AWS::Serverless::Function Fn", "trust", "AssumeRolePolicyDocument"),
        ("AWS::Serverless::Function Fn", "identity", "Policies"),
    ]


def test_intrinsics_resolve_and_unknown_values_stay_silent(tmp_path):
    result = run_scan(write_file(tmp_path, "template.yaml", TEMPLATE).parent)
    # Fn::If branch with Resource !Ref AnyResource (Default "*") fires; !Ref of a parameter
    # without a Default (kms:Decrypt) is unknown and stays silent.
    (secret,) = findings_of(result, "IAM007")
    assert secret.region.start_line == 28 and "secretsmanager:GetSecretValue" in secret.message
    assert lines_of(result, "IAM002") == [63]  # SAM Policies sqs:*; not kms:* to own account
    assert lines_of(result, "IAM010") == [16, 63]  # the two documents without a Version


def test_template_without_policies_yields_none():
    text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
    assert list(embedded_policies(template_document(text))) == []


@pytest.mark.parametrize(
    "resource",
    [
        "Type: AWS::IAM::Role\nProperties: [1, 2]",
        "Type: AWS::IAM::Role\nProperties:\n  Policies: x",
        "Type: AWS::IAM::Role\nProperties:\n  Policies: [1, {PolicyDocument: 3}]",
        "Type: AWS::IAM::Policy\nProperties:\n  PolicyDocument: {Statement: 7}",
        "Type: AWS::IAM::Policy\nProperties:\n  PolicyDocument:\n"
        "    Statement: [1, {Effect: [], Action: {a: 1}, Condition: 3, Principal: [[]]}]",
        "Type: AWS::S3::BucketPolicy\nProperties:\n  PolicyDocument:\n"
        "    Statement: {Effect: Allow, Principal: {AWS: {Fn::If: [C, '*']}}, Condition: {X: 1}}",
    ],
)
def test_odd_shapes_never_crash(tmp_path, resource):
    body = "\n".join("    " + line for line in resource.splitlines())
    text = f"Resources:\n  R:\n{body}\n"
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    assert not findings_of(result, "GL002")


# -- classification of standalone files -----------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"Version": "2012-10-17", "Statement": []},
        {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}},
        {"Version": "2012-10-17", "Id": "BucketPolicy", "Statement": [{"Principal": "*"}]},
    ],
)
def test_standalone_policies_are_classified(data):
    source = SourceFile(path="p.json", rel_path="p.json", kind="structured")
    assert [kind for kind, _, _ in classify(data, source)] == ["iam-policy"]


@pytest.mark.parametrize(
    ("policy", "kind"),
    [
        (statement(Effect="Allow", Action="s3:GetObject", Resource="*"), "identity"),
        (
            statement(
                Effect="Allow", Principal="*", Action="s3:GetObject", Resource="arn:aws:s3:::b/*"
            ),
            "resource",
        ),
        (
            statement(
                Effect="Allow",
                Principal={"Service": "ec2.amazonaws.com"},
                Action=["sts:AssumeRole", "sts:TagSession"],
            ),
            "trust",
        ),
    ],
)
def test_standalone_policy_kind_is_inferred(policy, kind):
    (data,) = load_documents(json.dumps(policy))
    document = Document("iam-policy", "p.json", data, [], meta={"policy_kind": "standalone"})
    assert policy_of(document).kind == kind


def test_statement_chosen_by_fn_if_and_empty_statement_map(tmp_path):
    text = """\
Conditions:
  Prod: !Equals [!Ref "AWS::StackName", prod]
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: !If
          - Prod
          - [{Effect: Allow, Action: "*", Resource: "*"}]
          - - Effect: Allow
              Action: s3:GetObject
              Resource: arn:aws:s3:::b/*
  Q:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: {}
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    assert lines_of(result, "IAM001") == [11]
    (empty,) = findings_of(result, "IAM010")
    assert empty.region.start_line == 20 and "empty Statement" in empty.message


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


_SCALARS = st.one_of(
    st.sampled_from(["*", "Allow", "Deny", "s3:*", "iam:PassRole", "sts:AssumeRole", "x"]),
    st.integers(),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                ["Effect", "Action", "NotAction", "Resource", "Principal", "AWS", "Federated",
                 "Condition", "StringLike", "Sid", "Fn::If", "Ref", "Fn::Sub"]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statement_value=_VALUES, kind=st.sampled_from(["identity", "resource", "trust", "x"]))
def test_checks_never_crash_on_arbitrary_statements(statement_value, kind):
    (data,) = load_documents(json.dumps({"Version": "2012-10-17", "Statement": statement_value}))
    document = Document("iam-policy", "p.json", data, [], meta={"policy_kind": kind})
    for rule in IAM_RULEBOOK:
        list(check_for(rule)(document, rule))


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


def test_policy_level_resources_name_the_policy(tmp_path):
    result = run_scan(IAM / "IAM008" / "bad", only_rules={"IAM008"})
    assert [f.resource for f in result.findings] == [
        "AWS::S3::BucketPolicy ReportsPolicy PolicyDocument"
    ]
    result = run_scan(IAM / "IAM008" / "bad-standalone", only_rules={"IAM008"})
    assert [f.resource for f in result.findings] == ["policy"]


def test_tag_based_access_control_is_not_every_resource(tmp_path):
    policy = statement(
        Effect="Allow",
        Action=["ec2:StopInstances", "secretsmanager:GetSecretValue", "iam:PassRole"],
        Resource="*",
        Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
    )
    result = scan_policy(tmp_path, policy)
    assert not [f for f in result.findings if f.rule_id in ("IAM003", "IAM006", "IAM007")]
