"""Conditions IAM evaluates by whether the request carries the key (IAM User Guide, "Condition
operators" and "Multivalued context keys"): `...IfExists` and `ForAllValues:` pass a request
without it unless a `Null` test of `false` demands it, `ForAnyValue:` fails such a request
(so a Deny qualified so spares it), and account-ID patterns whose wildcards stand for several
digits admit accounts nobody named (guardlint/documents/iam/conditions.py)."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of

_OBJECTS = "arn:aws:s3:::reports/*"


def _public_allow(condition: dict | None = None) -> dict:
    allow = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject"}
    allow["Resource"] = _OBJECTS
    if condition is not None:
        allow["Condition"] = condition
    return allow


def _fires(tmp_path, policy: dict, rule: str = "IAM005") -> bool:
    return bool(findings_of(scan_policy(tmp_path, policy, rules={rule}), rule))


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # The key must be present, so its values must match.
        (
            {
                "StringEqualsIfExists": {"aws:SourceAccount": "111122223333"},
                "Null": {"aws:SourceAccount": "false"},
            },
            False,
        ),
        (
            {
                "ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"},
                "Null": {"AWS:PrincipalOrgPaths": False},
            },
            False,
        ),
        (
            {
                "ForAllValues:StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]},
                "Null": {"aws:principalorgid": ["false"]},
            },
            False,
        ),
        # Without the key the request passes: alone, with `Null` true, with `Null` of either
        # value, or with a `Null` test of another key.
        ({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, True),
        (
            {
                "StringEqualsIfExists": {"aws:SourceAccount": "111122223333"},
                "Null": {"aws:SourceAccount": "true"},
            },
            True,
        ),
        (
            {
                "StringEqualsIfExists": {"aws:SourceAccount": "111122223333"},
                "Null": {"aws:SourceAccount": ["false", "true"]},
            },
            True,
        ),
        (
            {
                "StringEqualsIfExists": {"aws:SourceAccount": "111122223333"},
                "Null": {"aws:SourceArn": "false"},
            },
            True,
        ),
        # Present, but with a value anyone has.
        (
            {
                "StringLikeIfExists": {"aws:SourceAccount": "*"},
                "Null": {"aws:SourceAccount": "false"},
            },
            True,
        ),
        ({"Null": {"aws:PrincipalOrgID": "false"}}, True),
    ],
)
def test_a_null_test_of_false_makes_the_key_required(tmp_path, condition, fires):
    assert _fires(tmp_path, statement(**_public_allow(condition))) is fires


def test_a_null_test_of_false_limits_a_grant_to_tagged_resources(tmp_path):
    policy = statement(
        Effect="Allow",
        Action="secretsmanager:GetSecretValue",
        Resource="*",
        Condition={
            "StringEqualsIfExists": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
            "Null": {"aws:ResourceTag/team": "false"},
        },
    )
    assert not _fires(tmp_path, policy, "IAM007")


def test_a_null_test_of_false_requires_the_external_id(tmp_path):
    policy = statement(
        Effect="Allow",
        Principal={"AWS": "arn:aws:iam::444455556666:root"},
        Action="sts:AssumeRole",
        Condition={
            "StringEqualsIfExists": {"sts:ExternalId": "x-123"},
            "Null": {"sts:ExternalId": "false"},
        },
    )
    assert not _fires(tmp_path, policy, "IAM009")


@pytest.mark.parametrize(
    ("deny_condition", "fires"),
    [
        # An anonymous caller carries no aws:PrincipalOrgID: `ForAnyValue:` of nothing is false.
        ({"ForAnyValue:StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, True),
        ({"ForAnyValue:StringNotLike": {"aws:SourceVpce": "vpce-1a2b3c4d"}}, True),
        # `ForAllValues:` of nothing is true, like the plain negation.
        ({"ForAllValues:StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, False),
        ({"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, False),
        # Every request from outside a VPC endpoint carries aws:SourceIp.
        ({"ForAnyValue:NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False),
        # A further test that spares callers without its key.
        (
            {
                "StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                "ForAnyValue:StringNotEquals": {"aws:PrincipalTag/team": "data"},
            },
            True,
        ),
    ],
)
def test_a_deny_qualified_for_any_value_spares_callers_without_the_key(
    tmp_path, deny_condition, fires
):
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": _OBJECTS}
    deny["Condition"] = deny_condition
    policy = {"Version": "2012-10-17", "Statement": [_public_allow(), deny]}
    assert _fires(tmp_path, policy) is fires


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # Wildcards for two digits or more: accounts of strangers match.
        ({"StringLike": {"aws:PrincipalAccount": "1*"}}, True),
        ({"StringLike": {"aws:SourceAccount": ["1111*"]}}, True),
        ({"StringLike": {"aws:SourceOwner": "1111222233??"}}, True),
        ({"StringLike": {"AWS:SourceAccount": "*3333"}}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:1*:alerts"}}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::11112222????:role/deploy"}}, True),
        # Every digit written (or all but one), or compared literally.
        ({"StringLike": {"aws:SourceAccount": "111122223333*"}}, False),
        ({"StringLike": {"aws:SourceAccount": "11112222333?"}}, False),
        ({"StringEquals": {"aws:SourceAccount": "1*"}}, False),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}, False),
    ],
)
def test_account_patterns_whose_wildcards_stand_for_several_digits(tmp_path, condition, fires):
    assert _fires(tmp_path, statement(**_public_allow(condition))) is fires
