"""A Deny whose Resource reaches every resource of its actions' types (`arn:aws:s3:::*`,
`arn:aws:iam::*:role/*`; guardlint/documents/iam/denials.py): an action it denies on every
resource of every type the action acts on is granted nowhere, so no Allow of it on any
resource is reported. A Deny that may leave some of them (one account, one region, a name
prefix, a type the action also acts on) refuses nothing."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy
from tests.conftest import findings_of

RULES = {"IAM001", "IAM002", "IAM003", "IAM006", "IAM007", "IAM012"}


def _policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _actions(result, rule: str) -> list[str]:
    return [name for f in findings_of(result, rule) for name in f.properties["actions"]]


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::*:role/*",
        "arn:aws:iam::*:*",
        "arn:*:iam::*:role/*",
        ["arn:aws:iam::*:role/*", "arn:aws:s3:::*"],
    ],
)
@pytest.mark.parametrize("allowed_on", ["*", "arn:aws:iam::*:role/*"])
def test_pass_role_denied_on_every_role_is_no_escalation(tmp_path, resource, allowed_on):
    allow = {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}
    allow["Resource"] = allowed_on
    deny = {"Effect": "Deny", "Action": "iam:PassRole", "Resource": resource}
    result = scan_policy(tmp_path, _policy(allow, deny), rules=RULES)
    assert not findings_of(result, "IAM006")


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::123456789012:role/*",  # one account's roles: others' stay
        "arn:aws:iam::*:role/app-*",  # a name prefix
        "arn:aws:iam::*:user/*",  # another type
        "arn:aws:iam:us-east-1:*:role/*",  # a region IAM's ARNs do not have
    ],
)
def test_pass_role_denied_on_some_roles_keeps_the_escalation(tmp_path, resource):
    allow = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "iam:PassRole", "Resource": resource}
    result = scan_policy(tmp_path, _policy(allow, deny), rules={"IAM006"})
    assert _actions(result, "IAM006") == ["iam:PassRole"]


def test_a_deny_of_s3_on_every_bucket_and_object_leaves_what_acts_on_no_bucket(tmp_path):
    allow = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutBucketPolicy"], "Resource": "*"}
    result = scan_policy(tmp_path / "before", _policy(allow), rules={"IAM012"})
    assert _actions(result, "IAM012") == ["s3:GetObject", "s3:PutBucketPolicy"]
    deny = {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*"}
    result = scan_policy(tmp_path / "after", _policy(allow, deny), rules=RULES)
    # s3:GetObject also reads objects through access points, whose ARNs are not the bucket's.
    assert _actions(result, "IAM012") == ["s3:GetObject"]
    assert not findings_of(result, "IAM003")
    both = {**deny, "Resource": ["arn:aws:s3:::*", "arn:aws:s3:*:*:accesspoint/*"]}
    result = scan_policy(tmp_path / "both", _policy(allow, both), rules=RULES)
    assert not findings_of(result, "IAM012")
    # s3:* still grants what acts on access points, jobs or no resource at all.
    every = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    result = scan_policy(tmp_path / "every", _policy(every, deny), rules={"IAM002"})
    assert findings_of(result, "IAM002")


def test_a_deny_of_every_action_on_every_secret_in_every_region(tmp_path):
    allow = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    everywhere = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "arn:aws:secretsmanager:*:*:secret:*",
    }
    result = scan_policy(tmp_path / "all", _policy(allow, everywhere), rules={"IAM007"})
    assert not findings_of(result, "IAM007")
    one_region = {**everywhere, "Resource": "arn:aws:secretsmanager:us-east-1:*:secret:*"}
    result = scan_policy(tmp_path / "one", _policy(allow, one_region), rules={"IAM007"})
    assert _actions(result, "IAM007") == ["secretsmanager:GetSecretValue"]


def test_a_type_wide_deny_under_a_condition_refuses_nothing(tmp_path):
    allow = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    deny = {
        "Effect": "Deny",
        "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::*:role/*",
        "Condition": {"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    }
    result = scan_policy(tmp_path, _policy(allow, deny), rules={"IAM006"})
    assert _actions(result, "IAM006") == ["iam:PassRole"]


def test_a_deny_of_everything_on_every_role_leaves_the_administrator(tmp_path):
    allow = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:iam::*:role/*"}
    result = scan_policy(tmp_path, _policy(allow, deny), rules={"IAM001"})
    assert findings_of(result, "IAM001")
