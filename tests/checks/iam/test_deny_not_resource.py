"""A Deny with NotResource (guardlint/documents/iam/denials.py): it refuses its actions on every
resource but those it names, so an Allow on `*` beside it reaches only those (IAM evaluation:
an explicit Deny overrides every Allow; NotResource matches every resource but those listed)."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy
from tests.conftest import findings_of, lines_of, run_scan, write_file

WHOLE = {"IAM001", "IAM002", "IAM003", "IAM006", "IAM007", "IAM012"}
ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
ONE_BUCKET = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]


def _policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _rules(result) -> set[str]:
    return {f.rule_id for f in result.findings}


def test_allow_all_beside_a_deny_of_all_but_one_bucket_is_every_action_on_that_bucket(tmp_path):
    deny = {"Effect": "Deny", "Action": "*", "NotResource": ONE_BUCKET}
    result = scan_policy(tmp_path, _policy(ALLOW_ALL, deny), rules=WHOLE)
    # No administrator, and nothing on every resource: every action on one bucket (IAM002).
    assert _rules(result) == {"IAM002"}
    (finding,) = findings_of(result, "IAM002")
    assert finding.properties["services"] == ["*"]
    assert "NotResource" in finding.message


def test_a_deny_of_all_but_every_bucket_leaves_the_bucket_actions_on_every_bucket(tmp_path):
    deny = {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::*"}
    result = scan_policy(tmp_path, _policy(ALLOW_ALL, deny), rules=WHOLE)
    assert not findings_of(result, "IAM001")
    (write,) = findings_of(result, "IAM003")
    assert write.properties["actions"]
    assert all(name.startswith("s3:") for name in write.properties["actions"])
    (data,) = findings_of(result, "IAM012")
    assert data.properties["actions"] == ["s3:GetObject", "s3:PutBucketPolicy"]
    assert not findings_of(result, "IAM006")


@pytest.mark.parametrize(
    "deny",
    [
        {"Action": "*", "NotResource": "*"},  # every resource but every resource: nothing
        {"Action": "*", "NotResource": ["arn:aws:s3:::reports", "*"]},
        {
            "Action": "*",
            "NotResource": ONE_BUCKET,
            "Condition": {"Bool": {"aws:ViaAWSService": "false"}},
        },
        {"Action": "iam:*", "NotResource": "arn:aws:iam::123456789012:role/app"},  # IAM only
    ],
)
def test_a_deny_with_not_resource_that_leaves_the_administrator(tmp_path, deny):
    result = scan_policy(tmp_path, _policy(ALLOW_ALL, {"Effect": "Deny", **deny}), rules={"IAM001"})
    assert lines_of(result, "IAM001") == [6]


def test_pass_role_denied_on_all_roles_but_one_is_no_escalation(tmp_path):
    allow = {
        "Effect": "Allow",
        "Action": ["iam:PassRole", "ec2:RunInstances"],
        "Resource": "*",
    }
    deny = {
        "Effect": "Deny",
        "Action": "iam:PassRole",
        "NotResource": "arn:aws:iam::123456789012:role/app-instance",
    }
    result = scan_policy(tmp_path, _policy(allow, deny), rules=WHOLE)
    assert not findings_of(result, "IAM006")
    (write,) = findings_of(result, "IAM003")
    assert write.properties["actions"] == ["ec2:RunInstances"]
    assert write.region.start_line == 8  # at ec2:RunInstances, what is still on every resource


def test_a_deny_of_all_but_every_role_leaves_pass_role_on_every_role(tmp_path):
    allow = {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::*:role/*"}
    result = scan_policy(tmp_path, _policy(allow, deny), rules={"IAM006"})
    (finding,) = findings_of(result, "IAM006")
    assert finding.properties["actions"] == ["iam:PassRole"]


def test_a_deny_with_not_resource_for_one_principal_leaves_a_resource_policy(tmp_path):
    allow = {**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}
    deny = {"Effect": "Deny", "Action": "*", "NotResource": ONE_BUCKET}
    one = _policy(allow, {**deny, "Principal": {"AWS": "arn:aws:iam::111122223333:role/x"}})
    assert findings_of(scan_policy(tmp_path / "one", one, rules={"IAM001"}), "IAM001")
    everyone = _policy(allow, {**deny, "Principal": "*"})
    assert not findings_of(scan_policy(tmp_path / "all", everyone, rules={"IAM001"}), "IAM001")


def test_an_unresolved_not_resource_refuses_nothing(tmp_path):
    text = """Parameters:
  Keep: {Type: String}
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: "*", Resource: "*"}
          - {Effect: Deny, Action: "*", NotResource: !Ref Keep}
"""
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM001"})
    assert lines_of(result, "IAM001") == [10]


def test_write_on_every_resource_points_at_the_entry_a_deny_leaves(tmp_path):
    allow = {
        "Effect": "Allow",
        "Action": ["s3:PutObject", "sqs:SendMessage"],
        "Resource": "*",
    }
    deny = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    result = scan_policy(tmp_path, _policy(allow, deny), rules={"IAM003"})
    (finding,) = findings_of(result, "IAM003")
    assert finding.properties["actions"] == ["sqs:SendMessage"]
    assert finding.region.start_line == 8


def test_a_whole_service_denied_everywhere_is_not_granted(tmp_path):
    allow = {"Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "S3:*", "Resource": "*"}
    result = scan_policy(tmp_path, _policy(allow, deny), rules={"IAM002"})
    (finding,) = findings_of(result, "IAM002")
    assert finding.properties["services"] == ["sqs"]
    narrowed = {"Effect": "Deny", "Action": "s3:*", "NotResource": ONE_BUCKET}
    result = scan_policy(tmp_path / "narrowed", _policy(allow, narrowed), rules={"IAM002"})
    (finding,) = findings_of(result, "IAM002")  # every S3 action on one bucket is still s3:*
    assert finding.properties["services"] == ["s3", "sqs"]


@pytest.mark.parametrize(
    ("deny", "fires"),
    [
        ({"Action": "*", "Resource": "*"}, False),  # nothing granted at all
        ({"NotAction": "s3:GetObject", "Resource": "*"}, False),  # one action, not every one
        ({"Action": "iam:*", "Resource": "*"}, True),  # every other service stays
    ],
)
def test_every_action_on_named_resources_beside_a_deny_of_every_action(tmp_path, deny, fires):
    allow = {"Effect": "Allow", "Action": "*", "Resource": ONE_BUCKET}
    result = scan_policy(tmp_path, _policy(allow, {"Effect": "Deny", **deny}), rules={"IAM002"})
    assert bool(findings_of(result, "IAM002")) is fires
