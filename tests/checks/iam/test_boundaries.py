"""A permissions boundary (a role's or user's PermissionsBoundary naming a ManagedPolicy of the
template, by `Ref` or ARN): the principal may only do what both its identity policies and the
boundary allow (IAM User Guide, "Permissions boundaries for IAM entities"), and a Deny in the
boundary refuses too. An action no Allow of the boundary names, whatever its resources and
conditions, is granted to the principal nowhere (guardlint/documents/iam/boundaries.py)."""

from __future__ import annotations

import pytest

from tests.conftest import run_scan, write_file

RULES = {"IAM001", "IAM002", "IAM003", "IAM006", "IAM007", "IAM012"}
TRUST = """      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
"""
PASS_AND_RUN = (
    '{Version: "2012-10-17", Statement: [{Effect: Allow, Action: [iam:PassRole,'
    ' ec2:RunInstances], Resource: "*"}]}'
)
ALLOW_ALL = '{Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}'
NO_IAM = '[{Effect: Allow, Action: ["s3:*", "ec2:*"], Resource: "*"}]'
HEADER = "Parameters:\n  Unknown: {Type: String}\nConditions:\n  Maybe: !Equals [!Ref Unknown, y]\n"


def _template(boundary_statements: str, policy: str = PASS_AND_RUN, **options: str) -> str:
    reference = options.get("reference", "!Ref Boundary")
    return (
        HEADER
        + "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        + TRUST
        + f"      PermissionsBoundary: {reference}\n"
        + f"      Policies:\n        - {{PolicyName: app, PolicyDocument: {policy}}}\n"
        + "  Boundary:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
        + "      ManagedPolicyName: app-boundary\n"
        + f'      PolicyDocument: {{Version: "2012-10-17", Statement: {boundary_statements}}}\n'
    )


def _scan(tmp_path, text: str) -> dict[str, list[str]]:
    """The actions each rule reports on the roles' policies (not on the boundary's own
    statements: test_boundary_only.py)."""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules=RULES)
    found: dict[str, list[str]] = {}
    for finding in result.findings:
        if not finding.resource.startswith("AWS::IAM::ManagedPolicy Boundary"):
            found.setdefault(finding.rule_id, []).extend(finding.properties.get("actions", []))
    return {rule: sorted(actions) for rule, actions in found.items()}


def _escalation(tmp_path, text: str) -> list[str]:
    return _scan(tmp_path, text).get("IAM006", [])


@pytest.mark.parametrize(
    "reference",
    [
        "!Ref Boundary",
        "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/app-boundary",
        "arn:aws:iam::123456789012:policy/app-boundary",
    ],
)
def test_a_boundary_that_allows_no_iam_action_leaves_no_pass_role(tmp_path, reference):
    without = _template(NO_IAM, reference="!Ref Unknown")
    assert _escalation(tmp_path / "without", without) == ["iam:PassRole"]
    found = _scan(tmp_path / "with", _template(NO_IAM, reference=reference))
    assert "IAM006" not in found
    assert found["IAM003"] == ["ec2:RunInstances"]  # the boundary allows it


@pytest.mark.parametrize(
    "boundary",
    [
        # An Allow of iam:PassRole, whatever its resource or condition, may let it through.
        '[{Effect: Allow, Action: "iam:Pass*", Resource: "arn:aws:iam::*:role/app-*"}]',
        "[{Effect: Allow, Action: iam:PassRole, Resource: '*',"
        " Condition: {StringEquals: {iam:PassedToService: ec2.amazonaws.com}}}]",
        "[{Effect: Allow, NotAction: s3:*, Resource: '*'}]",
        # A boundary it cannot read.
        "[{Effect: Allow, Action: !Ref Unknown, Resource: '*'}]",
        "[!If [Maybe, {Effect: Allow, Action: s3:*, Resource: '*'}, !Ref Unknown]]",
    ],
)
def test_a_boundary_that_may_allow_pass_role_leaves_the_escalation(tmp_path, boundary):
    assert "iam:PassRole" in _escalation(tmp_path, _template(boundary))


def test_a_boundary_the_role_may_not_have_refuses_nothing(tmp_path):
    text = _template(NO_IAM, reference="!If [Maybe, !Ref Boundary, !Ref AWS::NoValue]")
    assert "iam:PassRole" in _escalation(tmp_path, text)


def test_a_deny_in_the_boundary_refuses_too(tmp_path):
    allow = "{Effect: Allow, Action: '*', Resource: '*'}"
    deny = "{Effect: Deny, Action: iam:*, Resource: '*'}"
    boundary = f"[{allow}, {deny}]"
    assert _escalation(tmp_path, _template(boundary)) == []


def test_everything_allowed_inside_a_narrow_boundary_is_what_the_boundary_allows(tmp_path):
    boundary = "[{Effect: Allow, Action: [s3:GetObject, s3:ListBucket], Resource: '*'}]"
    found = _scan(tmp_path, _template(boundary, policy=ALLOW_ALL))
    assert "IAM001" not in found and "IAM002" not in found
    assert found["IAM012"] == ["s3:GetObject"]


def test_a_policy_also_held_by_a_role_without_the_boundary_keeps_its_finding(tmp_path):
    text = _template(NO_IAM) + (
        "  Other:\n    Type: AWS::IAM::Role\n    Properties:\n"
        + TRUST
        + "  Shared:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
        + "      Roles: [!Ref Role, !Ref Other]\n"
        + '      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow,'
        + " Action: iam:PassRole, Resource: '*'}]}\n"
    )
    found = _scan(tmp_path, text)
    assert found["IAM006"] == ["iam:PassRole"]  # Shared's, for Other; not Role's own policy
