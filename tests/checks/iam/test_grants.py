"""IAM001-IAM004 (guardlint/checks/iam/grants.py): what a policy grants."""

from __future__ import annotations

import json

import pytest

from tests.checks.iam.policies import IAM, fixture_tests, scan_policy, statement
from tests.conftest import findings_of, lines_of, run_scan, write_file

EXPECTED_LINES = {
    ("IAM001", "bad"): [13],
    ("IAM001", "bad-role"): [20],
    ("IAM001", "bad-sam-function"): [16],
    ("IAM002", "bad"): [5],
    ("IAM002", "bad-bucket-policy"): [14],
    ("IAM002", "bad-many-services"): [8],
    ("IAM002", "bad-service-prefix-wildcard"): [8],
    ("IAM003", "bad"): [7],
    ("IAM003", "bad-beside-admin"): [19, 26],
    ("IAM003", "bad-role"): [17],
    ("IAM004", "bad"): [4],
    ("IAM004", "bad-not-resource"): [11],
}

test_catches_the_bad_fixture_lines, test_every_bad_fixture_has_expected_lines = fixture_tests(
    EXPECTED_LINES
)


# -- IAM001 -------------------------------------------------------------------------------------


def test_admin_access_names_the_template_resource_and_the_statement():
    (finding,) = findings_of(run_scan(IAM / "IAM001" / "bad-role"), "IAM001")
    assert finding.resource == "AWS::IAM::Role BuildRole Statement 1"
    assert "policy deploy of AWS::IAM::Role BuildRole" in finding.message
    (standalone,) = findings_of(run_scan(IAM / "IAM001" / "bad"), "IAM001")
    assert standalone.resource == "Statement 2 (Sid AllowAll)"


def test_action_star_is_admin_and_write_everywhere_not_every_narrower_rule(tmp_path):
    result = scan_policy(tmp_path, statement(Effect="Allow", Action="*", Resource="*"))
    assert {f.rule_id for f in result.findings} == {"IAM001", "IAM003"}


@pytest.mark.parametrize(
    ("resource", "fires"),
    [
        ("arn:*", True),  # IAM's `*` matches colons: an ARN cut short reaches every ARN
        ("arn:aws:*", True),
        ("ARN:AWS:*:*", True),
        ("arn:*:*:*:*:*", True),
        ("arn:aws:*:*:*:*", True),
        ("arn:aws:*::*", False),  # `::` is an empty field: not every ARN has one
        ("arn:aws:*:*:*:*:*", False),  # a resource part with a colon in it
        ("arn:aws:s3:*", False),  # every S3 resource only
        ("arn:aws:*:*:123456789012", False),  # one account's resources only
    ],
)
def test_admin_access_on_an_arn_of_only_wildcards(tmp_path, resource, fires):
    policy = statement(Effect="Allow", Action="*", Resource=resource)
    assert bool(findings_of(scan_policy(tmp_path, policy, rules={"IAM001"}), "IAM001")) is fires


def test_admin_access_does_not_catch_star_on_named_resources(tmp_path):
    policy = statement(Effect="Allow", Action="*", Resource="arn:aws:s3:::data/*")
    assert not findings_of(scan_policy(tmp_path, policy, rules={"IAM001"}), "IAM001")


# -- IAM002 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "fires"),
    [
        ("s3:*", True),
        (["s3:*"], True),
        ("S3:*", True),
        (["s3:GetObject"], False),
        ("s3:Get*", False),
        ("*", True),  # every service, on the resource it names (not IAM001: Resource is not *)
        # A wildcard in the service prefix matches every service whose prefix fits it.
        ("s3*:*", True),  # s3, s3express, s3-object-lambda, s3tables ...
        ("S?:*", True),  # s3
        ("i*:*", True),  # iam among them
        ("s3*:Get*", False),  # some actions of those services
        ("zzz*:*", False),  # no service: IAM011's
    ],
)
def test_whole_service_action(tmp_path, action, fires):
    policy = statement(Effect="Allow", Action=action, Resource="arn:aws:s3:::data/*")
    assert bool(findings_of(scan_policy(tmp_path, policy), "IAM002")) is fires


