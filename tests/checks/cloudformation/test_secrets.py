"""CloudFormation secrets family: CFN015 (Lambda environment), CFN018 (parameters), CFN019
(resource properties). Catches / doesn't catch, through the engine."""

from __future__ import annotations

import json

from tests.checks.cloudformation import CFN, scan_text
from tests.conftest import findings_of, lines_of, run_scan


def function_with_variables(variables: str) -> str:
    return (
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: index.handler\n"
        "      Code: {S3Bucket: b, S3Key: k}\n      Role: arn:aws:iam::1:role/r\n"
        f"      Environment:\n        Variables:\n{variables}"
    )


# -- CFN015: lambda-env-secret ----------------------------------------------------------------


def test_cfn015_catches_a_credential_in_sam_globals_redacted_and_not_repeated_by_sec001():
    result = run_scan(CFN / "CFN015" / "bad-sam-globals")
    found = findings_of(result, "CFN015")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (6, "AWS::Serverless::Function Billing")
    ]
    assert found[0].properties["variable"] == "STRIPE_KEY"
    secret = "sk_live_51HqLyjWDarjtT1zdp7dcXOd8Rz3Qm9ZqnA8Sx2TfM0ab"
    assert secret not in found[0].message + found[0].snippet + json.dumps(found[0].properties)
    assert not findings_of(result, "SEC001")


def test_cfn015_catches_a_password_variable_with_any_literal(tmp_path):
    result = scan_text(tmp_path, function_with_variables("          DB_PASSWORD: hunter2\n"))
    assert lines_of(result, "CFN015") == [11]


def test_cfn015_does_not_catch_references_placeholders_or_mere_mentions():
    # A Ref, a dynamic reference, a table of tokens, the name of a secret.
    assert not findings_of(CFN / "CFN015" / "good", "CFN015")


def test_cfn015_does_not_catch_flags_or_the_variable_name_in_capitals():
    assert not findings_of(CFN / "CFN015" / "good-stand-ins", "CFN015")


def test_cfn015_catches_capitals_that_are_not_the_variable_name():
    assert lines_of(CFN / "CFN015" / "bad-capitals", "CFN015") == [14]


def test_cfn015_does_not_catch_key_identifiers(tmp_path):
    variables = "          KMS_KEY_ID: 1234abcd-12ab-34cd-56ef-1234567890ab\n"
    assert not findings_of(scan_text(tmp_path, function_with_variables(variables)), "CFN015")


# -- CFN018: secret-parameter-exposed ---------------------------------------------------------


def test_cfn018_catches_a_secret_default_even_with_noecho():
    found = findings_of(CFN / "CFN018" / "bad-default", "CFN018")
    assert [(f.region.start_line, f.resource) for f in found] == [(5, "Parameter GitHubToken")]
    assert "has a Default" in found[0].message
    assert "ghp_" not in found[0].snippet


def test_cfn018_catches_a_secret_parameter_without_noecho(tmp_path):
    result = scan_text(
        tmp_path,
        "Parameters:\n  DBPassword2:\n    Type: String\nResources:\n"
        "  Topic:\n    Type: AWS::SNS::Topic\n",
    )
    (finding,) = findings_of(result, "CFN018")
    assert finding.region.start_line == 2
    assert finding.properties["parameter"] == "DBPassword2"
    assert "not NoEcho" in finding.message


def test_cfn018_does_not_catch_identifiers_ssm_names_or_noecho_without_default():
    assert not findings_of(CFN / "CFN018" / "good", "CFN018")


def test_cfn018_does_not_catch_a_parameter_that_locates_the_secret():
    # ...SSMKey, ...ParameterStoreKey, ...SSM, ...Reference: where the secret is kept.
    assert not findings_of(CFN / "CFN018" / "good-locator-suffix", "CFN018")


def test_cfn018_does_not_catch_a_parameter_whose_default_names_the_secret(tmp_path):
    for default in ["prod/github-token", "arn:aws:secretsmanager:us-east-1:1:secret:gh-AbCdEf"]:
        text = (
            f"Parameters:\n  GitHubTokenSecret:\n    Type: String\n    Default: {default}\n"
            "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
        )
        assert not findings_of(scan_text(tmp_path, text), "CFN018"), default


