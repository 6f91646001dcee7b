"""A principal's identity policies are evaluated together, so a combination the rules look for
(IAM012: ec2:CreateSnapshot with ec2:ModifySnapshotAttribute; IAM006: iam:PassRole with a
service that runs as the passed role) may be split between the policies one role, user or group
surely holds: its inline Policies, the template's ManagedPolicies in its ManagedPolicyArns, and
the AWS::IAM::Policy/ManagedPolicy resources naming it. Each policy holding a part reports
its statement."""

from __future__ import annotations

from tests.conftest import run_scan, write_file

TRUST = """      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
"""
HEADER = "Parameters:\n  P: {Type: String}\nConditions:\n  Maybe: !Equals [!Ref P, y]\n"


def _document(actions: str) -> str:
    statement = f'{{Effect: Allow, Action: {actions}, Resource: "*"}}'
    return f'{{Version: "2012-10-17", Statement: [{statement}]}}'


def _role(name: str, actions: str, extra: str = "") -> str:
    return (
        f"  {name}:\n    Type: AWS::IAM::Role\n    Properties:\n{TRUST}{extra}"
        f"      Policies:\n        - {{PolicyName: own, PolicyDocument: {_document(actions)}}}\n"
    )


def _managed(name: str, actions: str, attached: str = "") -> str:
    return (
        f"  {name}:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
        f"      PolicyDocument: {_document(actions)}\n{attached}"
    )


def _findings(tmp_path, resources: str, rule: str) -> dict[str, list]:
    """The resources reported by the rule, with the actions (or PassRole partners) named."""
    text = write_file(tmp_path, "template.yaml", HEADER + "Resources:\n" + resources)
    result = run_scan(text.parent, only_rules={rule})
    key = "passRolePartners" if rule == "IAM006" else "actions"
    return {f.resource.split(" Statement")[0]: f.properties[key] for f in result.findings}


SNAPSHOTS = ["ec2:CreateSnapshot", "ec2:ModifySnapshotAttribute"]


def test_snapshot_and_sharing_split_between_inline_and_managed_policy(tmp_path):
    resources = _role(
        "Role", "ec2:CreateSnapshot", "      ManagedPolicyArns: [!Ref Share]\n"
    ) + _managed("Share", "ec2:ModifySnapshotAttribute")
    found = _findings(tmp_path, resources, "IAM012")
    assert found == {
        "AWS::IAM::Role Role": SNAPSHOTS,
        "AWS::IAM::ManagedPolicy Share": SNAPSHOTS,
    }


def test_snapshot_and_sharing_of_a_user_and_its_group(tmp_path):
    resources = (
        "  Team:\n    Type: AWS::IAM::Group\n"
        "  Member:\n    Type: AWS::IAM::User\n    Properties:\n      Groups: [!Ref Team]\n"
        + _managed("Snap", "ec2:CreateSnapshot", "      Users: [!Ref Member]\n")
        + _managed("Share", "ec2:ModifySnapshotAttribute", "      Groups: [!Ref Team]\n")
    )
    assert set(_findings(tmp_path, resources, "IAM012")) == {"AWS::IAM::ManagedPolicy Snap"}


def test_parts_held_by_different_roles_do_not_combine(tmp_path):
    resources = _role("A", "ec2:CreateSnapshot") + _role("B", "ec2:ModifySnapshotAttribute")
    assert _findings(tmp_path, resources, "IAM012") == {}


def test_a_part_the_role_may_not_hold_does_not_combine(tmp_path):
    attached = "      ManagedPolicyArns: [!If [Maybe, !Ref Share, !Ref AWS::NoValue]]\n"
    resources = _role("Role", "ec2:CreateSnapshot", attached) + _managed(
        "Share", "ec2:ModifySnapshotAttribute"
    )
    assert _findings(tmp_path, resources, "IAM012") == {}


def test_pass_role_names_the_partner_another_policy_of_the_role_grants(tmp_path):
    resources = _role("Role", "iam:PassRole") + _managed(
        "Launch", "[ec2:RunInstances, lambda:CreateFunction]", "      Roles: [!Ref Role]\n"
    )
    found = _findings(tmp_path, resources, "IAM006")
    assert found == {"AWS::IAM::Role Role": ["ec2:RunInstances", "lambda:CreateFunction"]}
