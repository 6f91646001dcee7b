"""IAM policy documents (guardlint/documents/iam/) and the action database
(guardlint/knowledge/iam_actions.py): the policy shapes the IAM rules see normalized, the places
in templates where policies hide, the classification of standalone policy files. The rules
themselves are tested in tests/checks/iam/."""

from __future__ import annotations

import json

import pytest

from guardlint.documents.classify import classify
from guardlint.documents.cloudformation.resources import template_of
from guardlint.documents.iam.embedded import embedded_policies
from guardlint.documents.iam.grants import wildcard_grants
from guardlint.documents.iam.policy import policy_of
from guardlint.knowledge.iam_actions import expand, is_known_service, matches
from guardlint.model.documents import Document, SourceFile
from guardlint.parse.yaml_nodes import load_documents
from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of, lines_of, run_scan, write_file

# -- how policies are normalized --------------------------------------------------------------


def test_statement_as_a_single_map(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
    }
    assert lines_of(scan_policy(tmp_path, policy), "IAM001") == [5]  # the Action line


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


# -- where policies are in templates, intrinsics ----------------------------------------------


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


def test_embedded_policies_share_the_template_its_own_checks_use():
    template = template_document()
    policies = list(embedded_policies(template))
    assert {id(policy.meta["template"]) for policy in policies} == {id(template_of(template))}


def test_a_policys_wildcard_grants_are_found_once_for_the_rules_that_judge_them():
    text = '{"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}'
    (data,) = load_documents(text)
    policy = policy_of(Document("iam-policy", "p.json", data, [text]))
    grants = wildcard_grants(policy)
    assert [g.statement.index for g in grants] == [1]
    assert wildcard_grants(policy) is grants


def test_intrinsics_resolve_and_unknown_values_stay_silent(tmp_path):
    result = run_scan(write_file(tmp_path, "template.yaml", TEMPLATE).parent)
    # Fn::If branch with Resource !Ref AnyResource (Default "*") fires; !Ref of a parameter
    # without a Default (kms:Decrypt) is unknown and stays silent.
    (secret,) = findings_of(result, "IAM007")
    assert secret.region.start_line == 28 and "secretsmanager:GetSecretValue" in secret.message
    assert lines_of(result, "IAM002") == [63]  # SAM Policies sqs:*; not kms:* to own account
    assert lines_of(result, "IAM010") == [16, 63]  # the two documents without a Version


JSON_TEXT_POLICIES = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: |
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
      Policies:
        - PolicyName: deploy
          PolicyDocument:
            Fn::Sub: |
              {
                "Version": "2012-10-17",
                "Statement": [
                  {"Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "arn:aws:s3:::${E}"},
                  {"Effect": "Allow", "Action": "s3>GetObject", "Resource": "*"}
                ]
              }
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument: !Sub >-
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${Bucket}/*"}]}
"""


def test_policies_written_as_json_text_are_read_by_every_rule_where_they_sit(tmp_path):
    found = [
        (d.meta["property"], d.meta["policy_kind"])
        for d in embedded_policies(template_document(JSON_TEXT_POLICIES))
    ]
    assert found == [
        ("AssumeRolePolicyDocument", "trust"),
        ("Policies[0].PolicyDocument", "identity"),
        ("PolicyDocument", "resource"),
    ]
    result = run_scan(write_file(tmp_path, "template.yaml", JSON_TEXT_POLICIES).parent)
    positions = {
        (f.rule_id, f.region.start_line, f.region.start_column)
        for f in result.findings
        if f.rule_id.startswith("IAM")
    }
    lines = JSON_TEXT_POLICIES.splitlines()
    # Literal blocks: at the statement's value inside the text.
    assert ("IAM005", 7, lines[6].index('"*"') + 1) in positions
    assert ("IAM002", 15, lines[14].index('["s3:*"') + 2) in positions
    assert ("IAM010", 16, lines[15].index('"s3>GetObject"') + 1) in positions
    # A folded block cannot be mapped line by line: at the property's value.
    assert ("IAM005", 25, lines[24].index("!Sub") + 1) in positions
    assert ("IAM008", 25, lines[24].index("!Sub") + 1) in positions


JOINED_POLICY = """\
Parameters:
  Reader: {Type: String}
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument: !Join
        - ""
        - - '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "'
          - !Ref Reader
          - '", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::'
          - !Ref Bucket
          - '/*"}, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",'
          - ' "Resource": "arn:aws:s3:::'
          - !Ref Bucket
          - '/public/*"}]}'
"""


def test_a_policy_text_an_intrinsic_joins_around_unknown_values_is_read(tmp_path):
    """What the template cannot resolve inside the text stays unknown (no finding on it); the
    rest is judged."""
    result = run_scan(write_file(tmp_path, "template.yaml", JOINED_POLICY).parent)
    iam = sorted((f.rule_id, f.resource) for f in result.findings if f.rule_id.startswith("IAM"))
    assert iam == [
        ("IAM005", "AWS::S3::BucketPolicy BucketPolicy Statement 2"),
        ("IAM008", "AWS::S3::BucketPolicy BucketPolicy PolicyDocument"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '{&a [1], "Statement": *a}',  # YAML flow style, not JSON
        '{"Statement": ' + "[" * 5000 + "]" * 5000 + "}",  # nested beyond the parser's limit
        '{"Statement": []}\n---\n{}',  # two documents
        '{"Statement": [' + '"x", ' * 20000 + '"x"]}',  # longer than any policy AWS takes
    ],
)
def test_policy_text_that_is_not_one_bounded_json_policy_is_not_read(text):
    data = json.dumps({"Resources": {"P": {"Type": "AWS::IAM::Policy", "Properties": {}}}})
    document = template_document(data)
    document.data["Resources"]["P"]["Properties"]["PolicyDocument"] = text
    assert list(embedded_policies(document)) == []


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


# -- classification of standalone files -------------------------------------------------------


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


# -- the IAM action database ------------------------------------------------------------------


def test_action_database():
    assert [a.full_name for a in expand("S3:getobject")] == ["s3:GetObject"]
    assert len(expand("*")) > 10_000
    assert {a.key for a in expand("iam:Put*Policy")} >= {"iam:putrolepolicy", "iam:putuserpolicy"}
    assert expand("s3>ListBucket") == () and expand("nope:Get*") == ()
    assert is_known_service("EC2") and not is_known_service("ec3")
    assert matches("iam:Pass*", "iam:passrole") and not matches("iam:Pass", "iam:passrole")
    assert next(iter(expand("iam:PassRole"))).access_level == "Permissions management"


def test_a_one_line_policy_text_keeps_a_statements_fingerprint_when_another_changes(tmp_path):
    fingerprints = []
    for index, second in enumerate(("iam:PassRole", "iam:GetRole")):
        statements = [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": second, "Resource": "*"},
        ]
        text = json.dumps({"Version": "2012-10-17", "Statement": statements})
        policies = [{"PolicyName": "p", "PolicyDocument": text}]
        role = {"Type": "AWS::IAM::Role", "Properties": {"Policies": policies}}
        write_file(tmp_path / str(index), "t.json", json.dumps({"Resources": {"R": role}}))
        found = findings_of(run_scan(tmp_path / str(index)), "IAM003")
        fingerprints.append({f.fingerprint for f in found if "Statement 1 " in f.message})
    assert len(fingerprints[0]) == 1 and fingerprints[0] == fingerprints[1]
