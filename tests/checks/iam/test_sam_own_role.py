"""A SAM function or state machine that names its own Role gets no role from SAM: its Policies
and AssumeRolePolicyDocument make nothing (aws-sam-translator builds the execution role only
without a Role), so the IAM pack judges them only where the Role may be left out."""

from __future__ import annotations

import pytest

from tests.conftest import run_scan, write_file

ADMIN = "{Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}"
TRUST_ANYONE = "{Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: sts:AssumeRole}]}"


def _rules_reported(tmp_path, role: str, resource: str = "Function") -> set[str]:
    settings = (
        "      Runtime: python3.12\n      Handler: app.handler\n      InlineCode: pass\n"
        f"      AssumeRolePolicyDocument: {TRUST_ANYONE}\n"
        if resource == "Function"
        else "      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}\n"
    )
    text = (
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "Conditions:\n  Prod: !Equals [!Ref Env, prod]\nResources:\n"
        f"  App:\n    Type: AWS::Serverless::{resource}\n    Properties:\n{settings}"
        f"      Policies:\n        - {ADMIN}\n" + (f"      Role: {role}\n" if role else "")
    )
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    return {f.rule_id for f in result.findings if f.rule_id.startswith("IAM")}


@pytest.mark.parametrize("resource", ["Function", "StateMachine"])
@pytest.mark.parametrize(
    ("role", "judged"),
    [
        ("", True),
        ("arn:aws:iam::123456789012:role/app", False),
        ("!GetAtt AppRole.Arn", False),
        # The Role may be left out: SAM then makes one from the Policies.
        ("!If [Prod, arn:aws:iam::123456789012:role/app, !Ref AWS::NoValue]", True),
    ],
)
def test_policies_of_a_sam_resource_with_its_own_role_make_nothing(
    tmp_path, resource, role, judged
):
    reported = _rules_reported(tmp_path, role, resource)
    assert ("IAM001" in reported) is judged
    # The trust policy anyone may assume the role by (IAM005 or IAM009) goes with the role.
    assert bool(reported - {"IAM001", "IAM003", "IAM010"}) is (judged and resource == "Function")
