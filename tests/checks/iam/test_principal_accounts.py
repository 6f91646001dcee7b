"""Principals that name accounts: an ARN with a wildcard account names every one (IAM005),
and only one account's root takes `kms:*` in AWS's default key policy (IAM002)."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import lines_of


@pytest.mark.parametrize(
    ("principal", "fires"),
    [
        ({"AWS": "arn:aws:iam::*:root"}, True),
        ({"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::*:role/Deploy"]}, True),
        ({"AWS": "arn:aws:sts::*:assumed-role/Deploy/session"}, True),
        ({"AWS": "arn:aws-us-gov:iam::12345678901?:root"}, True),
        ({"AWS": "arn:aws:iam::111122223333:root"}, False),
        ({"AWS": "arn:aws:iam::111122223333:role/*"}, False),  # one account's own roles
        ({"AWS": "111122223333"}, False),
        ({"Service": "sns.amazonaws.com"}, False),
    ],
)
def test_a_wildcard_account_in_a_principal_arn_is_every_account(tmp_path, principal, fires):
    policy = statement(
        Effect="Allow",
        Principal=principal,
        Action="s3:GetObject",
        Resource="arn:aws:s3:::assets/*",
    )
    result = scan_policy(tmp_path, policy, rules={"IAM005"})
    assert bool(lines_of(result, "IAM005")) is fires


def _key_policy(*principals: str) -> dict:
    return statement(
        Effect="Allow", Principal={"AWS": list(principals)}, Action="kms:*", Resource="*"
    )


@pytest.mark.parametrize(
    ("principals", "fires"),
    [
        (["arn:aws:iam::111122223333:root"], False),  # AWS's default key policy
        (["111122223333"], False),
        (["arn:aws:iam::111122223333:root", "111122223333"], False),  # one account twice
        (["arn:aws:iam::${AccountId}:root"], False),
        (["arn:aws:iam::*:root"], True),  # every account's root
        # A second account's root holds the whole key: at most one is the key's own.
        (["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"], True),
        (["111122223333", "444455556666"], True),
    ],
)
def test_only_one_accounts_root_is_the_default_key_policy(tmp_path, principals, fires):
    result = scan_policy(tmp_path, _key_policy(*principals), rules={"IAM002"})
    assert bool(lines_of(result, "IAM002")) is fires
