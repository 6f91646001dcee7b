"""Access: API authorization (CFN017), IAM access keys and user permissions (CFN025), AWS
managed full-access policies (CFN026)."""

from __future__ import annotations

import pytest

from guardlint.rulebook import load_rulebook
from tests.checks.cloudformation import CFN, scan_text
from tests.conftest import findings_of, lines_of


def test_user_permissions_granted_directly():
    assert 5 in lines_of(CFN / "CFN025" / "bad-user-policy", "CFN025")


def test_sam_api_event_without_auth(tmp_path):
    rule = load_rulebook().get("CFN017")
    result = scan_text(tmp_path, rule.examples["bad"])
    found = findings_of(result, "CFN017")
    assert [f.region.start_line for f in found] == [11]
    assert found[0].resource == "AWS::Serverless::Function Fn"
    assert "Get" in found[0].message
    assert lines_of(CFN / "CFN017" / "bad-httpapi-event", "CFN017") == [11]
    assert lines_of(CFN / "CFN017" / "bad-method", "CFN017") == [12]
    assert not findings_of(CFN / "CFN017" / "good-globals-authorizer", "CFN017")


def test_sam_event_authorizer_none_overrides_default(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: MyCognito
        Authorizers:
          MyCognito: {UserPoolArn: arn:aws:cognito-idp:us-east-1:1:userpool/p}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://b/k.zip
      Events:
        Open:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /open
            Method: get
            Auth:
              Authorizer: NONE
        Closed:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /closed, Method: get}
""",
    )
    found = findings_of(result, "CFN017")
    assert [(f.region.start_line, f.properties["event"]) for f in found] == [(25, "Open")]


@pytest.mark.parametrize(
    ("properties", "reported"),
    [
        ("ProtocolType: HTTP, Target: !GetAtt Fn.Arn", True),
        ("ProtocolType: HTTP, Target: !GetAtt Fn.Arn, RouteKey: GET /items", True),
        ("ProtocolType: HTTP", False),  # routes of its own, each judged
        ("ProtocolType: HTTP, Target: !If [Quick, !GetAtt Fn.Arn, !Ref AWS::NoValue]", True),
    ],
)
def test_http_api_quick_create_route_has_no_authorization(tmp_path, properties, reported):
    text = (
        "Parameters:\n  Mode: {Type: String}\nConditions:\n  Quick: !Equals [!Ref Mode, quick]\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "  Api:\n    Type: AWS::ApiGatewayV2::Api\n"
        f"    Properties: {{Name: api, {properties}}}\n"
    )
    assert bool(findings_of(scan_text(tmp_path, text), "CFN017")) is reported


def test_full_access_policies_sam_and_sub():
    found = findings_of(CFN / "CFN026" / "bad-sam-sub", "CFN026")
    assert [(f.region.start_line, f.properties["policy"]) for f in found] == [
        (10, "AmazonDynamoDBFullAccess"),
        (18, "AdministratorAccess"),
    ]


def test_full_access_behind_if(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Conditions:
  Admin: !Equals [!Ref AWS::StackName, admin]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns: !If
        - Admin
        - [arn:aws:iam::aws:policy/IAMFullAccess]
        - [arn:aws:iam::aws:policy/ReadOnlyAccess]
""",
    )
    assert lines_of(result, "CFN026") == [10]


def test_administrator_access_variants_are_full_access(tmp_path):
    # AWS describes AdministratorAccess-Amplify and -AWSElasticBeanstalk as granting account
    # administrative permissions; a customer policy of a similar name is not AWS's.
    result = scan_text(
        tmp_path,
        """\
Resources:
  Backend:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AdministratorAccess-Amplify
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk
        - arn:aws:iam::111122223333:policy/AdministratorAccess-Mine
        - arn:aws:iam::aws:policy/AWSCodeCommitPowerUser
""",
    )
    found = findings_of(result, "CFN026")
    assert [(f.region.start_line, f.properties["policy"]) for f in found] == [
        (7, "AdministratorAccess-Amplify"),
        (8, "AdministratorAccess-AWSElasticBeanstalk"),
    ]


