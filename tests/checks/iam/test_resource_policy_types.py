"""Resource policies of the newer or less common CloudFormation types are IAM policies too:
SQS and SNS inline policies (AWS::SQS::QueueInlinePolicy, AWS::SNS::TopicInlinePolicy), a
DynamoDB table's ResourcePolicy (its PolicyDocument), Kinesis, ECR registry, Glacier vault and
CodeArtifact policies: open to Principal `*`, IAM005 reports them."""

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
