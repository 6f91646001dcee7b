"""A managed policy of the template that principals only have as their permissions boundary
(named in a role's, user's or SAM function's PermissionsBoundary, attached by nothing) grants
nothing: "Policies used as permissions boundaries don't provide permissions" (IAM User Guide).
Its Allow of `*` caps, so the grant rules leave it alone; the policy grammar still applies."""

from __future__ import annotations

import pytest

from tests.conftest import run_scan, write_file

GRANT_RULES = {"IAM001", "IAM002", "IAM003", "IAM004", "IAM006", "IAM007", "IAM012"}
BOUNDARY = """  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: team-boundary
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Sid: AllowWithin, Effect: Allow, Action: "*", Resource: "*"}
          - {Sid: NoIam, Effect: Allow, NotAction: "iam:*", Resource: "*"}
          - {Sid: Services, Effect: Allow, Action: ["s3:*", "iam:PassRole"], Resource: "*"}
          - {Effect: Deny, Action: iam:DeleteRolePermissionsBoundary, Resource: "*"}
"""
ROLE = """  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      PermissionsBoundary: REFERENCE
"""
USER = """  User:
    Type: AWS::IAM::User
    Properties:
      PermissionsBoundary: REFERENCE
"""
FUNCTION = """  Function:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      PermissionsBoundary: REFERENCE
"""
SAM = "Transform: AWS::Serverless-2016-10-31\n"


def _boundary_rules(tmp_path, text: str) -> set[str]:
    """The grant rules reported on the boundary policy."""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    return {
        finding.rule_id
        for finding in result.findings
        if finding.resource.startswith("AWS::IAM::ManagedPolicy Boundary")
        and finding.rule_id in GRANT_RULES
    }


@pytest.mark.parametrize(
    ("header", "holder", "reference"),
    [
        ("", ROLE, "!Ref Boundary"),
        ("", ROLE, "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team-boundary"),
        ("", ROLE, "!If [Maybe, !Ref Boundary, !Ref AWS::NoValue]"),
        ("", USER, "!GetAtt Boundary.PolicyArn"),
        (SAM, FUNCTION, "!Ref Boundary"),
    ],
)
def test_a_policy_only_used_as_a_boundary_grants_nothing(tmp_path, header, holder, reference):
    conditions = "Parameters:\n  P: {Type: String}\nConditions:\n  Maybe: !Equals [!Ref P, y]\n"
    holder = holder.replace("REFERENCE", reference)
    text = header + conditions + "Resources:\n" + holder + BOUNDARY
    assert _boundary_rules(tmp_path, text) == set()


@pytest.mark.parametrize(
    "attachment",
    [
        "      ManagedPolicyArns: [!Ref Boundary]\n",
        "      ManagedPolicyArns:\n        - !If [Maybe, !Ref Boundary, !Ref AWS::NoValue]\n",
    ],
)
def test_a_boundary_also_attached_as_a_policy_grants(tmp_path, attachment):
    conditions = "Parameters:\n  P: {Type: String}\nConditions:\n  Maybe: !Equals [!Ref P, y]\n"
    other = ROLE.replace("  Role:", "  Other:").replace(
        "      PermissionsBoundary: REFERENCE\n", attachment
    )
    text = conditions + "Resources:\n" + ROLE.replace("REFERENCE", "!Ref Boundary") + other
    found = _boundary_rules(tmp_path, text + BOUNDARY)
    assert {"IAM001", "IAM004", "IAM006"} <= found


def test_a_boundary_attached_through_its_own_roles_grants(tmp_path):
    boundary = BOUNDARY.replace("    Properties:\n", "    Properties:\n      Roles: [!Ref Role]\n")
    text = "Resources:\n" + ROLE.replace("REFERENCE", "!Ref Boundary") + boundary
    assert "IAM001" in _boundary_rules(tmp_path, text)


def test_a_managed_policy_named_by_no_boundary_grants(tmp_path):
    assert "IAM001" in _boundary_rules(tmp_path, "Resources:\n" + BOUNDARY)


def test_a_boundary_is_still_checked_for_its_grammar(tmp_path):
    text = "Resources:\n" + ROLE.replace("REFERENCE", "!Ref Boundary") + BOUNDARY
    text = text.replace("Action: iam:DeleteRolePermissionsBoundary", "Action: iam>Delete")
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    assert "IAM010" in {finding.rule_id for finding in result.findings}


@pytest.mark.parametrize(
    "condition",
    [
        "{StringEquals: {iam:PermissionsBoundary: !Ref Boundary}}",
        "{StringNotEquals: {IAM:permissionsBoundary:"
        " !Sub 'arn:aws:iam::${AWS::AccountId}:policy/team-boundary'}}",
    ],
)
def test_a_boundary_delegated_administrators_must_set_grants_nothing(tmp_path, condition):
    """AWS's delegated-administration pattern: who creates roles must give them the boundary."""
    delegate = f"""  Delegate:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: {"Deny" if "Not" in condition else "Allow"}
            Action: [iam:CreateRole, iam:PutRolePermissionsBoundary]
            Resource: arn:aws:iam::123456789012:role/team/*
            Condition: {condition}
"""
    assert _boundary_rules(tmp_path, "Resources:\n" + delegate + BOUNDARY) == set()
