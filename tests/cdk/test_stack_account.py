"""The account a CDK stack deploys to, from its cloud assembly's manifest: a template of a
stack with a concrete environment writes its own account as a literal ID, which is not
another account (IAM009)."""

from __future__ import annotations

import json

from tests.conftest import findings_of, run_scan, write_file


def _role(account: str) -> dict:
    principal = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{account}:root"]]}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": principal}}
                ],
            }
        },
    }


_TEMPLATE = json.dumps(
    {"Resources": {"Own": _role("111111111111"), "Other": _role("222222222222")}}, indent=1
)


def _assembly(directory, environment: str) -> None:
    manifest = {
        "version": "48.0.0",
        "artifacts": {
            "Stack": {
                "type": "aws:cloudformation:stack",
                "environment": environment,
                "properties": {"templateFile": "Stack.template.json"},
            }
        },
    }
    write_file(directory, "manifest.json", json.dumps(manifest))
    write_file(directory, "Stack.template.json", _TEMPLATE)
    # A nested stack deploys in its parent's account: the assembly's one account.
    write_file(directory, "StackNested0A1B2C3D.nested.template.json", _TEMPLATE)


def test_the_stacks_own_account_is_not_another_account(tmp_path):
    _assembly(tmp_path / "cdk.out", "aws://111111111111/us-east-1")
    found = findings_of(run_scan(tmp_path), "IAM009")
    assert sorted((f.path.rsplit("/", 1)[-1], f.resource.split()[1]) for f in found) == [
        ("Stack.template.json", "Other"),
        ("StackNested0A1B2C3D.nested.template.json", "Other"),
    ]


def test_an_environment_agnostic_stack_or_a_plain_template_knows_no_account(tmp_path):
    _assembly(tmp_path / "cdk.out", "aws://unknown-account/unknown-region")
    write_file(tmp_path / "plain", "template.json", _TEMPLATE)
    found = findings_of(run_scan(tmp_path), "IAM009")
    assert len(found) == 6  # both roles of each of the three templates
