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


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # Only objects tagged so are read (the S3 objects' own tags, like aws:ResourceTag).
        ({"StringEquals": {"s3:ExistingObjectTag/classification": "public"}}, False),
        ({"StringLike": {"S3:EXISTINGOBJECTTAG/team": ["billing-*"]}}, False),
        # An untagged object passes these.
        ({"StringEqualsIfExists": {"s3:ExistingObjectTag/classification": "public"}}, True),
        ({"StringNotEquals": {"s3:ExistingObjectTag/classification": "secret"}}, True),
        ({"ForAllValues:StringEquals": {"s3:ExistingObjectTag/classification": "public"}}, True),
        # The tags a request writes say nothing about the objects read.
        ({"StringEquals": {"s3:RequestObjectTag/classification": "public"}}, True),
    ],
)
def test_object_reads_limited_by_the_objects_tags(tmp_path, condition, fires):
    policy = statement(Effect="Allow", Action="s3:GetObject", Resource="*", Condition=condition)
    result = scan_policy(tmp_path, policy, rules={"IAM007", "IAM012"})
    assert sorted({f.rule_id for f in result.findings}) == (["IAM007", "IAM012"] if fires else [])


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # KMS attribute-based access control by alias: only keys with (or named by) the alias.
        ({"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/app-secrets"}}, False),
        ({"StringEquals": {"kms:RequestAlias": "alias/app-secrets"}}, False),
        # A key without aliases passes ForAllValues; `*` matches every alias.
        ({"ForAllValues:StringEquals": {"kms:ResourceAliases": "alias/app-secrets"}}, True),
        ({"ForAnyValue:StringLike": {"kms:ResourceAliases": "*"}}, True),
    ],
)
def test_decrypt_limited_to_keys_by_alias(tmp_path, condition, fires):
    policy = statement(
        Effect="Allow", Action=["kms:Decrypt", "kms:Encrypt"], Resource="*", Condition=condition
    )
    result = scan_policy(tmp_path, policy, rules={"IAM003", "IAM007"})
    assert sorted({f.rule_id for f in result.findings}) == (["IAM003", "IAM007"] if fires else [])


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        # The secrets whose rotation function is this one: an attribute of the secret itself.
        (
            {
                "StringEquals": {
                    "secretsmanager:resource/AllowRotationLambdaArn": "arn:aws:lambda:"
                    "us-east-1:123456789012:function:rotator"
                }
            },
            False,
        ),
        ({"StringLike": {"secretsmanager:resource/AllowRotationLambdaArn": "*"}}, True),
    ],
)
def test_secrets_limited_by_their_rotation_function(tmp_path, condition, fires):
    policy = statement(
        Effect="Allow",
        Action=["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        Resource="arn:aws:secretsmanager:*:123456789012:secret:*",
        Condition=condition,
    )
    result = scan_policy(tmp_path, policy, rules={"IAM003", "IAM007"})
    assert bool(findings_of(result, "IAM007")) is fires
    assert bool(findings_of(result, "IAM003")) is fires
