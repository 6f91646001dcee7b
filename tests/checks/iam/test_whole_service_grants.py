"""IAM002 (guardlint/checks/iam/grants.py): what a whole-service grant is said to grant, and
the resource policy statements that hand control to another's decision instead of granting."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of


def test_a_service_the_database_does_not_list_is_not_said_to_have_no_actions(tmp_path):
    """`newservice:*` may be a service newer than the action database: every action it has,
    which the database cannot count (IAM011 says it does not know the prefix)."""
    policy = statement(Effect="Allow", Action="newservice:*", Resource="*")
    (finding,) = findings_of(scan_policy(tmp_path, policy, rules={"IAM002"}), "IAM002")
    assert "0 actions" not in finding.message
    assert "does not list" in finding.message


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # AWS's recommended delegation of a bucket's access control to its access points: every
        # request must come through an access point of that account, whose own policy (and the
        # caller's IAM) decides.
        ({"StringEquals": {"s3:DataAccessPointAccount": "111122223333"}}, False),
        ({"StringEquals": {"S3:DATAACCESSPOINTACCOUNT": ["111122223333"]}}, False),
        # Any account's access points, or one that may be missing: no delegation.
        ({"StringLike": {"s3:DataAccessPointAccount": "*"}}, True),
        ({"StringEqualsIfExists": {"s3:DataAccessPointAccount": "111122223333"}}, True),
        ({"StringNotEquals": {"s3:DataAccessPointAccount": "111122223333"}}, True),
    ],
)
def test_a_bucket_policy_delegating_to_access_points(tmp_path, condition, fires):
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "*"},
        Action="*",
        Resource=["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
        Condition=condition,
    )
    result = scan_policy(tmp_path, policy, rules={"IAM001", "IAM002"})
    assert bool(findings_of(result, "IAM002")) is fires


def test_access_point_delegation_is_a_bucket_policy_s(tmp_path):
    """The key is S3's: in another service's policy it pins nothing IAM002 knows."""
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "111122223333"},
        Action="sqs:*",
        Resource="arn:aws:sqs:us-east-1:111122223333:jobs",
        Condition={"StringEquals": {"s3:DataAccessPointAccount": "111122223333"}},
    )
    assert findings_of(scan_policy(tmp_path, policy, rules={"IAM002"}), "IAM002")
