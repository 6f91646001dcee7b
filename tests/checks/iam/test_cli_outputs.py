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


# -- aws iam get-account-authorization-details --------------------------------------------------

_WEB_IDENTITY_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "Federated": "arn:aws:iam::123456789012:oidc-provider/"
                "token.actions.githubusercontent.com"
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    ],
}
_ROLE = {
    "Path": "/",
    "RoleName": "gha-deploy",
    "RoleId": "AROA1234567890EXAMPLE",
    "Arn": "arn:aws:iam::123456789012:role/gha-deploy",
    "CreateDate": "2024-01-01T00:00:00Z",
    "AssumeRolePolicyDocument": _WEB_IDENTITY_TRUST,
    "InstanceProfileList": [],
    "RolePolicyList": [{"PolicyName": "everything", "PolicyDocument": _ADMIN}],
    "AttachedManagedPolicies": [],
    "Tags": [],
    "RoleLastUsed": {},
}
_USER = {
    "Path": "/",
    "UserName": "ci",
    "UserId": "AIDA1234567890EXAMPLE",
    "Arn": "arn:aws:iam::123456789012:user/ci",
    "CreateDate": "2024-01-01T00:00:00Z",
    "UserPolicyList": [{"PolicyName": "pass-any-role", "PolicyDocument": _PASS_ROLE}],
    "GroupList": [],
    "AttachedManagedPolicies": [],
    "Tags": [],
}
_SCOPED = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}


def _managed(default: dict, other: dict) -> dict:
    return {
        "PolicyName": "deploy",
        "PolicyId": "ANPA1234567890EXAMPLE",
        "Arn": "arn:aws:iam::123456789012:policy/deploy",
        "Path": "/",
        "DefaultVersionId": "v2",
        "AttachmentCount": 1,
        "IsAttachable": True,
        "PolicyVersionList": [
            {"Document": other, "VersionId": "v1", "IsDefaultVersion": False},
            {"Document": default, "VersionId": "v2", "IsDefaultVersion": True},
        ],
    }


def _iam_findings(tmp_path, printed) -> list:
    write_file(tmp_path, "account.json", json.dumps(printed, indent=2))
    return [f for f in run_scan(tmp_path).findings if f.rule_id.startswith("IAM")]


def test_account_authorization_details_are_every_policy_in_force(tmp_path):
    printed = {
        "UserDetailList": [_USER],
        "GroupDetailList": [],
        "RoleDetailList": [_ROLE],
        "Policies": [_managed(default=_SCOPED, other=_ADMIN)],
        "IsTruncated": False,
    }
    found = {(f.rule_id, f.resource) for f in _iam_findings(tmp_path, printed)}
    assert ("IAM001", "IAM role gha-deploy Statement 1") in found
    assert ("IAM009", "IAM role gha-deploy Statement 1") in found  # its trust policy
    assert ("IAM006", "IAM user ci Statement 1") in found
    # The managed policy's default version is in force, not the administrator one before it.
    assert not any(resource.startswith("managed policy") for _, resource in found)


def test_the_default_version_of_a_managed_policy_is_judged(tmp_path):
    findings = _iam_findings(tmp_path, {"Policies": [_managed(default=_ADMIN, other=_SCOPED)]})
    (admin,) = [f for f in findings if f.rule_id == "IAM001"]
    assert admin.resource == "managed policy deploy Statement 1"
    assert "default version v2 of managed policy deploy" in admin.message


@pytest.mark.parametrize(
    "printed",
    [
        [_ROLE],  # jq .RoleDetailList
        _ROLE,  # jq '.RoleDetailList[0]'
        {"RoleDetailList": [_ROLE]},  # jq '{RoleDetailList}'
        {"Role": {k: v for k, v in _ROLE.items() if k != "RolePolicyList"}},  # aws iam get-role
        {"Roles": [{k: v for k, v in _ROLE.items() if k != "RolePolicyList"}]},  # list-roles
    ],
)
def test_account_details_cut_down_by_jq_are_read_too(tmp_path, printed):
    assert "IAM009" in {f.rule_id for f in _iam_findings(tmp_path, printed)}


@pytest.mark.parametrize(
    "printed",
    [
        _USER["UserPolicyList"],  # jq '[.UserDetailList[].UserPolicyList[]]'
        _USER["UserPolicyList"][0],  # jq '.UserDetailList[0].UserPolicyList[0]'
    ],
)
def test_inline_policies_cut_out_of_account_details_are_read(tmp_path, printed):
    (finding,) = [f for f in _iam_findings(tmp_path, printed) if f.rule_id == "IAM006"]
    assert finding.resource == "inline policy pass-any-role Statement 1"


@pytest.mark.parametrize(
    "printed",
    [
        # The API's URL-encoded documents are not policies as written.
        {"RoleDetailList": [{**_ROLE, "AssumeRolePolicyDocument": "%7B%7D", "RolePolicyList": []}]},
        # Another tool's file with a list of that name among its own keys.
        {"RoleDetailList": [_ROLE], "Resources": {}},
        [_ROLE, {"name": "not an IAM entity"}],
    ],
)
def test_other_account_shapes_are_not_read(tmp_path, printed):
    assert not _iam_findings(tmp_path, printed)


def test_a_version_without_its_flag_is_the_default_its_policy_names(tmp_path):
    policy = _managed(default=_ADMIN, other=_SCOPED)
    for version in policy["PolicyVersionList"]:
        del version["IsDefaultVersion"]  # jq '.Policies[] | {..., PolicyVersionList: [...]}'
    (admin,) = [f for f in _iam_findings(tmp_path, policy) if f.rule_id == "IAM001"]
    assert "default version v2" in admin.message