def test_cfn018_catches_a_key_that_is_the_secret():
    found = findings_of(CFN / "CFN018" / "bad-key-suffix", "CFN018")
    assert [f.properties["parameter"] for f in found] == [
        "StripeSecretKey", "PartnerApiKey", "LicenseEncryptionKey"
    ]  # fmt: skip


def test_cfn018_does_not_catch_a_default_that_is_the_parameter_name_in_capitals(tmp_path):
    text = (
        "Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\n"
        "    Default: REPLACE_WITH_DB_PASSWORD\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
    )
    assert not findings_of(scan_text(tmp_path, text), "CFN018")


def test_cfn018_catches_a_parameter_passed_to_a_password_property_whatever_its_name(tmp_path):
    text = """\
Parameters:
  PasswordParameter: {Type: String, Default: plaintext}
  MasterPW: {Type: String}
  AdminCred: {Type: String}
  Hidden: {Type: String, NoEcho: true}
  DbUser: {Type: String, Default: admin}
Conditions:
  C: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Directory:
    Type: AWS::DirectoryService::SimpleAD
    Properties: {Name: corp.example.com, Size: Small, Password: !Ref PasswordParameter}
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      MasterUsername: !Ref DbUser
      MasterUserPassword: !If [C, !Sub "${MasterPW}", !Ref Hidden]
  Cluster:
    Type: AWS::EMR::Cluster
    Properties:
      KerberosAttributes: {KdcAdminPassword: !Ref AdminCred, Realm: EC2.INTERNAL}
"""
    found = findings_of(scan_text(tmp_path, text), "CFN018")
    assert [(f.region.start_line, f.properties["parameter"]) for f in found] == [
        (2, "PasswordParameter"), (3, "MasterPW"), (4, "AdminCred")
    ]  # fmt: skip
    assert "is passed as Password of Directory" in found[0].message


def test_cfn018_does_not_catch_settings_about_a_credential(tmp_path):
    """Numbers, choices the template lists, flags and schedules are settings, not secrets."""
    text = """\
Parameters:
  DBPasswordRotationDays: {Type: Number, Default: 30}
  UsePassword: {Type: String, AllowedValues: ["yes", "no"]}
  EnableApiKey: {Type: String, Default: "false"}
  SecretRotationSchedule: {Type: String, Default: rate(30 days)}
  ApiTokenExpiryMinutes: {Type: String}
  ManageDbPassword: {Type: String, Default: "true"}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, ManageMasterUserPassword: !Ref ManageDbPassword}
"""
    assert not findings_of(scan_text(tmp_path, text), "CFN018")


# -- CFN019: hardcoded-secret -----------------------------------------------------------------


