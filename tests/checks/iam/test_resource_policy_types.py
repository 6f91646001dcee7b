"""Resource policies of the newer or less common CloudFormation types are IAM policies too:
SQS and SNS inline policies (AWS::SQS::QueueInlinePolicy, AWS::SNS::TopicInlinePolicy), a
DynamoDB table's ResourcePolicy (its PolicyDocument), Kinesis, ECR registry, Glacier vault and
CodeArtifact policies, and an S3 Multi-Region Access Point's: open to Principal `*`, IAM005
reports them. An S3 Object Lambda Access Point's policy is read too, but no public request
reaches one (its public access block is always on)."""

from __future__ import annotations

import pytest

from tests.conftest import run_scan, write_file

PUBLIC = (
    '{Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: ACTION,'
    ' Resource: "*"}]}'
)
NARROWED = PUBLIC.replace(
    'Resource: "*"}', 'Resource: "*", Condition: {StringEquals: {aws:PrincipalOrgID: o-a1b2c3}}}'
)


@pytest.mark.parametrize(
    ("resource_type", "action", "properties"),
    [
        ("AWS::SQS::QueueInlinePolicy", "sqs:SendMessage", "Queue: q\n      PolicyDocument: DOC"),
        ("AWS::SNS::TopicInlinePolicy", "sns:Publish", "TopicArn: t\n      PolicyDocument: DOC"),
        ("AWS::DynamoDB::Table", "dynamodb:GetItem", "ResourcePolicy: {PolicyDocument: DOC}"),
        ("AWS::Kinesis::ResourcePolicy", "kinesis:GetRecords", "ResourcePolicy: DOC"),
        ("AWS::ECR::RegistryPolicy", "ecr:ReplicateImage", "PolicyText: DOC"),
        ("AWS::Glacier::Vault", "glacier:InitiateJob", "AccessPolicy: DOC"),
        ("AWS::CodeArtifact::Repository", "codeartifact:ReadFromRepository",
         "RepositoryName: r\n      DomainName: d\n      PermissionsPolicyDocument: DOC"),
        ("AWS::S3::MultiRegionAccessPointPolicy", "s3:GetObject",
         "MrapName: shared\n      Policy: DOC"),
    ],
)  # fmt: skip
def test_a_public_resource_policy_of_the_type_is_reported(
    tmp_path, resource_type, action, properties
):
    def scan(document: str, name: str) -> list[str]:
        text = (
            f"Resources:\n  Policy:\n    Type: {resource_type}\n    Properties:\n      "
            + properties.replace("DOC", document.replace("ACTION", action))
            + "\n"
        )
        result = run_scan(write_file(tmp_path / name, "template.yaml", text).parent)
        return [f.rule_id for f in result.findings if f.rule_id == "IAM005"]

    assert scan(PUBLIC, "public") == ["IAM005"]
    assert scan(NARROWED, "narrowed") == []


def _template(tmp_path, resources: str) -> list[tuple[str, str]]:
    result = run_scan(write_file(tmp_path, "template.yaml", f"Resources:\n{resources}").parent)
    return sorted((f.rule_id, f.resource.split()[1]) for f in result.findings)


MRAP_POLICY = """\
  {name}Policy:
    Type: AWS::S3::MultiRegionAccessPointPolicy
    Properties:
      MrapName: !Ref {name}
      Policy: {{Version: "2012-10-17", Statement: [{{Effect: Allow, Principal: "*",
        Action: s3:GetObject, Resource: "*"}}]}}
"""


def test_a_multi_region_access_point_s_public_access_block_is_read(tmp_path):
    """AWS creates a Multi-Region Access Point with all four block settings on, unless its
    PublicAccessBlockConfiguration turns them off; they cannot be changed later."""
    resources = (
        "  Default:\n    Type: AWS::S3::MultiRegionAccessPoint\n    Properties:\n"
        "      Regions: [{Bucket: a}]\n"
        + MRAP_POLICY.format(name="Default")
        + "  Open:\n    Type: AWS::S3::MultiRegionAccessPoint\n    Properties:\n"
        "      Regions: [{Bucket: b}]\n      PublicAccessBlockConfiguration:\n"
        "        {BlockPublicPolicy: false, RestrictPublicBuckets: false}\n"
        + MRAP_POLICY.format(name="Open")
    )
    assert [f for f in _template(tmp_path, resources) if f[0] == "IAM005"] == [
        ("IAM005", "OpenPolicy")
    ]


def test_an_object_lambda_access_point_policy_is_read_but_never_public(tmp_path):
    resources = """\
  Olap:
    Type: AWS::S3ObjectLambda::AccessPointPolicy
    Properties:
      ObjectLambdaAccessPoint: transformed
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*",
        Action: "s3-object-lambda:*", Resource: "*"}]}
"""
    assert _template(tmp_path, resources) == [("IAM002", "Olap")]