def test_access_keys_and_users_with_own_permissions(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Key:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: ci}
  Grouped:
    Type: AWS::IAM::User
    Properties: {Groups: [developers], Policies: [], ManagedPolicyArns: !Ref Arns}
  Direct:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
Parameters:
  Arns: {Type: CommaDelimitedList}
""",
    )
    found = findings_of(result, "CFN025")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (2, "AWS::IAM::AccessKey Key"),
        (11, "AWS::IAM::User Direct"),
    ]
    assert "directly (ManagedPolicyArns)" in found[1].message


ROLE_WITH_ACTION = """\
Parameters:
  Actions: {{Type: CommaDelimitedList, Default: '{actions}'}}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {{Effect: Allow, Action: {action}, Resource: '*'}}
"""


@pytest.mark.parametrize(
    ("actions", "action", "fires"),
    [
        ("s3:GetObject", "!Split [',', '*']", True),
        ("s3:GetObject", "!Split [',', 's3:GetObject,*']", True),
        ("s3:GetObject, *", "!Ref Actions", True),
        ("s3:GetObject", "!Split [',', 's3:GetObject,s3:ListBucket']", False),
        ("s3:GetObject,s3:ListBucket", "!Ref Actions", False),
    ],
)
def test_a_wildcard_action_from_a_list_valued_intrinsic(tmp_path, actions, action, fires):
    """Fn::Split of a known string and a Ref to a CommaDelimitedList are lists of actions."""
    result = scan_text(tmp_path, ROLE_WITH_ACTION.format(actions=actions, action=action))
    assert lines_of(result, "IAM001") == ([15] if fires else [])


@pytest.mark.parametrize(
    ("arns", "reported"),
    [
        ("!If [Admin, [arn:aws:iam::aws:policy/ReadOnlyAccess], !Ref AWS::NoValue]", True),
        ("!Ref Arns", True),  # its default names a policy
        ("!Ref NoArns", False),  # its default is empty
        ("!If [Admin, [], !Ref AWS::NoValue]", False),
    ],
)
def test_user_policies_behind_intrinsics(tmp_path, arns, reported):
    text = (
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "  Arns: {Type: CommaDelimitedList, Default: 'arn:aws:iam::aws:policy/ReadOnlyAccess'}\n"
        "  NoArns: {Type: CommaDelimitedList, Default: ''}\n"
        "Conditions:\n  Admin: !Equals [!Ref Env, prod]\nResources:\n"
        f"  Direct:\n    Type: AWS::IAM::User\n    Properties:\n      ManagedPolicyArns: {arns}\n"
    )
    assert bool(findings_of(scan_text(tmp_path, text), "CFN025")) is reported


@pytest.mark.parametrize(
    "status",
    ["Inactive", "Active", "!Ref KeyStatus", "!If [Prod, Active, Inactive]"],
)
def test_access_keys_are_reported_whatever_their_status(tmp_path, status):
    """The catalogue reports every AWS::IAM::AccessKey: an Inactive one is still a long-term
    key, which a stack update makes active."""
    text = (
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "  KeyStatus: {Type: String, Default: Inactive, AllowedValues: [Active, Inactive]}\n"
        "Conditions:\n  Prod: !Equals [!Ref Env, prod]\nResources:\n"
        f"  Key:\n    Type: AWS::IAM::AccessKey\n"
        f"    Properties: {{UserName: ci, Status: {status}}}\n"
    )
    assert findings_of(scan_text(tmp_path, text), "CFN025")


@pytest.mark.parametrize(
    ("role", "reported"),
    [
        ("", True),
        ("Role: arn:aws:iam::123456789012:role/app", False),  # SAM ignores Policies
        ("Role: !GetAtt AppRole.Arn", False),
        ("Role: !If [Prod, arn:aws:iam::123456789012:role/app, !Ref AWS::NoValue]", True),
    ],
)
def test_sam_policies_ignored_beside_a_role(tmp_path, role, reported):
    text = (
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "Conditions:\n  Prod: !Equals [!Ref Env, prod]\nResources:\n"
        "  AppRole:\n    Type: AWS::IAM::Role\n    Properties: {AssumeRolePolicyDocument: {}}\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: index.handler\n"
        "      InlineCode: 'def handler(event, context): pass'\n"
        f"      {role}\n      Policies: [AmazonS3FullAccess]\n"
    )
    assert bool(findings_of(scan_text(tmp_path, text), "CFN026")) is reported


def test_policies_attached_to_users_by_their_own_resources(tmp_path):
    """A user's inline policy (AWS::IAM::UserPolicy), an AWS::IAM::Policy embedded in users
    and an AWS::IAM::ManagedPolicy attached to users give users permissions directly."""
    document = "{Version: '2012-10-17', Statement: []}"
    result = scan_text(
        tmp_path,
        f"""\