def test_cfn019_catches_a_credential_in_a_name_value_pair():
    found = findings_of(CFN / "CFN019" / "bad-name-value-pair", "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [(13, "NPM_TOKEN")]


def test_cfn019_leaves_a_codebuild_project_to_the_codebuild_pack(tmp_path):
    """A CodeBuild project's variables and sources are CBD002's and CBD008's: one finding."""
    text = """\
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Environment:
        EnvironmentVariables:
          - Name: NPM_TOKEN
            Value: npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8
      Source: {Type: GITHUB, Location: https://ci:Vr8-kQ2z-Lm5x@git.example.com/app.git}
"""
    result = scan_text(tmp_path, text)
    assert not findings_of(result, "CFN019")
    assert lines_of(result, "CBD002") == [8] and lines_of(result, "CBD008") == [9]


def test_cfn019_catches_any_literal_in_a_password_property(tmp_path):
    result = scan_text(
        tmp_path,
        "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n"
        "    Properties: {Engine: mysql, MasterUserPassword: hunter2}\n",
    )
    assert lines_of(result, "CFN019") == [4]


def test_cfn019_catches_a_credential_in_a_plain_ssm_parameter(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  DbPassword:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /prod/db/password
      Type: String
      Value: Zx8-kq2Pw9-Lm4
""",
    )
    assert lines_of(result, "CFN019") == [7]


def test_cfn019_leaves_function_environments_to_cfn015(tmp_path):
    token = "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"  # a credential to any rule
    result = scan_text(tmp_path, function_with_variables(f"          GITHUB_TOKEN: {token}\n"))
    assert findings_of(result, "CFN015") and not findings_of(result, "CFN019")


def test_cfn019_does_not_catch_a_password_property_holding_its_name_in_capitals():
    assert not findings_of(CFN / "CFN019" / "good-stand-ins", "CFN019")


def test_cfn019_does_not_catch_references_generated_secrets_or_units():
    assert not findings_of(CFN / "CFN019" / "good", "CFN019")


def test_secret_messages_survive_a_trivial_secret_value(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Parameters:
  DBPassword:
    Type: String
    Default: secret
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, MasterUserPassword: secret}
""",
    )
    messages = [f.message for f in result.findings if f.rule_id in ("CFN018", "CFN019")]
    assert len(messages) == 2
    assert not any("redacted" in m for m in messages)


def test_cfn019_does_not_catch_a_kms_key_named_by_an_encryption_key_property(tmp_path):
    """EncryptionKey takes a KMS key's alias, ID or ARN (CDK writes alias/aws/s3 into every
    CodeBuild project): the name of a key, not its material."""
    keys = ["alias/aws/s3", "1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd12ab34cd56ef12"]
    text = "Resources:\n" + "".join(
        f"  Build{index}:\n    Type: AWS::CodeBuild::Project\n"
        f"    Properties: {{EncryptionKey: {key}}}\n"
        for index, key in enumerate(keys)
    )
    assert not findings_of(scan_text(tmp_path, text), "CFN019")


def test_cfn019_still_catches_a_credential_in_an_encryption_key_property(tmp_path):
    token = "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"  # a credential to any rule
    text = (
        "Resources:\n  Build:\n    Type: AWS::CodeBuild::Project\n"
        f"    Properties: {{EncryptionKey: {token}}}\n"
    )
    assert lines_of(scan_text(tmp_path, text), "CFN019") == [4]


def test_cfn019_catches_a_password_in_a_json_secret_string(tmp_path):
    """A SecretString written as JSON holds each member's value: `{...}` is no placeholder."""
    text = """\
Parameters:
  DbPass: {Type: String, NoEcho: true}
Resources:
  Literal:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: '{"username": "admin", "password": "Adm1nPass!"}'
  Substituted:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: !Sub '{"username": "${AWS::StackName}", "password": "hunter2"}'
  FromParameter:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: !Sub '{"username": "admin", "password": "${DbPass}"}'
  Generated:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{"username": "admin"}'
        GenerateStringKey: password
"""
    found = findings_of(scan_text(tmp_path, text), "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [
        (7, "SecretString"), (11, "SecretString")
    ]  # fmt: skip
    assert "Adm1nPass!" not in found[0].snippet and "hunter2" not in found[1].snippet


def test_cfn015_catches_a_password_in_a_json_variable(tmp_path):
    variables = (
        """          DB_CONFIG: '{"host": "db", "password": "S3cretPassw0rd"}'\n"""
        """          FEATURES: '{"dark_mode": "on", "token_ttl": "3600"}'\n"""
    )
    result = scan_text(tmp_path, function_with_variables(variables))
    assert lines_of(result, "CFN015") == [11]


def test_cfn019_catches_a_literal_behind_fn_if_or_fn_find_in_map(tmp_path):
    text = """\
Parameters:
  Env: {Type: String, Default: prod}
  DbPass: {Type: String, NoEcho: true}
Mappings:
  Credentials:
    prod: {Password: Pr0dPassw0rd7}
    dev: {Password: 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}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Branches:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, MasterUserPassword: !If [IsProd, Pr0dPassw0rd7, devpass9]}
  Mapped:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      MasterUserPassword: !FindInMap [Credentials, !Ref Env, Password]
  Referenced:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, MasterUserPassword: !If [IsProd, !Ref DbPass, !Ref AWS::NoValue]}
"""
    result = scan_text(tmp_path, text)
    found = findings_of(result, "CFN019")
    assert [f.region.start_line for f in found] == [13, 18]
    assert "Pr0dPassw0rd7" not in found[0].snippet and "devpass9" not in found[0].snippet
    # The mapping's entries are where the secrets are written: CFN019 names them there, so
    # the generic rule does not report the token a second time.
    assert not findings_of(result, "SEC001")


def test_cfn015_catches_a_literal_behind_fn_if(tmp_path):
    variables = '          API_TOKEN: !If [C, "a8f5f167f44f4964e6c998dee827110c", ""]\n'
    text = "Conditions:\n  C: !Equals [!Ref AWS::Region, us-east-1]\n" + function_with_variables(
        variables
    )
    assert lines_of(scan_text(tmp_path, text), "CFN015") == [13]
