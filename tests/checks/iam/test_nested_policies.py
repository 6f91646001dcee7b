"""Policies a resource holds inside another property (a DynamoDB stream's, a global table
replica's and its stream's, an OpenSearch Ingestion pipeline's, a CloudWatch Logs delivery
destination's, an FSx access point's), the resource policies of VPC Lattice and HealthOmics,
and AWS IoT policies (a device's, of IAM's grammar) are read and judged by the IAM rules."""

from __future__ import annotations

import pytest

from tests.checks.iam.test_resource_policy_types import NARROWED, PUBLIC
from tests.conftest import run_scan, write_file


def _findings(tmp_path, resource_type: str, properties: str) -> list[tuple[str, int, str]]:
    text = f"Resources:\n  Held:\n    Type: {resource_type}\n    Properties:\n{properties}"
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent)
    return [(f.rule_id, f.region.start_line, f.message) for f in result.findings]


_NESTED = [
    ("AWS::DynamoDB::Table", "StreamSpecification.ResourcePolicy.PolicyDocument",
     "      StreamSpecification:\n        StreamViewType: KEYS_ONLY\n"
     "        ResourcePolicy:\n          PolicyDocument: DOC\n", "dynamodb:GetRecords", 8),
    ("AWS::DynamoDB::GlobalTable", "Replicas[1].ResourcePolicy.PolicyDocument",
     "      Replicas:\n        - Region: us-east-1\n        - Region: eu-west-1\n"
     "          ResourcePolicy: {PolicyDocument: DOC}\n", "dynamodb:GetItem", 8),
    ("AWS::DynamoDB::GlobalTable",
     "Replicas[0].ReplicaStreamSpecification.ResourcePolicy.PolicyDocument",
     "      Replicas:\n        - Region: us-east-1\n          ReplicaStreamSpecification:\n"
     "            ResourcePolicy: {PolicyDocument: DOC}\n", "dynamodb:GetRecords", 8),
    ("AWS::OSIS::Pipeline", "ResourcePolicy.Policy",
     "      ResourcePolicy:\n        Policy: DOC\n", "osis:Ingest", 6),
    ("AWS::Logs::DeliveryDestination", "DeliveryDestinationPolicy.DeliveryDestinationPolicy",
     "      Name: d\n      DeliveryDestinationPolicy:\n        DeliveryDestinationName: d\n"
     "        DeliveryDestinationPolicy: DOC\n", "logs:CreateDelivery", 8),
    ("AWS::Omics::SequenceStore", "S3AccessPolicy",
     "      Name: s\n      S3AccessPolicy: DOC\n", "s3:GetObject", 6),
    ("AWS::VpcLattice::ResourcePolicy", "Policy",
     "      ResourceArn: r\n      Policy: DOC\n", "vpc-lattice:CreateServiceNetworkVpcAssociation",
     6),
]  # fmt: skip


@pytest.mark.parametrize(
    ("resource_type", "path", "properties", "action", "line"),
    _NESTED,
    ids=[f"{each[0]} {each[1]}" for each in _NESTED],
)
def test_a_public_policy_held_inside_a_property_is_reported(
    tmp_path, resource_type, path, properties, action, line
):
    def public(document: str, name: str) -> list[tuple[int, str]]:
        written = properties.replace("DOC", document.replace("ACTION", action))
        found = _findings(tmp_path / name, resource_type, written)
        return [(at, message) for rule, at, message in found if rule == "IAM005"]

    ((at, message),) = public(PUBLIC, "public")
    assert at == line and f"of the {path} of {resource_type} Held" in message
    assert public(NARROWED, "narrowed") == []


@pytest.mark.parametrize(
    ("resource_type", "properties"),
    [
        # S3 keeps every public access block of an FSx file system's access point on.
        ("AWS::FSx::S3AccessPointAttachment",
         "      Name: a\n      Type: OPENZFS\n      S3AccessPoint:\n        Policy: DOC\n"),
        # Only the VPCs of the service network reach it: Principal `*` is its usual form.
        ("AWS::VpcLattice::AuthPolicy", "      ResourceIdentifier: s\n      Policy: DOC\n"),
        # An ingestion pipeline placed in a VPC.
        ("AWS::OSIS::Pipeline",
         "      VpcOptions: {SubnetIds: [s]}\n      ResourcePolicy:\n        Policy: DOC\n"),
    ],
)  # fmt: skip
def test_a_policy_no_public_request_reaches_is_read_but_never_public(
    tmp_path, resource_type, properties
):
    document = PUBLIC.replace("ACTION", '"s3:*"')
    found = _findings(tmp_path, resource_type, properties.replace("DOC", document))
    assert [rule for rule, _, _ in found] == ["IAM002"]


_IOT = "      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n{statements}"
_STATEMENT = "          - {{Effect: Allow, Action: {action}, Resource: {resource}}}\n"


def _iot(tmp_path, *statements: tuple[str, str]) -> list[tuple[str, str]]:
    written = "".join(_STATEMENT.format(action=a, resource=r) for a, r in statements)
    found = _findings(tmp_path, "AWS::IoT::Policy", _IOT.format(statements=written))
    return [(rule, message) for rule, _, message in found]


def test_an_iot_policy_granting_every_action_everywhere_is_reported_as_a_device_s(tmp_path):
    ((rule, message),) = _iot(tmp_path, ('"*"', '"*"'))
    assert rule == "IAM001"
    assert "a device holding it may connect as any client" in message
    assert "administrator of the account" not in message


@pytest.mark.parametrize(
    ("action", "granted"),
    [
        ('"iot:*"', "`iot:*`, every action of iot (every action a device policy can grant"),
        ('"*"', "`*`, every action a device policy can grant (on the resources it names"),
    ],
)
def test_an_iot_policy_granting_all_of_iot_is_reported(tmp_path, action, granted):
    # A device policy grants IoT's device actions only: not every service's, nor the count of
    # IAM's whole iot catalogue.
    ((rule, message),) = _iot(tmp_path, (action, "arn:aws:iot:*:*:topic/a"))
    assert rule == "IAM002"
    assert granted in message


def test_an_iot_policy_is_not_judged_as_an_account_s_identity_policy(tmp_path):
    # A device's Publish on every topic is no write on every resource of the account (IAM003).
    assert _iot(tmp_path, ("[iot:Connect, iot:Publish]", '"*"')) == []


@pytest.mark.parametrize(
    "replicas",
    [
        "Replicas: !If [c, [{ResourcePolicy: {PolicyDocument: DOC}}], []]",
        "Replicas: [!If [c, {ResourcePolicy: {PolicyDocument: DOC}}, !Ref AWS::NoValue]]",
        "Replicas: text",
        "Replicas: [text, [], {ResourcePolicy: text}, {ResourcePolicy: [DOC]}]",
        "Replicas: {ResourcePolicy: {PolicyDocument: DOC}}",
    ],
)
def test_a_nested_policy_where_the_schema_has_none_is_not_read(tmp_path, replicas):
    """A list or map an intrinsic makes, or one of another shape, holds no policy read."""
    written = "      " + replicas.replace("DOC", PUBLIC.replace("ACTION", "dynamodb:GetItem"))
    conditions = "Conditions:\n  c: !Equals [a, b]\n"
    text = f"{conditions}Resources:\n  Held:\n    Type: AWS::DynamoDB::GlobalTable\n"
    result = run_scan(
        write_file(tmp_path, "template.yaml", text + f"    Properties:\n{written}\n").parent
    )
    assert not [f for f in result.findings if f.rule_id.startswith("IAM")]