Parameters:
  NoUsers: {{Type: CommaDelimitedList, Default: ''}}
Resources:
  Deployer: {{Type: AWS::IAM::User}}
  Deployers: {{Type: AWS::IAM::Group}}
  Inline:
    Type: AWS::IAM::UserPolicy
    Properties: {{UserName: !Ref Deployer, PolicyName: p, PolicyDocument: {document}}}
  Embedded:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument: {document}
      Users: [!Ref Deployer]
  Attached:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {document}
      Groups: [!Ref Deployers]
      Users: [!Ref Deployer]
  ForGroups:
    Type: AWS::IAM::Policy
    Properties: {{PolicyName: p, PolicyDocument: {document}, Groups: [!Ref Deployers]}}
  ForNobody:
    Type: AWS::IAM::ManagedPolicy
    Properties: {{PolicyDocument: {document}, Users: !Ref NoUsers}}
""",
    )
    found = findings_of(result, "CFN025")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (6, "AWS::IAM::UserPolicy Inline"),
        (14, "AWS::IAM::Policy Embedded"),
        (20, "AWS::IAM::ManagedPolicy Attached"),
    ]


@pytest.mark.parametrize(
    ("auth", "reported"),
    [
        ("{ResourcePolicy: {AwsAccountWhitelist: ['111122223333']}}", False),
        (
            "{ResourcePolicy: {IpRangeWhitelist: [10.0.0.0/8], IpRangeBlacklist: [10.1.0.0/16]}}",
            False,
        ),
        ("{ResourcePolicy: {SourceVpcWhitelist: [vpc-1234abcd]}}", False),
        ("{ResourcePolicy: {CustomStatements: [{Effect: Allow, Principal: {AWS: '1'}}]}}", False),
        ("{ResourcePolicy: !Ref Policy}", False),
        ("{Authorizer: NONE, ResourcePolicy: {AwsAccountWhitelist: ['111122223333']}}", False),
        # A blacklist lets everyone else in; an API key authorizes nothing.
        ("{ResourcePolicy: {IpRangeBlacklist: [10.0.0.0/8], SourceVpcBlacklist: [vpc-1]}}", True),
        ("{ResourcePolicy: {AwsAccountWhitelist: []}}", True),
        ("{ResourcePolicy: null}", True),
        ("{ApiKeyRequired: true}", True),
        ("{Authorizer: NONE}", True),
    ],
)
def test_sam_event_resource_policy_limits_its_callers(tmp_path, auth, reported):
    # The rule's bad example: one Api event on the implicit API, without Auth.
    bad = load_rulebook().get("CFN017").examples["bad"]
    result = scan_text(tmp_path, bad.rstrip("\n") + f"\n            Auth: {auth}\n")
    assert bool(findings_of(result, "CFN017")) is reported


@pytest.mark.parametrize(
    ("auth", "said"),
    [
        (None, "has no Auth and its API no DefaultAuthorizer"),
        ("{ApiKeyRequired: true}", "has no Auth.Authorizer and its API no DefaultAuthorizer"),
        ("{ResourcePolicy: {IpRangeBlacklist: [10.0.0.0/8]}}", "has no Auth.Authorizer and"),
    ],
)
def test_an_event_auth_without_authorizer_is_not_called_no_auth(tmp_path, auth, said):
    bad = load_rulebook().get("CFN017").examples["bad"]
    text = bad if auth is None else bad.rstrip("\n") + f"\n            Auth: {auth}\n"
    [found] = findings_of(scan_text(tmp_path, text), "CFN017")
    assert said in found.message
