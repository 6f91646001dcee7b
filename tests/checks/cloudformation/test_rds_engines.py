"""RDS settings that an instance's engine decides: an Aurora instance's storage encryption,
backups and deletion protection are its cluster's (RDS ignores them on the instance), and an
RDS Custom instance's storage is always encrypted (StorageEncrypted false is refused)."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

INSTANCE = """\
Parameters:
  Engine: {{Type: String, Default: aurora-postgresql}}
Conditions:
  Aurora: !Equals [!Ref Engine, prod]
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {{DBInstanceClass: db.r6g.large, {properties}}}
"""


def reported(tmp_path, rule_id: str, properties: str) -> list[int]:
    result = scan_text(tmp_path, INSTANCE.format(properties=properties))
    return [f.region.start_line for f in findings_of(result, rule_id)]


@pytest.mark.parametrize(
    "properties",
    [
        "Engine: aurora-postgresql",
        "Engine: Aurora-MySQL",  # RDS reads engine names in any case
        "Engine: !Ref Engine",
        "Engine: aurora-mysql, DeletionProtection: false, BackupRetentionPeriod: 0",
    ],
)
def test_aurora_instance_leaves_data_loss_settings_to_its_cluster(tmp_path, properties):
    assert reported(tmp_path, "CFN012", properties) == []


@pytest.mark.parametrize(
    "properties",
    [
        "Engine: postgres",
        "Engine: !If [Aurora, aurora-mysql, mysql]",  # the mysql branch stands alone
    ],
)
def test_instance_of_another_engine_is_judged_itself(tmp_path, properties):
    # without DeletionProtection: reported on the resource
    assert reported(tmp_path, "CFN012", properties) == [6]


@pytest.mark.parametrize(
    "engine", ["custom-oracle-ee", "custom-oracle-se2-cdb", "custom-sqlserver-web"]
)
def test_rds_custom_instance_is_always_encrypted(tmp_path, engine):
    assert reported(tmp_path, "CFN011", f"Engine: {engine}") == []


def test_rds_instance_without_encryption_is_still_reported(tmp_path):
    assert reported(tmp_path, "CFN011", "Engine: sqlserver-se") == [6]
