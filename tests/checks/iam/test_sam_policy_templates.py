"""The IAM rules on the policies SAM policy templates make (`S3ReadPolicy: {BucketName: ...}`
in a function's Policies): judged by the statements that take a parameter, at the entry."""

from __future__ import annotations

import pytest

from tests.conftest import run_scan, write_file

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Bucket: {{Type: String, Default: "*"}}
Resources:
  Data: {{Type: AWS::S3::Bucket}}
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Policies:
        - {entry}
"""


def _findings(tmp_path, entry: str) -> set[tuple[str, int]]:
    text = TEMPLATE.format(entry=entry)
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    return {(f.rule_id, f.region.start_line) for f in result.findings if f.pack == "iam"}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        # Every object of every bucket.
        ("S3ReadPolicy: {BucketName: '*'}", {("IAM007", 13), ("IAM012", 13)}),
        ("S3ReadPolicy: {BucketName: !Ref Bucket}", {("IAM007", 13), ("IAM012", 13)}),
        # Every parameter of the account (arn:...:parameter/*).
        ("SSMParameterReadPolicy: {ParameterName: '*'}", {("IAM007", 13), ("IAM012", 13)}),
        ("AWSSecretsManagerGetSecretValuePolicy: {SecretArn: '*'}", {("IAM007", 13)}),
        ("KMSDecryptPolicy: {KeyId: '*'}", {("IAM003", 13), ("IAM007", 13)}),
        ("LambdaInvokePolicy: {FunctionName: '*'}", {("IAM003", 13)}),
    ],
)
def test_a_policy_template_given_a_wildcard_grants_it_everywhere(tmp_path, entry, expected):
    assert _findings(tmp_path, entry) == expected


@pytest.mark.parametrize(
    "entry",
    [
        "S3ReadPolicy: {BucketName: !Ref Data}",
        "S3CrudPolicy: {BucketName: reports}",
        "SSMParameterReadPolicy: {ParameterName: app/db-password}",
        "AWSSecretsManagerGetSecretValuePolicy: {SecretArn: !Ref Bucket2}",
        # Its statements on `*` are AWS's, the same for every function.
        "VPCAccessPolicy: {}",
        "TextractPolicy: {}",
        # AWS's names, which IAM011 would call unknown (sqs:DeleteMessageBatch).
        "SQSPollerPolicy: {QueueName: jobs}",
        # Secrets whose rotation function is this one.
        "AWSSecretsManagerRotationPolicy: {FunctionName: rotator}",
        # A parameter missing: SAM rejects the template (CFN028), no policy is made.
        "S3ReadPolicy: {}",
    ],
)
def test_a_policy_template_scoped_by_its_parameters_is_not_reported(tmp_path, entry):
    assert _findings(tmp_path, entry) == set()
