"""CFN011 and Aurora global databases: the AWS::RDS::GlobalCluster holds the storage encryption
of every cluster in it (its StorageEncrypted, or its source cluster's when created from one:
CreateGlobalCluster), so an unencrypted global database is reported once, at the global
cluster, and its member clusters are not asked to encrypt on their own."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

MEMBER = """\
  Member:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      GlobalClusterIdentifier: {identifier}
"""


def reported(tmp_path, text: str) -> list[str]:
    return [f.resource for f in findings_of(scan_text(tmp_path, text), "CFN011")]


@pytest.mark.parametrize(
    ("global_cluster", "found"),
    [
        # encrypted by its own setting, or by its encrypted source cluster
        ("Engine: aurora-postgresql, StorageEncrypted: true", []),
        ("SourceDBClusterIdentifier: !GetAtt Primary.DBClusterArn", []),
        # unencrypted: once, at the global cluster, whose setting every member shares
        ("Engine: aurora-postgresql", ["AWS::RDS::GlobalCluster Global"]),
        ("Engine: aurora-postgresql, StorageEncrypted: false", ["AWS::RDS::GlobalCluster Global"]),
    ],
)
def test_a_global_clusters_member_takes_its_encryption(tmp_path, global_cluster, found):
    text = (
        "Resources:\n"
        "  Primary:\n    Type: AWS::RDS::DBCluster\n"
        "    Properties: {Engine: aurora-postgresql, StorageEncrypted: true}\n"
        f"  Global:\n    Type: AWS::RDS::GlobalCluster\n    Properties: {{{global_cluster}}}\n"
        + MEMBER.format(identifier="!Ref Global")
    )
    assert reported(tmp_path, text) == found


def test_an_unencrypted_source_cluster_is_reported_itself(tmp_path):
    text = (
        "Resources:\n"
        "  Primary:\n    Type: AWS::RDS::DBCluster\n    Properties: {Engine: aurora-mysql}\n"
        "  Global:\n    Type: AWS::RDS::GlobalCluster\n"
        "    Properties: {SourceDBClusterIdentifier: !Ref Primary}\n"
    )
    assert reported(tmp_path, text) == ["AWS::RDS::DBCluster Primary"]


@pytest.mark.parametrize(
    "identifier",
    [
        "orders-global",  # a global database of another stack: its setting is not known here
        "!Ref GlobalId",
        "!ImportValue OrdersGlobalCluster",
    ],
)
def test_a_member_of_a_global_cluster_elsewhere_is_unknown(tmp_path, identifier):
    text = "Parameters:\n  GlobalId: {Type: String}\nResources:\n" + MEMBER.format(
        identifier=identifier
    )
    assert reported(tmp_path, text) == []


@pytest.mark.parametrize("identifier", ["''", "!If [Global, orders-global, !Ref AWS::NoValue]"])
def test_a_cluster_outside_any_global_database_is_checked(tmp_path, identifier):
    text = (
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "Conditions:\n  Global: !Equals [!Ref Env, prod]\nResources:\n"
        + MEMBER.format(identifier=identifier)
    )
    assert reported(tmp_path, text) == ["AWS::RDS::DBCluster Member"]
