"""Fn::If branches that share a condition go together: CloudFormation takes the same branch
of every Fn::If on one condition, and a resource with `Condition: C` exists only where C is
true. A restore that one branch adds and the other removes is judged with the encryption
setting of the same branch (cfn-lint's scenarios)."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import lines_of

HEAD = """\
Parameters:
  Snapshot: {Type: String, Default: ""}
  Env: {Type: String, Default: dev}
Conditions:
  FromSnapshot: !Not [!Equals [!Ref Snapshot, ""]]
  NewDatabase: !Equals [!Ref Snapshot, ""]
  IsProd: !Equals [!Ref Env, prod]
Resources:
"""


@pytest.mark.parametrize(
    "resource",
    [
        # The branch that restores inherits the snapshot's encryption; the other encrypts.
        """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [FromSnapshot, !Ref AWS::NoValue, true]
""",
        """\
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      SnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [FromSnapshot, !Ref AWS::NoValue, true]
""",
        # The opposite condition, derived from the same parameter, goes with it.
        """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [NewDatabase, true, !Ref AWS::NoValue]
""",
        # A resource that exists only under its condition takes that condition's branch.
        """\
  ProdQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      SqsManagedSseEnabled: !If [IsProd, true, false]
""",
        """\
  Replica:
    Type: AWS::RDS::DBInstance
    Condition: FromSnapshot
    Properties:
      Engine: mysql
      SourceDBInstanceIdentifier: !If [FromSnapshot, primary, !Ref AWS::NoValue]
""",
    ],
)
def test_branches_of_one_condition_are_taken_together(tmp_path, resource):
    result = scan_text(tmp_path, HEAD + resource)
    assert not lines_of(result, "CFN011") and not lines_of(result, "CFN022")


@pytest.mark.parametrize(
    ("resource", "rule_id", "line"),
    [
        # The branch that creates a new database leaves it unencrypted.
        (
            """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [FromSnapshot, !Ref AWS::NoValue, false]
""",
            "CFN011",
            14,
        ),
        # Two independent conditions: every combination may deploy.
        (
            """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSnapshotIdentifier: !If [FromSnapshot, !Ref Snapshot, !Ref AWS::NoValue]
      StorageEncrypted: !If [IsProd, true, !Ref AWS::NoValue]
""",
            "CFN011",
            14,
        ),
        (
            """\
  ProdQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      SqsManagedSseEnabled: !If [IsProd, false, true]
""",
            "CFN022",
            13,
        ),
    ],
)
def test_each_deployable_combination_is_still_judged(tmp_path, resource, rule_id, line):
    assert lines_of(scan_text(tmp_path, HEAD + resource), rule_id) == [line]
