"""Resource policies of the newer or less common CloudFormation types are IAM policies too:
SQS and SNS inline policies (AWS::SQS::QueueInlinePolicy, AWS::SNS::TopicInlinePolicy), a
DynamoDB table's ResourcePolicy (its PolicyDocument), Kinesis, ECR registry, Glacier vault and
CodeArtifact policies, and an S3 Multi-Region Access Point's: open to Principal `*`, IAM005
reports them. So do the others the CloudFormation resource schemas list (an event bus's whole
Policy, X-Ray, MediaStore, SSM, CloudTrail, Organizations, OAM, MSK ... resource policies). An
S3 Object Lambda Access Point's policy is read too, but no public request reaches one (its
public access block is always on), nor one of a directory, Outposts, table or vector
bucket's."""

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
        # Read since the CloudFormation resource schemas were compared with the table.
        ("AWS::Events::EventBus", "events:PutEvents", "Name: bus\n      Policy: DOC"),
        ("AWS::EventSchemas::RegistryPolicy", "schemas:DescribeSchema",
         "RegistryName: r\n      Policy: DOC"),
        ("AWS::MediaStore::Container", "mediastore:GetObject",
         "ContainerName: c\n      Policy: DOC"),
        ("AWS::XRay::ResourcePolicy", "xray:PutTraceSegments",
         "PolicyName: p\n      PolicyDocument: DOC"),
        ("AWS::APS::ResourcePolicy", "aps:RemoteWrite",
         "WorkspaceArn: w\n      PolicyDocument: DOC"),
        ("AWS::SSM::ResourcePolicy", "ssm:GetOpsSummary", "ResourceArn: r\n      Policy: DOC"),
        ("AWS::CloudTrail::ResourcePolicy", "cloudtrail:PutAuditEvents",
         "ResourceArn: r\n      ResourcePolicy: DOC"),
        ("AWS::Organizations::ResourcePolicy", "organizations:DescribeOrganization",
         "Content: DOC"),
        ("AWS::Backup::LogicallyAirGappedBackupVault", "backup:CopyIntoBackupVault",
         "BackupVaultName: v\n      AccessPolicy: DOC"),
        ("AWS::Oam::Sink", "oam:CreateLink", "Name: s\n      Policy: DOC"),
        ("AWS::MSK::ClusterPolicy", "kafka:CreateVpcConnection",
         "ClusterArn: c\n      Policy: DOC"),
        ("AWS::Logs::LogGroup", "logs:PutLogEvents", "ResourcePolicyDocument: DOC"),
        ("AWS::Redshift::Cluster", "redshift:AuthorizeInboundIntegration",
         "NodeType: dc2.large\n      NamespaceResourcePolicy: DOC"),
        ("AWS::RedshiftServerless::Namespace", "redshift:AuthorizeInboundIntegration",
         "NamespaceName: n\n      NamespaceResourcePolicy: DOC"),
        ("AWS::SageMaker::ModelPackageGroup", "sagemaker:DescribeModelPackage",
         "ModelPackageGroupName: g\n      ModelPackageGroupPolicy: DOC"),
        ("AWS::Lambda::ResourcePolicy", "lambda:InvokeFunction",
         "ResourceArn: f\n      PolicyDocument: DOC"),
        ("AWS::Bedrock::ResourcePolicy", "bedrock:ApplyGuardrail",
         "ResourceArn: g\n      PolicyDocument: DOC"),
        ("AWS::Bedrock::KnowledgeBasePolicy", "bedrock:Retrieve",
         "KnowledgeBaseId: k\n      PolicyDocument: DOC"),
        ("AWS::BedrockAgentCore::ResourcePolicy", "bedrock-agentcore:InvokeAgentRuntime",
         "ResourceArn: r\n      Policy: DOC"),
        ("AWS::Comprehend::DocumentClassifier", "comprehend:ImportModel",
         "DocumentClassifierName: d\n      ModelPolicy: DOC"),
        ("AWS::Comprehend::EntityRecognizer", "comprehend:ImportModel",
         "RecognizerName: e\n      ModelPolicy: DOC"),
        ("AWS::PaymentCryptography::Key", "payment-cryptography:EncryptData",
         "Exportable: true\n      Policy: DOC"),
        ("AWS::SMSVOICE::ResourcePolicy", "sms-voice:SendTextMessage",
         "ResourceArn: r\n      PolicyDocument: DOC"),
        ("AWS::MediaPackageV2::ChannelPolicy", "mediapackagev2:PutObject",
         "ChannelName: c\n      Policy: DOC"),
        ("AWS::MediaPackageV2::OriginEndpointPolicy", "mediapackagev2:GetObject",
         "OriginEndpointName: o\n      Policy: DOC"),
        ("AWS::MediaTailor::ChannelPolicy", "mediatailor:GetManifest",
         "ChannelName: c\n      Policy: DOC"),
        ("AWS::S3Files::FileSystemPolicy", "s3files:ClientMount",
         "FileSystemId: f\n      Policy: DOC"),
        ("AWS::RUM::AppMonitor", "rum:PutRumEvents",
         "Name: m\n      ResourcePolicy: {PolicyDocument: DOC}"),
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


