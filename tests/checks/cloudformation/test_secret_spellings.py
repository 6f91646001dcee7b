"""CloudFormation secrets (CFN015, CFN019) written through intrinsics: an environment or its
variables behind Fn::If, a credential written into a Fn::Sub or Fn::Join."""

from __future__ import annotations

from tests.checks.cloudformation import scan_text
from tests.checks.cloudformation.test_secrets import function_with_variables
from tests.conftest import findings_of, lines_of

_CONDITION = "Conditions:\n  IsProd: !Equals [!Ref AWS::AccountId, '123456789012']\n"
_FUNCTION = """\
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {S3Bucket: b, S3Key: k}
      Role: arn:aws:iam::1:role/r
"""


def test_cfn015_catches_a_credential_in_variables_behind_fn_if(tmp_path):
    text = (
        _CONDITION
        + "Resources:\n"
        + _FUNCTION
        + """\
      Environment:
        Variables: !If
          - IsProd
          - DB_PASSWORD: Pr0dPassw0rd7
            STAGE: prod
          - STAGE: dev
            API_TOKEN: a8f5f167f44f4964e6c998dee827110c
"""
    )
    found = findings_of(scan_text(tmp_path, text), "CFN015")
    assert [(f.region.start_line, f.properties["variable"]) for f in found] == [
        (14, "DB_PASSWORD"),
        (17, "API_TOKEN"),
    ]
    assert "Pr0dPassw0rd7" not in found[0].snippet


def test_cfn015_catches_a_credential_in_an_environment_behind_fn_if(tmp_path):
    text = (
        _CONDITION
        + "Resources:\n"
        + _FUNCTION
        + """\
      Environment: !If
        - IsProd
        - Variables: {STAGE: prod, DB_PASSWORD: Pr0dPassw0rd7}
        - !Ref AWS::NoValue
"""
    )
    assert lines_of(scan_text(tmp_path, text), "CFN015") == [13]


def test_cfn015_does_not_catch_references_in_variables_behind_fn_if(tmp_path):
    text = (
        _CONDITION
        + "Parameters:\n  DbPass: {Type: String, NoEcho: true}\n"
        + "Resources:\n"
        + _FUNCTION
        + """\
      Environment:
        Variables: !If
          - IsProd
          - {DB_PASSWORD: !Ref DbPass, STAGE: prod}
          - {DB_PASSWORD: '{{resolve:secretsmanager:dev/db:SecretString:password}}'}
"""
    )
    assert not findings_of(scan_text(tmp_path, text), "CFN015")


def test_cfn015_catches_a_credential_written_into_fn_sub_or_fn_join(tmp_path):
    variables = """\
          DB_PASSWORD: !Sub
            - "${Password}"
            - Password: Pr0dPassw0rd7
          API_TOKEN: !Join ["", [!Sub "a8f5f167f44f", "4964e6c998dee827110c"]]
          STRIPE_KEY: !Join ["", ["sk_live_51HqLyjWDarjtT1zdp7dcX", "Od8Rz3Qm9ZqnA8Sx2TfM0ab"]]
"""
    found = findings_of(scan_text(tmp_path, function_with_variables(variables)), "CFN015")
    assert [(f.region.start_line, f.properties["variable"]) for f in found] == [
        (11, "DB_PASSWORD"),
        (14, "API_TOKEN"),
        (15, "STRIPE_KEY"),
    ]
    assert all("Pr0dPassw0rd7" not in f.snippet and "Od8Rz3Qm9" not in f.snippet for f in found)


def test_cfn015_does_not_catch_fn_sub_or_fn_join_filled_at_deployment(tmp_path):
    # What a reference fills is not written here, and literal glue around it is no secret.
    variables = """\
          DB_PASSWORD: !Sub "${DbPass}"
          SECRET_PATH: !Sub "/${AWS::StackName}/db/password"
          API_TOKEN: !Join ["", [!Ref TokenPrefix, !GetAtt Secret.Id]]
          JWT_SECRET: !Sub "{{resolve:secretsmanager:${JwtSecret}:SecretString:key}}"
          DB_PASSWORD_ARN: !Sub "arn:aws:secretsmanager:${AWS::Region}:1:secret:db"
          REDIS_AUTH: !Join [":", [!GetAtt Cache.RedisEndpoint.Address, "6379"]]
          DB_PASS: !Join ["", ["{{resolve:secretsmanager:", !Ref DbSecret, ":SecretString:pw}}"]]
"""
    text = "Parameters:\n  DbPass: {Type: String, NoEcho: true}\n" + function_with_variables(
        variables
    )
    assert not findings_of(scan_text(tmp_path, text), "CFN015")


