"""A policy saved as the AWS CLI prints it (`aws iam get-policy-version`, `get-role-policy`,
`get-user-policy`, `get-group-policy`) is a standalone policy file too."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_scan, write_file

_ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
_PASS_ROLE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*"}],
}


def _findings(tmp_path, printed: dict) -> set[tuple[str, int]]:
    write_file(tmp_path, "policy.json", json.dumps(printed, indent=4))
    return {(f.rule_id, f.region.start_line) for f in run_scan(tmp_path).findings}


def test_get_policy_version_output(tmp_path):
    printed = {
        "PolicyVersion": {
            "Document": _ADMIN,
            "VersionId": "v3",
            "IsDefaultVersion": True,
            "CreateDate": "2024-05-01T10:00:00+00:00",
        }
    }
    # The Action `*` line of the document as printed.
    assert ("IAM001", 8) in _findings(tmp_path, printed)


@pytest.mark.parametrize("holder", ["RoleName", "UserName", "GroupName"])
def test_get_inline_policy_output(tmp_path, holder):
    printed = {holder: "deploy", "PolicyName": "pass-any-role", "PolicyDocument": _PASS_ROLE}
    assert ("IAM006", 10) in _findings(tmp_path, printed)


@pytest.mark.parametrize(
    "printed",
    [
        # The API's own answer, the document URL-encoded text: not a policy as written.
        {"PolicyVersion": {"Document": "%7B%22Version%22%3A%222012-10-17%22%7D"}},
        # Other keys beside them: some other tool's file.
        {"PolicyVersion": {"Document": _ADMIN, "Rules": []}},
        {"RoleName": "r", "PolicyName": "p", "PolicyDocument": _ADMIN, "Resources": {}},
    ],
)
def test_other_shapes_are_not_policies(tmp_path, printed):
    assert not {rule for rule, _ in _findings(tmp_path, printed) if rule.startswith("IAM")}