def test_whole_service_actions_are_one_finding_per_statement(tmp_path):
    policy = statement(
        Effect="Allow", Action=["s3:*", "sqs:*", "SQS:*", "sns:Publish"], Resource="arn:aws:s3:::x"
    )
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM002"}), "IAM002")
    assert finding.properties["services"] == ["s3", "sqs"]
    assert "s3:*, sqs:*" in finding.message


def test_a_service_prefix_wildcard_names_every_service_it_grants_whole(tmp_path):
    policy = statement(Effect="Allow", Action=["ec2*:*", "ec2:*"], Resource="arn:aws:ec2:*:*:x")
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM002"}), "IAM002")
    assert {"ec2", "ec2-instance-connect", "ec2messages"} <= set(finding.properties["services"])
    assert not any(service.startswith("ecs") for service in finding.properties["services"])
    assert "`ec2*:*`" in finding.message


# -- IAM003 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("actions", ["*", ["*:*"], ["*", "s3:PutObject"]])
def test_write_on_every_resource_is_caught_beside_admin_access(tmp_path, actions):
    policy = statement(Effect="Allow", Action=actions, Resource="*")
    result = scan_policy(tmp_path, policy, rules={"IAM001", "IAM003"})
    (admin,) = findings_of(result, "IAM001")
    (write,) = findings_of(result, "IAM003")
    assert write.region == admin.region  # at the `*` entry
    assert write.properties["actionCount"] > 1000


def test_each_policy_of_a_resource_is_checked_on_its_own():
    result = run_scan(IAM / "IAM003" / "bad-beside-admin", only_rules={"IAM003"})
    assert sorted(f.message.split(" of AWS::")[0] for f in findings_of(result, "IAM003")) == [
        "Statement 1 of policy artifacts",
        "Statement 1 of policy everything",
    ]


def test_write_on_every_resource_lists_the_actions(tmp_path):
    policy = statement(Effect="Allow", Action=["sqs:SendMessage", "sqs:GetQueueUrl"], Resource="*")
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM003"}), "IAM003")
    assert finding.properties["actions"] == ["sqs:SendMessage"]  # GetQueueUrl only reads
    assert finding.properties["actionCount"] == 1


def test_access_levels_option_chooses_what_counts(tmp_path):
    policy = statement(Effect="Allow", Action=["sqs:SendMessage", "sqs:GetQueueUrl"], Resource="*")
    write_file(tmp_path, "policy.json", json.dumps(policy))
    result = run_scan(
        tmp_path, only_rules={"IAM003"}, rule_options={"IAM003": {"access_levels": ["Read"]}}
    )
    (finding,) = findings_of(result, "IAM003")
    assert finding.properties["actions"] == ["sqs:GetQueueUrl"]
    everything = run_scan(
        tmp_path,
        only_rules={"IAM003"},
        rule_options={"IAM003": {"access_levels": ["Read", "Write"]}},
    )
    assert findings_of(everything, "IAM003")[0].properties["actionCount"] == 2


def test_write_on_named_resources_or_limited_by_tags_is_not_caught(tmp_path):
    named = statement(Effect="Allow", Action="sqs:SendMessage", Resource="arn:aws:sqs:*:1:jobs")
    assert not findings_of(scan_policy(tmp_path / "named", named), "IAM003")
    tagged = statement(
        Effect="Allow",
        Action="ec2:StopInstances",
        Resource="*",
        Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
    )
    assert not findings_of(scan_policy(tmp_path / "tagged", tagged), "IAM003")


# -- IAM004 -------------------------------------------------------------------------------------


def test_not_action_with_allow_and_deny(tmp_path):
    allow = statement(Effect="Allow", NotAction="iam:*", Resource="*")
    assert findings_of(scan_policy(tmp_path / "allow", allow), "IAM004")
    deny = statement(Effect="Deny", NotAction="iam:*", Resource="*")
    assert not findings_of(scan_policy(tmp_path / "deny", deny), "IAM004")