def test_cfn019_catches_a_password_written_into_fn_sub_or_fn_join(tmp_path):
    text = """\
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      MasterUserPassword: !Sub ["${Pw}", {Pw: Pr0dPassw0rd7}]
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      AuthToken: !Join ["-", [Pr0dT0ken, 9f8e7d]]
  Other:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      MasterUserPassword: !Sub "{{resolve:secretsmanager:${AWS::StackName}-db:SecretString:pw}}"
"""
    assert lines_of(scan_text(tmp_path, text), "CFN019") == [6, 11]


def test_cfn015_catches_a_url_password_before_a_host_the_stack_fills_in(tmp_path):
    variables = (
        '          DATABASE_URL: !Sub "postgres://app:S3cretPw9@${Db.Endpoint.Address}:5432/app"\n'
        '          CACHE_URL: !Sub "redis://:${CachePassword}@${Cache.RedisEndpoint.Address}"\n'
    )
    found = findings_of(scan_text(tmp_path, function_with_variables(variables)), "CFN015")
    assert [f.properties["variable"] for f in found] == ["DATABASE_URL"]
    assert "S3cretPw9" not in found[0].snippet


def test_cfn019_catches_any_literal_in_a_password_named_property_or_variable(tmp_path):
    """A property named ...Password holds one, and a name written as a variable is (a pair's
    DB_PASSWORD, a map of PASSWORD keys): each holds what its name says whatever it looks like."""
    text = """\
Resources:
  Ns:
    Type: AWS::RedshiftServerless::Namespace
    Properties: {NamespaceName: ns, AdminUsername: admin, AdminUserPassword: hunter2}
  Job:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: app:1
        Environment:
          - {Name: DB_PASSWORD, Value: hunter2}
          - {Name: PASSWORD_MIN_LENGTH, Value: "12"}
          - {Name: DB_PASSWORD_SECRET, Value: prod/db}
  Conn:
    Type: AWS::Glue::Connection
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        ConnectionType: JDBC
        ConnectionProperties: {USERNAME: admin, PASSWORD: hunter2, SECRET_ID: prod/db}
  Dest:
    Type: AWS::Events::Connection
    Properties:
      AuthorizationType: API_KEY
      AuthParameters:
        ApiKeyAuthParameters: {ApiKeyName: x-api-key, ApiKeyValue: abcdefsecret}
  Quiet:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: {Password: REPLACE_WITH_PASSWORD, PasswordResetRequired: true}
"""
    found = findings_of(scan_text(tmp_path, text), "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [
        (4, "AdminUserPassword"),
        (12, "DB_PASSWORD"),
        (21, "PASSWORD"),
        (27, "ApiKeyValue"),
    ]


def test_cfn019_does_not_catch_json_paths_under_variable_names(tmp_path):
    text = """\
Resources:
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [app]}
      Targets:
        - Id: t
          Arn: arn:aws:sns:us-east-1:1:t
          InputTransformer:
            InputPathsMap: {api_key: $.detail.apiKey, auth_token: "$['detail']['token']"}
            InputTemplate: '{"key": <api_key>}'
"""
    assert not findings_of(scan_text(tmp_path, text), "CFN019")


def test_cfn019_judges_every_literal_among_ordinary_values(tmp_path):
    """Values are judged by their text once a search over them all lets them by: a secret
    shown by no candidate word (sudo fed a password, an SQL password, a SAS signature, a JSON
    member named only as it decodes) is still one, beside names, numbers, flags and Refs."""
    text = """\
Parameters:
  Subnet: {Type: String}
Resources:
  Setup:
    Type: AWS::SSM::Association
    Properties:
      Name: AWS-RunShellScript
      MaxConcurrency: 2
      ApplyOnlyAtCronInterval: true
      Targets: [{Key: tag:Role, Values: [web]}]
      Parameters:
        commands:
          - apt-get update
          - echo Xk8s9dLq2Pz | sudo -S apt-get install -y nginx
          - CREATE USER app IDENTIFIED BY 'Wq7RtYb3nM4v'
          - curl https://acct.blob.core.windows.net/c/b?sv=2020-08-04&sig=Xk8s9dLq2PzWq7RtYb3nM4v
  Vm:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !Ref Subnet
      InstanceType: t3.micro
      Description: '{"user": "app", "p\\u0061ssword": "Ab3dE5fG7hJ9"}'
"""
    found = findings_of(scan_text(tmp_path, text), "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [
        (14, "commands"),
        (15, "commands"),
        (16, "commands"),
        (22, "Description"),
    ]