@pytest.mark.parametrize(
    ("resource_type", "properties"),
    [
        ("AWS::S3Express::BucketPolicy", "Bucket: b--use1-az4--x-s3\n      PolicyDocument: DOC"),
        ("AWS::S3Express::AccessPoint", "Bucket: b--use1-az4--x-s3\n      Policy: DOC"),
        ("AWS::S3Outposts::BucketPolicy", "Bucket: b\n      PolicyDocument: DOC"),
        ("AWS::S3Outposts::AccessPoint", "Bucket: b\n      Name: a\n      Policy: DOC"),
        ("AWS::S3Tables::TableBucketPolicy", "TableBucketARN: t\n      ResourcePolicy: DOC"),
        ("AWS::S3Tables::TablePolicy", "TableARN: t\n      ResourcePolicy: DOC"),
        ("AWS::S3Vectors::VectorBucketPolicy", "VectorBucketName: v\n      Policy: DOC"),
    ],
)
def test_a_policy_of_storage_s3_never_opens_to_the_public_is_read(
    tmp_path, resource_type, properties
):
    """Directory, Outposts, table and vector buckets keep every public access block on (an
    Outposts bucket takes its owner's requests only, through VPC access points): Principal `*`
    is no public access there, but `s3:*` to everyone is still every action of the service."""
    document = (
        '{Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "s3:*",'
        ' Resource: "*"}]}'
    )
    resources = f"  Store:\n    Type: {resource_type}\n    Properties:\n      " + (
        properties.replace("DOC", document) + "\n"
    )
    assert [rule for rule, _ in _template(tmp_path, resources)] == ["IAM002"]


def test_a_dsql_cluster_policy_is_read_and_never_public(tmp_path):
    """Aurora DSQL refuses a cluster policy that grants public access (block public access,
    always on): Principal `*` opens nothing, but `dsql:*` to everyone is every action."""
    document = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},'
        ' "Action": "dsql:*", "Resource": "*"}]}'
    )
    resources = (
        "  Ledger:\n    Type: AWS::DSQL::Cluster\n    Properties:\n"
        f"      PolicyDocument: '{document}'\n"
    )
    assert [rule for rule, _ in _template(tmp_path, resources)] == ["IAM002"]


def test_a_policy_written_as_json_text_with_sub_is_read(tmp_path):
    """X-Ray, MediaStore and AMP take their policy as a string only: JSON text, often built
    with `!Sub`; what the template cannot resolve stays unknown, the Principal `*` is read."""
    resources = """\
  Traces:
    Type: AWS::XRay::ResourcePolicy
    Properties:
      PolicyName: open
      PolicyDocument: !Sub >-
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "xray:PutTraceSegments",
        "Resource": "arn:${AWS::Partition}:xray:${AWS::Region}:${AWS::AccountId}:*"}]}
  Media:
    Type: AWS::MediaStore::Container
    Properties:
      ContainerName: media
      Policy: !Sub |
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
          "Action": "mediastore:GetObject",
          "Resource": "arn:aws:mediastore:${AWS::Region}:${AWS::AccountId}:container/media/*",
          "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
"""
    assert _template(tmp_path, resources) == [("IAM005", "Media"), ("IAM005", "Traces")]


def test_an_organization_s_delegation_policy_is_public_only_without_an_org_condition(tmp_path):
    """AWS::Organizations::ResourcePolicy lets other accounts call Organizations: `*` limited
    to the organization's own accounts (aws:PrincipalOrgID) or one account's root is scoped."""
    policy = """\
  {name}:
    Type: AWS::Organizations::ResourcePolicy
    Properties:
      Content:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: [organizations:DescribeOrganization, organizations:ListAccounts]
            Resource: "*"{condition}
"""
    org = "\n            Condition: {StringEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}}"
    resources = (
        policy.format(name="Open", principal='"*"', condition="")
        + policy.format(name="Members", principal='"*"', condition=org)
        + policy.format(name="Delegated", principal="{AWS: '111122223333'}", condition="")
    )
    assert [f for f in _template(tmp_path, resources) if f[0] == "IAM005"] == [("IAM005", "Open")]
