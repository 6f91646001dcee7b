"""CFN018 and CFN019 on the parameters a template passes to the stacks it creates (nested
stacks, SAM applications, StackSets): each is named like a child template's parameter and
holds what that name says, as an environment variable does."""

from __future__ import annotations

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

_PARENT = """\
Parameters:
  Master: {Type: String, Default: Adm1nS3cretValue}
  Hidden: {Type: String, NoEcho: true}
  UseApiKey: {Type: String, AllowedValues: ['true', 'false'], Default: 'true'}
Resources:
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
      Parameters:
        DatabasePassword: hunter2
        AdminPass: !Ref Master
        ApiToken: !Ref Hidden
        EnableApiKey: !Ref UseApiKey
        DbPasswordParameterName: /prod/db/password
        Environment: prod
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: https://s3.amazonaws.com/bucket/app.yaml
      Parameters: {SlackWebhookSecret: s3cr3tval}
  Set:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: shared
      PermissionModel: SELF_MANAGED
      TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
      Parameters:
        - {ParameterKey: DbPassword, ParameterValue: Pr0dPassw0rd7}
        - {ParameterKey: Stage, ParameterValue: prod}
"""


def test_cfn019_catches_a_literal_passed_to_a_secret_parameter_of_a_child_stack(tmp_path):
    found = findings_of(scan_text(tmp_path, _PARENT), "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [
        (11, "DatabasePassword"),
        (21, "SlackWebhookSecret"),
        (29, "DbPassword"),
    ]
    assert all("hunter2" not in f.snippet and "Pr0dPassw0rd7" not in f.snippet for f in found)


def test_cfn018_catches_a_parameter_passed_whole_to_a_secret_parameter_of_a_child_stack(
    tmp_path,
):
    found = findings_of(scan_text(tmp_path, _PARENT), "CFN018")
    assert [(f.properties["parameter"], f.message.split(" but ")[0]) for f in found] == [
        ("Master", "Parameter Master is passed as AdminPass of Nested"),
    ]


def test_cfn018_catches_a_parameter_passed_whole_to_a_variable_named_like_a_credential(tmp_path):
    text = """\
Parameters:
  Db: {Type: String}
  Hidden: {Type: String, NoEcho: true}
  Table: {Type: String}
  Rotate: {Type: String, Default: 'false'}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {S3Bucket: b, S3Key: k}
      Role: arn:aws:iam::1:role/r
      Environment:
        Variables:
          DB_PASSWORD: !Ref Db
          API_TOKEN: !Ref Hidden
          TOKEN_TABLE: !Ref Table
          ROTATE_API_KEY: !Ref Rotate
"""
    found = findings_of(scan_text(tmp_path, text), "CFN018")
    assert [f.message.split(" but ")[0] for f in found] == [
        "Parameter Db is passed as DB_PASSWORD of Fn"
    ]


def test_cfn019_catches_any_literal_of_a_pair_named_for_a_credential(tmp_path):
    """A pair's Name (a parameter's, a variable's, an option's, a header's) says what its Value
    holds, as a variable's name does; a tag's Key is only a label."""
    text = """\
Resources:
  DbPassword:
    Type: AWS::SSM::Parameter
    Properties: {Name: /prod/db/password, Type: String, Value: hunter2}
  DbHost:
    Type: AWS::SSM::Parameter
    Properties: {Name: /prod/db/host, Type: String, Value: db.internal}
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: api
            DomainName: api.example.com
            CustomOriginConfig: {OriginProtocolPolicy: https-only}
            OriginCustomHeaders:
              - {HeaderName: X-Api-Key, HeaderValue: s3cr3t}
        DefaultCacheBehavior: {TargetOriginId: api, ViewerProtocolPolicy: https-only}
      Tags:
        - {Key: Token, Value: prod}
"""
    found = findings_of(scan_text(tmp_path, text), "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [
        (4, "/prod/db/password"),
        (18, "X-Api-Key"),
    ]


def test_cfn019_catches_a_credential_in_a_pipeline_s_parameter_overrides(tmp_path):
    text = """\
Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: arn:aws:iam::1:role/r
      Stages:
        - Name: Deploy
          Actions:
            - Name: Stack
              ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
              Configuration:
                ActionMode: CREATE_UPDATE
                StackName: app
                ParameterOverrides: '{"DbPassword": "hunter2", "Stage": "prod"}'
            - Name: Other
              ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
              Configuration:
                ParameterOverrides: !Sub '{"DbPassword": "${DbPassword}", "Stage": "prod"}'
"""
    assert [f.region.start_line for f in findings_of(scan_text(tmp_path, text), "CFN019")] == [14]
