"""Where a CloudFormation resource holds an IAM policy: each policy-holding type's property,
the shape of its value and the policy's kind (identity, resource or trust), and the resource
policies no public request reaches whatever they say. Checked against the CloudFormation
resource schemas (cfn-lint's): every property there that holds a policy document of IAM's
grammar, nested ones too (a dotted path: guardlint.documents.iam.embedded), but VPC endpoint
and API Gateway policies (Principal `*` is their normal form: the network decides who reaches
them; an Oracle Database@AWS ODB network's S3, STS and KMS policy documents are endpoint
policies of this kind) and those of other grammars: OpenSearch Serverless access policies
(rules of their own, not statements), Verified Access policies (Cedar). An AWS IoT policy is
a document of IAM's grammar a device's certificate holds, without a Principal: a policy of its
own kind (DEVICE).
"""

from __future__ import annotations

from guardlint.documents.iam.policy import DEVICE, IDENTITY, RESOURCE, TRUST

DOCUMENT, INLINE_POLICIES, SAM_POLICIES = "document", "inline-policies", "sam-policies"
# A map whose PolicyDocument is the policy (a DynamoDB table's ResourcePolicy).
WRAPPED_DOCUMENT = "wrapped-document"
# A resource whose properties are one statement of a resource policy, named by its owner.
PERMISSION = "permission"
PERMISSION_POLICY = {
    "AWS::Lambda::Permission": "function policy",
    "AWS::Lambda::LayerVersionPermission": "layer version policy",
    "AWS::Events::EventBusPolicy": "event bus policy",
}
# The property_path of those policies: their Principal is the resource's own property, a
# plain string, not a policy's Principal element.
PERMISSION_PROPERTIES = frozenset(PERMISSION_POLICY.values())
# A property that is one statement (an event bus policy's Statement).
STATEMENT = "statement"

_RESOURCE_POLICY_PROPERTY = {
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::S3::AccessPoint": "Policy",
    "AWS::S3::MultiRegionAccessPointPolicy": "Policy",
    "AWS::S3ObjectLambda::AccessPointPolicy": "PolicyDocument",
    "AWS::S3Express::BucketPolicy": "PolicyDocument",
    "AWS::S3Express::AccessPoint": "Policy",
    "AWS::S3Outposts::BucketPolicy": "PolicyDocument",
    "AWS::S3Outposts::AccessPoint": "Policy",
    "AWS::S3Tables::TableBucketPolicy": "ResourcePolicy",
    "AWS::S3Tables::TablePolicy": "ResourcePolicy",
    "AWS::S3Vectors::VectorBucketPolicy": "Policy",
    "AWS::S3Files::FileSystemPolicy": "Policy",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SQS::QueueInlinePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::SNS::TopicInlinePolicy": "PolicyDocument",
    "AWS::Kinesis::ResourcePolicy": "ResourcePolicy",
    "AWS::ECR::RegistryPolicy": "PolicyText",
    "AWS::ECR::Repository": "RepositoryPolicyText",
    "AWS::ECR::PublicRepository": "RepositoryPolicyText",
    "AWS::Glacier::Vault": "AccessPolicy",
    "AWS::CodeArtifact::Domain": "PermissionsPolicyDocument",
    "AWS::CodeArtifact::Repository": "PermissionsPolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
    "AWS::KMS::ReplicaKey": "KeyPolicy",
    "AWS::SecretsManager::ResourcePolicy": "ResourcePolicy",
    "AWS::EFS::FileSystem": "FileSystemPolicy",
    # CloudWatch Logs takes these only as JSON text (a log group's as a map).
    "AWS::Logs::ResourcePolicy": "PolicyDocument",
    "AWS::Logs::Destination": "DestinationPolicy",
    "AWS::Logs::LogGroup": "ResourcePolicyDocument",
    "AWS::Backup::BackupVault": "AccessPolicy",
    "AWS::Backup::LogicallyAirGappedBackupVault": "AccessPolicy",
    "AWS::OpenSearchService::Domain": "AccessPolicies",
    "AWS::Elasticsearch::Domain": "AccessPolicies",
    # A bus's whole policy (an EventBusPolicy resource adds one statement to it).
    "AWS::Events::EventBus": "Policy",
    "AWS::EventSchemas::RegistryPolicy": "Policy",
    "AWS::MediaStore::Container": "Policy",  # JSON text only, as X-Ray's and AMP's
    "AWS::XRay::ResourcePolicy": "PolicyDocument",
    "AWS::APS::ResourcePolicy": "PolicyDocument",
    "AWS::SSM::ResourcePolicy": "Policy",
    "AWS::CloudTrail::ResourcePolicy": "ResourcePolicy",
    # The organization's delegation policy: accounts it lets manage Organizations.
    "AWS::Organizations::ResourcePolicy": "Content",
    "AWS::Oam::Sink": "Policy",
    "AWS::MSK::ClusterPolicy": "Policy",
    "AWS::Redshift::Cluster": "NamespaceResourcePolicy",
    "AWS::RedshiftServerless::Namespace": "NamespaceResourcePolicy",
    "AWS::SageMaker::ModelPackageGroup": "ModelPackageGroupPolicy",
    "AWS::Lambda::ResourcePolicy": "PolicyDocument",
    "AWS::Bedrock::ResourcePolicy": "PolicyDocument",
    "AWS::Bedrock::KnowledgeBasePolicy": "PolicyDocument",
    "AWS::BedrockAgentCore::ResourcePolicy": "Policy",
    "AWS::Comprehend::DocumentClassifier": "ModelPolicy",
    "AWS::Comprehend::EntityRecognizer": "ModelPolicy",
    "AWS::PaymentCryptography::Key": "Policy",
    "AWS::SMSVOICE::ResourcePolicy": "PolicyDocument",
    "AWS::MediaPackageV2::ChannelPolicy": "Policy",
    "AWS::MediaPackageV2::OriginEndpointPolicy": "Policy",
    "AWS::MediaTailor::ChannelPolicy": "Policy",
    "AWS::VpcLattice::AuthPolicy": "Policy",
    "AWS::VpcLattice::ResourcePolicy": "Policy",
    "AWS::OSIS::Pipeline": "ResourcePolicy.Policy",
    "AWS::Logs::DeliveryDestination": "DeliveryDestinationPolicy.DeliveryDestinationPolicy",
    "AWS::FSx::S3AccessPointAttachment": "S3AccessPoint.Policy",
    "AWS::Omics::SequenceStore": "S3AccessPolicy",
    "AWS::DSQL::Cluster": "PolicyDocument",  # JSON text: who may connect to the cluster
}

