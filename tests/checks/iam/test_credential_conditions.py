"""IAM007 (the policy-grants-actions template, rules/iam.yaml limiting_conditions): kms:Decrypt
on every key, limited to ciphertexts bound to an encryption context."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of

_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf"


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # The context is bound to the ciphertext: only data encrypted with it decrypts.
        ({"StringEquals": {"kms:EncryptionContext:SecretARN": _SECRET}}, False),
        ({"StringLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::reports/*"}}, False),
        ({"StringEquals": {"KMS:ENCRYPTIONCONTEXT:aws:lambda:FunctionArn": "arn:x"}}, False),
        ({"ForAnyValue:StringEquals": {"kms:EncryptionContext:team": "billing"}}, False),
        # Pins nothing: any context, or a request without one, passes.
        ({"StringLike": {"kms:EncryptionContext:SecretARN": "*"}}, True),
        ({"StringEqualsIfExists": {"kms:EncryptionContext:SecretARN": _SECRET}}, True),
        ({"StringNotEquals": {"kms:EncryptionContext:SecretARN": _SECRET}}, True),
        ({"Null": {"kms:EncryptionContext:SecretARN": "false"}}, True),
        # Which keys the context has, not their values: every secret's ciphertext has them.
        ({"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "SecretARN"}}, True),
        ({"StringEquals": {"kms:CallerAccount": "123456789012"}}, True),
    ],
)
def test_decrypt_bound_to_an_encryption_context(tmp_path, condition, fires):
    policy = statement(Effect="Allow", Action="kms:Decrypt", Resource="*", Condition=condition)
    result = scan_policy(tmp_path, policy, rules={"IAM007"})
    assert bool(findings_of(result, "IAM007")) is fires
