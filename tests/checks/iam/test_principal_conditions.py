"""IAM005 (guardlint/checks/iam/principals.py): which Conditions of a public Allow narrow the
caller down, as IAM evaluates them (guardlint/documents/iam/conditions.py)."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of


def _public_allow_fires(tmp_path, condition) -> bool:
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "*"},
        Action="s3:GetObject",
        Resource="arn:aws:s3:::reports/*",
        Condition=condition,
    )
    return bool(findings_of(scan_policy(tmp_path, policy), "IAM005"))


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # `?` takes any one character: twelve of them are every account ID.
        ({"StringLike": {"aws:SourceAccount": "????????????"}}, True),
        ({"StringLike": {"aws:PrincipalAccount": ["?*"]}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::????????????:role/deploy"}}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:????????????:alerts"}}, True),
        ({"StringLike": {"aws:PrincipalOrgID": "o-??????????"}}, True),
        ({"StringLike": {"aws:SourceVpce": "vpce-?????????????????"}}, True),
        # A literal part still narrows.
        ({"StringLike": {"aws:SourceAccount": "11112222333?"}}, False),
        ({"StringLike": {"aws:PrincipalOrgID": "o-a1b2c3d4e?"}}, False),
    ],
)
def test_patterns_of_only_wildcards_narrow_nothing(tmp_path, condition, fires):
    assert _public_allow_fires(tmp_path, condition) is fires


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # A role's or user's unique ID is never reused, so it names one identity.
        ({"StringLike": {"aws:userid": ["AROAEXAMPLEID123456:*", "AIDAEXAMPLEUSER1234"]}}, False),
        ({"StringEquals": {"aws:UserId": "111122223333"}}, False),  # the account's root
        # A wildcard in the unique ID admits any account's roles or users; the session name
        # after `:` is the caller's choice; anonymous callers carry `anonymous`.
        ({"StringLike": {"aws:userid": "AROA*"}}, True),
        ({"StringLike": {"aws:userid": "*:alice@example.com"}}, True),
        ({"StringLike": {"aws:userid": "*"}}, True),
        ({"StringEquals": {"aws:userid": "anonymous"}}, True),
        ({"StringLikeIfExists": {"aws:userid": "AROAEXAMPLEID123456:*"}}, True),
        ({"StringNotLike": {"aws:userid": "AROAEXAMPLEID123456:*"}}, True),
        # A user name is unique only inside its account.
        ({"StringEquals": {"aws:username": "alice"}}, True),
    ],
)
def test_unique_ids_of_identities_narrow_the_caller(tmp_path, condition, fires):
    assert _public_allow_fires(tmp_path, condition) is fires


@pytest.mark.parametrize(
    ("deny_condition", "fires"),
    [
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"}}, False),
        (
            {
                "StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"},
                "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"},
            },
            False,
        ),
        # The data-perimeter shape: everyone outside the organization but AWS services.
        (
            {
                "StringNotEqualsIfExists": {
                    "aws:PrincipalOrgID": "o-a1b2c3d4e5",
                    "aws:SourceOrgID": "o-a1b2c3d4e5",
                },
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
            },
            False,
        ),
        # Every test must hold for the Deny to apply: these deny outsiders only over plain
        # HTTP, or only those of one account, so the rest still get in.
        (
            {
                "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                "Bool": {"aws:SecureTransport": "false"},
            },
            True,
        ),
        (
            {
                "StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"},
                "StringEquals": {"aws:PrincipalAccount": "444455556666"},
            },
            True,
        ),
        (
            {
                "StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "true"},
            },
            True,
        ),
    ],
)
def test_a_restricting_deny_must_reach_every_outside_caller(tmp_path, deny_condition, fires):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::reports/*",
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
                "Condition": deny_condition,
            },
        ],
    }
    result = scan_policy(tmp_path, policy, rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is fires


@pytest.mark.parametrize(
    ("source_arn", "fires"),
    [
        # Bucket names are global and first come, first served: a wildcard in one admits
        # buckets anyone can create, whatever account owns them.
        ("arn:aws:s3:::access-logs-*", True),
        ("arn:aws:s3:::*-logs/*", True),
        ("arn:aws:s3:::access-logs-?", True),
        ("arn:aws:s3:::access-logs", False),
        ("arn:aws:s3:::access-logs/AWSLogs/*", False),
        # S3's event-notification examples: a bucket's ARN has no region nor account, so
        # their wildcards match its empty ones; the bucket's global name still names it.
        ("arn:aws:s3:*:*:access-logs", False),
        ("arn:aws:s3:*:*:access-logs-*", True),
        ("arn:aws:s3:*:*:*", True),
        # An access point belongs to its account.
        ("arn:aws:s3:*:*:accesspoint/*", True),
        ("arn:aws:s3:us-east-1:111122223333:accesspoint/*", False),
    ],
)
def test_source_arn_of_buckets_anyone_can_name(tmp_path, source_arn, fires):
    condition = {"ArnLike": {"aws:SourceArn": source_arn}}
    assert _public_allow_fires(tmp_path, condition) is fires


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # Only clients inside the file system's VPC reach a mount target: EFS's own policy
        # options write this for Principal `*`.
        ({"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}, False),
        ({"Bool": {"elasticfilesystem:AccessedViaMountTarget": True}}, False),
        ({"Bool": {"elasticfilesystem:AccessedViaMountTarget": "false"}}, True),
        ({"BoolIfExists": {"elasticfilesystem:AccessedViaMountTarget": "true"}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
    ],
)
def test_efs_access_through_a_mount_target(tmp_path, condition, fires):
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "*"},
        Action=["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource="arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123abcd",
        Condition=condition,
    )
    assert bool(findings_of(scan_policy(tmp_path, policy), "IAM005")) is fires


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # Only requests through a VPC endpoint of that account or organization carry them.
        ({"StringEquals": {"aws:VpceAccount": "111122223333"}}, False),
        ({"StringEquals": {"aws:VpceOrgID": "o-a1b2c3d4e5"}}, False),
        ({"ForAnyValue:StringLike": {"aws:VpceOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}}, False),
        ({"StringLike": {"aws:VpceOrgID": "o-*"}}, True),
        ({"StringNotEquals": {"aws:VpceAccount": "111122223333"}}, True),
    ],
)
def test_the_vpc_endpoints_account_or_organization(tmp_path, condition, fires):
    assert _public_allow_fires(tmp_path, condition) is fires
