"""Rules judge a property given by a parameter that can take one value only (no Default, one
AllowedValues entry) or by Fn::FindInMap's DefaultValue (AWS::LanguageExtensions) with that
value, as CloudFormation resolves it."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import lines_of

FALSE = "{DefaultValue: false}"
HEAD = """\
Transform: AWS::LanguageExtensions
Parameters:
  Env: {Type: String, Default: staging}
  Encrypt: {Type: String, AllowedValues: ["false"]}
  EncryptEither: {Type: String, AllowedValues: ["true", "false"]}
  Mode: {Type: String, AllowedValues: [serverless]}
Mappings:
  Settings:
    prod: {Encrypted: true, Mode: provisioned}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
"""


@pytest.mark.parametrize(
    ("properties", "lines"),
    [
        # bad: the key is not in the map, so the default (false) is the value
        ("StorageEncrypted: !FindInMap [Settings, !Ref Env, Encrypted, " + FALSE + "]", [17]),
        ("StorageEncrypted: !FindInMap [Settings, prod, Missing, {DefaultValue: false}]", [17]),
        ("StorageEncrypted: !FindInMap [NoSuchMap, prod, Encrypted, " + FALSE + "]", [17]),
        # bad: the only value the parameter allows
        ("StorageEncrypted: !Ref Encrypt", [17]),
        # bad: in the scenario where the condition is false
        ("StorageEncrypted: !If [IsProd, true, !Ref Encrypt]", [17]),
        # good: found in the map; a default of true
        ("StorageEncrypted: !FindInMap [Settings, prod, Encrypted, {DefaultValue: false}]", []),
        ("StorageEncrypted: !FindInMap [Settings, !Ref Env, Encrypted, {DefaultValue: true}]", []),
        # good: Aurora Serverless v1, by the map's default or the one allowed value
        ("EngineMode: !FindInMap [Settings, !Ref Env, Mode, {DefaultValue: serverless}]", []),
        ("EngineMode: !Ref Mode", []),
        # unknown: two allowed values and no default
        ("StorageEncrypted: !Ref EncryptEither", []),
    ],
)
def test_rds_cluster_encryption_from_parameters_and_maps(tmp_path, properties, lines):
    assert lines_of(scan_text(tmp_path, HEAD + f"      {properties}\n"), "CFN011") == lines