@pytest.mark.parametrize(
    ("resource", "fires"),
    [
        ("arn:aws:sqs:*:*:*", True),
        ("arn:aws:sqs:us-east-1:123456789012:*", True),
        ("arn:aws:sqs:us-east-1:123456789012:jobs-*", False),
    ],
)
def test_write_on_every_resource_of_a_type(tmp_path, resource, fires):
    policy = statement(Effect="Allow", Action=["sqs:DeleteMessage"], Resource=resource)
    found = findings_of(scan_policy(tmp_path, policy, rules={"IAM003"}), "IAM003")
    assert bool(found) is fires
    assert all(f.properties["actions"] == ["sqs:DeleteMessage"] for f in found)


def test_admin_access_is_resource_star_only(tmp_path):
    """Action `*` on every IAM resource is not every action on every resource (IAM002 reports
    `*` on named resources); its IAM writes are IAM003's, its escalations IAM006's."""
    policy = statement(Effect="Allow", Action="*", Resource="arn:aws:iam::*:*")
    result = scan_policy(tmp_path, policy, rules={"IAM001", "IAM002", "IAM003", "IAM006"})
    assert not findings_of(result, "IAM001")
    assert findings_of(result, "IAM002")
    (writes,) = findings_of(result, "IAM003")
    assert "iam:AttachRolePolicy" in writes.properties["actions"]  # actions on IAM ARNs only
    assert not any(name.startswith("s3:") for name in writes.properties["actions"])
    assert findings_of(result, "IAM006")


# -- Allow with NotResource ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "rules"),
    [
        # Everything but one bucket is every other resource of the account.
        ({"Action": "*", "NotResource": "arn:aws:s3:::audit/*"}, {"IAM001", "IAM003"}),
        ({"Action": ["*"], "NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"]}, {"IAM001"}),
        ({"Action": "iam:PassRole", "NotResource": "arn:aws:iam::1:role/x"}, {"IAM006"}),
        ({"Action": "secretsmanager:GetSecretValue", "NotResource": "arn:x"}, {"IAM007"}),
        ({"Action": "s3:GetObject", "NotResource": "arn:aws:s3:::private/*"}, {"IAM012"}),
        ({"Action": "sqs:DeleteMessage", "NotResource": "arn:aws:sqs:*:1:q"}, {"IAM003"}),
    ],
)
def test_allow_with_not_resource_reaches_every_other_resource(tmp_path, fields, rules):
    result = scan_policy(tmp_path, statement(Effect="Allow", **fields))
    assert rules <= {f.rule_id for f in result.findings}