# Resource type -> (property, shape of its value, policy kind). A property inside another is
# its dotted path (`Replicas[].ResourcePolicy`: `[]` is each entry of a list).
EMBEDDED_POLICY_PROPERTIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "AWS::IAM::Policy": (("PolicyDocument", DOCUMENT, IDENTITY),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument", DOCUMENT, IDENTITY),),
    "AWS::IAM::RolePolicy": (("PolicyDocument", DOCUMENT, IDENTITY),),
    "AWS::IAM::UserPolicy": (("PolicyDocument", DOCUMENT, IDENTITY),),
    "AWS::IAM::GroupPolicy": (("PolicyDocument", DOCUMENT, IDENTITY),),
    "AWS::IAM::Role": (
        ("AssumeRolePolicyDocument", DOCUMENT, TRUST),
        ("Policies", INLINE_POLICIES, IDENTITY),
    ),
    "AWS::IAM::User": (("Policies", INLINE_POLICIES, IDENTITY),),
    "AWS::IAM::Group": (("Policies", INLINE_POLICIES, IDENTITY),),
    "AWS::SSO::PermissionSet": (("InlinePolicy", DOCUMENT, IDENTITY),),
    **{
        resource_type: ((key, DOCUMENT, RESOURCE),)
        for resource_type, key in _RESOURCE_POLICY_PROPERTY.items()
    },
    "AWS::IoT::Policy": (("PolicyDocument", DOCUMENT, DEVICE),),
    "AWS::DynamoDB::Table": (
        ("ResourcePolicy", WRAPPED_DOCUMENT, RESOURCE),
        ("StreamSpecification.ResourcePolicy", WRAPPED_DOCUMENT, RESOURCE),
    ),
    "AWS::DynamoDB::GlobalTable": (
        ("Replicas[].ResourcePolicy", WRAPPED_DOCUMENT, RESOURCE),
        ("Replicas[].ReplicaStreamSpecification.ResourcePolicy", WRAPPED_DOCUMENT, RESOURCE),
    ),
    "AWS::RUM::AppMonitor": (("ResourcePolicy", WRAPPED_DOCUMENT, RESOURCE),),
    "AWS::Lambda::Permission": (("Principal", PERMISSION, RESOURCE),),
    "AWS::Lambda::LayerVersionPermission": (("Principal", PERMISSION, RESOURCE),),
    "AWS::Events::EventBusPolicy": (
        ("Principal", PERMISSION, RESOURCE),
        ("Statement", STATEMENT, RESOURCE),
    ),
    "AWS::Serverless::Function": (
        ("AssumeRolePolicyDocument", DOCUMENT, TRUST),
        ("Policies", SAM_POLICIES, IDENTITY),
    ),
    "AWS::Serverless::StateMachine": (("Policies", SAM_POLICIES, IDENTITY),),
}

# Resources reachable from one VPC only once this property places them there, where an open
# access policy (Principal `*`) is AWS's documented setup.
VPC_ONLY_PROPERTY = {
    "AWS::OpenSearchService::Domain": "VPCOptions",
    "AWS::Elasticsearch::Domain": "VPCOptions",
    "AWS::S3::AccessPoint": "VpcConfiguration",
    "AWS::OSIS::Pipeline": "VpcOptions",
}
# Resource policies S3 applies to no public request: an Object Lambda Access Point's public
# access block "is turned on and can not be edited" (S3 Control API,
# GetAccessPointForObjectLambda), and so is every block of directory buckets (S3 Express One
# Zone) and their access points, of table buckets and of vector buckets; only the owner
# account operates on an S3 on Outposts bucket, reached through its access points, which take
# requests from their VPC only (VpcConfiguration is required). An access point attached to
# an FSx file system keeps every block on ("You can not turn off any block public access
# settings", S3 User Guide, access-points-bpa-settings). A VPC Lattice auth policy judges
# requests from the VPCs of its service network only, where Principal `*` is the documented
# form (as a VPC endpoint's).
# Aurora DSQL refuses to attach a cluster policy that grants public access ("Aurora DSQL will
# block you from creating or modifying the policy until [it] is ... deemed non-public", Aurora
# DSQL User Guide, rbp-block-public-access; no setting turns that off): such a template fails
# to deploy rather than opening the cluster.
NEVER_PUBLIC = frozenset(
    {
        "AWS::FSx::S3AccessPointAttachment",
        "AWS::VpcLattice::AuthPolicy",
        "AWS::S3ObjectLambda::AccessPointPolicy",
        "AWS::S3Express::BucketPolicy",
        "AWS::S3Express::AccessPoint",
        "AWS::S3Outposts::BucketPolicy",
        "AWS::S3Outposts::AccessPoint",
        "AWS::S3Tables::TableBucketPolicy",
        "AWS::S3Tables::TablePolicy",
        "AWS::S3Vectors::VectorBucketPolicy",
        "AWS::DSQL::Cluster",
    }
)