@pytest.mark.parametrize(
    "fields",
    [
        {"Effect": "Allow", "Action": "*", "NotResource": "*"},  # everything but everything
        {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::audit/*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::audit/*"},
    ],
)
def test_not_resource_star_and_deny_reach_nothing(tmp_path, fields):
    result = scan_policy(tmp_path, statement(**fields))
    assert not {"IAM001", "IAM003"} & {f.rule_id for f in result.findings}


# -- Allow with NotAction -----------------------------------------------------------------------


NARROWER = {"IAM006", "IAM007", "IAM012"}


@pytest.mark.parametrize(
    "fields",
    [
        # PowerUserAccess: every action but IAM's, secrets and code updates included.
        {"NotAction": "iam:*", "Resource": "*"},
        {"NotAction": ["IAM:*", "organizations:*"], "Resource": ["*"]},
        {"NotAction": ["s3:*", "kms:*"], "NotResource": "arn:aws:s3:::audit/*"},
        {"NotAction": "iam:*", "Resource": "arn:aws:secretsmanager:*:*:secret:*"},
    ],
)
def test_allow_with_not_action_is_one_finding_of_what_it_grants(tmp_path, fields):
    """IAM004 says what the complement of a NotAction grants, as IAM001 does for Action `*`:
    the narrower rules do not list its escalations, secrets and data again. IAM003 (write on
    every resource, a fix of Resource) stays, as it does beside IAM001."""
    policy = statement(Effect="Allow", **fields)
    rule_ids = {f.rule_id for f in scan_policy(tmp_path, policy).findings}
    assert {"IAM003", "IAM004"} <= rule_ids
    assert not (NARROWER | {"IAM001"}) & rule_ids


def test_explicit_actions_beside_not_resource_are_still_judged(tmp_path):
    policy = statement(
        Effect="Allow",
        Action=["iam:PassRole", "secretsmanager:GetSecretValue"],
        NotResource="arn:aws:iam::1:role/x",
    )
    rule_ids = {f.rule_id for f in scan_policy(tmp_path, policy).findings}
    assert {"IAM004", "IAM006", "IAM007"} <= rule_ids


def test_not_action_on_named_resources_and_deny_with_not_action(tmp_path):
    named = statement(Effect="Allow", NotAction="iam:*", Resource="arn:aws:s3:::b/*")
    assert {f.rule_id for f in scan_policy(tmp_path / "a", named).findings} == {"IAM004"}
    deny = statement(Effect="Deny", NotAction="iam:*", Resource="*")
    assert not scan_policy(tmp_path / "b", deny).findings


def test_write_on_every_resource_but_some_says_so(tmp_path):
    policy = statement(Effect="Allow", Action="sqs:DeleteMessage", NotResource="arn:aws:sqs:*:1:q")
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM003"}), "IAM003")
    assert "on every resource but those NotResource names" in finding.message


# -- a Deny that refuses what Action `*` grants -------------------------------------------------

ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def _policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    ("allow", "deny"),
    [
        (ALLOW_ALL, {"Action": "*", "Resource": "*"}),
        (ALLOW_ALL, {"Action": ["*:*"], "Resource": ["*"]}),
        ({**ALLOW_ALL, "Action": "*:*"}, {"Action": ["s3:GetObject", "*"], "Resource": ["x", "*"]}),
        ({**ALLOW_ALL, "Resource": ["*"]}, {"Action": "*", "Resource": "*", "Sid": "Lockdown"}),
    ],
)
def test_admin_access_refused_by_a_deny_of_everything_is_not_reported(tmp_path, allow, deny):
    result = scan_policy(tmp_path, _policy(allow, {"Effect": "Deny", **deny}))
    assert not {f.rule_id for f in result.findings} & (NARROWER | {"IAM001", "IAM003"})


@pytest.mark.parametrize(
    "deny",
    [
        # A Deny with a Condition applies to some requests only.
        {
            "Action": "*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        },
        {"Action": "*", "Resource": "arn:aws:s3:::audit/*"},  # refuses one bucket only
        {"Action": "iam:*", "Resource": "*"},  # every other service stays
        {
            "NotAction": "sqs:SendMessage",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
        },
    ],
)
def test_admin_access_beside_a_deny_that_leaves_it_is_reported(tmp_path, deny):
    result = scan_policy(tmp_path, _policy(ALLOW_ALL, {"Effect": "Deny", **deny}))
    assert lines_of(result, "IAM001") == [6]


def test_a_deny_for_one_principal_leaves_a_resource_policys_admin_access(tmp_path):
    allow = {**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    one = _policy(allow, {**deny, "Principal": {"AWS": "arn:aws:iam::111122223333:role/x"}})
    assert findings_of(scan_policy(tmp_path / "one", one), "IAM001")
    everyone = _policy(allow, {**deny, "Principal": "*"})
    assert not findings_of(scan_policy(tmp_path / "all", everyone), "IAM001")


@pytest.mark.parametrize(
    "not_action",
    [
        ["sqs:SendMessage", "secretsmanager:GetSecretValue"],
        ["SQS:SendMessage", "secretsmanager:GetSecret*"],
    ],
)
def test_a_deny_of_all_but_some_actions_leaves_those_to_the_narrower_rules(tmp_path, not_action):
    """Deny NotAction on `*` refuses every action it does not name: Action `*` then grants
    only those, which is no administrator, and each is judged by its rule."""
    deny = {"Effect": "Deny", "NotAction": not_action, "Resource": "*"}
    result = scan_policy(tmp_path, _policy(ALLOW_ALL, deny))
    assert not findings_of(result, "IAM001")
    (write,) = findings_of(result, "IAM003")
    assert write.properties["actions"] == ["sqs:SendMessage"]
    assert "every write" not in write.message
    (secret,) = findings_of(result, "IAM007")
    assert secret.properties["actions"] == ["secretsmanager:GetSecretValue"]
    assert not findings_of(result, "IAM006")
