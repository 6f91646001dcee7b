"""CloudFormation/SAM pack: rule IDs, lines, resources and the evaluator's no-false-positive
contract on the fixtures and on small templates written here."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardlint.checks.registry import check_for
from guardlint.model import Document
from guardlint.rulebook import load_rulebook
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

CFN = FIXTURES / "cloudformation"


def scan_text(tmp_path, text: str, name: str = "template.yaml", **options):
    write_file(tmp_path, name, text)
    return run_scan(tmp_path, **options)


def test_sg_all_ports_range_is_cfn008_only():
    result = run_scan(CFN / "CFN008" / "bad-port-range")
    assert lines_of(result, "CFN008") == [10]
    assert findings_of(result, "CFN008")[0].resource == "AWS::EC2::SecurityGroup OpenGroup"
    # Every port is one critical finding, not also SSH/RDP/database findings.
    assert not findings_of(result, "CFN006") and not findings_of(result, "CFN009")


def test_sg_protocol_minus_one_as_json_int():
    assert lines_of(CFN / "CFN008" / "bad-minus-one-int", "CFN008") == [8]


def test_sg_cidr_parameter_default_decides(tmp_path):
    assert not findings_of(CFN / "CFN006" / "good-param-cidr", "CFN006")
    assert lines_of(CFN / "CFN006" / "bad-default", "CFN006") == [14]
    assert not findings_of(CFN / "CFN006" / "good-unresolved", "CFN006")
    assert lines_of(CFN / "CFN006" / "bad-range", "CFN006") == [9]


def test_sg_ipv6_world_and_standalone_ingress():
    found = findings_of(CFN / "CFN007" / "bad", "CFN007")
    assert [(f.region.start_line, f.properties["cidr"]) for f in found] == [(7, "::/0")]


def test_deprecated_runtime_in_globals_hits_every_function():
    found = findings_of(CFN / "CFN014" / "bad-globals", "CFN014")
    assert sorted(f.resource for f in found) == [
        "AWS::Serverless::Function First",
        "AWS::Serverless::Function Second",
    ]
    assert {f.region.start_line for f in found} == {4}  # the Runtime line in Globals
    assert not findings_of(CFN / "CFN014" / "good", "CFN014")  # own Runtime wins


def test_deprecated_runtime_json_line_and_as_of_option():
    path = CFN / "CFN014" / "bad-lambda-json"
    assert lines_of(path, "CFN014") == [6]
    pinned = run_scan(path, rule_options={"CFN014": {"as_of": "2021-01-01"}})
    assert not findings_of(pinned, "CFN014")  # python2.7 was deprecated in July 2021


@pytest.mark.parametrize(
    "runtime,deprecated,replacement",
    [("nodejs20.x", "2026-04-30", "nodejs24.x"), ("dotnet8", "2026-11-10", "dotnet10")],
)
def test_runtimes_deprecated_in_2026(tmp_path, runtime, deprecated, replacement):
    text = (
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        f"      Runtime: {runtime}\n      Handler: index.handler\n"
        "      Code: {S3Bucket: b, S3Key: k}\n      Role: arn:aws:iam::123456789012:role/x\n"
    )
    write_file(tmp_path, "template.yaml", text)
    on_the_day = run_scan(tmp_path, rule_options={"CFN014": {"as_of": deprecated}})
    (finding,) = findings_of(on_the_day, "CFN014")
    assert replacement in finding.message
    year, month, day = deprecated.split("-")
    before = f"{year}-{month}-{int(day) - 1:02}"
    assert not findings_of(run_scan(tmp_path, rule_options={"CFN014": {"as_of": before}}), "CFN014")


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


def test_ecs_per_case_severities():
    found = findings_of(CFN / "CFN027" / "bad-root-host-secret", "CFN027")
    assert [(f.region.start_line, f.severity.label) for f in found] == [
        (5, "high"),
        (7, "low"),
        (9, "high"),
        (12, "critical"),
    ]
    assert found[3].resource == "AWS::ECS::TaskDefinition Task container app"


def test_require_kms_option(tmp_path):
    good = CFN / "CFN003" / "good"  # AES256
    assert not findings_of(good, "CFN003")
    strict = run_scan(good, rule_options={"CFN003": {"require_kms": True}})
    assert lines_of(strict, "CFN003") == [8]


def test_if_branches_are_both_checked():
    assert lines_of(CFN / "CFN002" / "bad-if-branch", "CFN002") == [7]


@pytest.mark.parametrize(
    "rule_id,case,line",
    [
        ("CFN001", "bad", 2),
        ("CFN001", "bad-flag-false", 7),
        ("CFN004", "bad-suspended", 6),
        ("CFN005", "bad-self", 6),
        ("CFN009", "bad", 7),
        ("CFN010", "bad", 6),
        ("CFN011", "bad-cluster", 6),
        ("CFN012", "bad", 7),
        ("CFN013", "bad-launch-template", 8),
        ("CFN016", "bad-sam", 10),
        ("CFN020", "bad-no-validation", 2),
        ("CFN021", "bad", 5),
        ("CFN022", "bad-topic", 2),
        ("CFN023", "bad-optional", 7),
        ("CFN024", "bad-tls", 8),
        ("CFN025", "bad-user-policy", 5),
        ("CFN029", "bad", 2),
    ],
)
def test_fixture_lines(rule_id, case, line):
    assert line in lines_of(CFN / rule_id / case, rule_id)


def test_full_access_policies_sam_and_sub():
    found = findings_of(CFN / "CFN026" / "bad-sam-sub", "CFN026")
    assert [(f.region.start_line, f.properties["policy"]) for f in found] == [
        (10, "AmazonDynamoDBFullAccess"),
        (18, "AdministratorAccess"),
    ]


def test_log_destination_buckets_are_not_asked_to_log(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  TrailBucket:
    Type: AWS::S3::Bucket
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {S3BucketName: !Ref TrailBucket, IsLogging: true}
  CdnLogs:
    Type: AWS::S3::Bucket
  Content:
    Type: AWS::S3::Bucket
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Logging: {Bucket: !GetAtt CdnLogs.DomainName}
        Origins:
          - {Id: s3, DomainName: !GetAtt Content.RegionalDomainName}
""",
    )
    assert [f.resource for f in findings_of(result, "CFN005")] == ["AWS::S3::Bucket Content"]


def test_udp_port_22_is_not_ssh_but_port_ranges_are(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: mixed
      SecurityGroupIngress:
        - {IpProtocol: udp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 1000, ToPort: 7000, CidrIp: 0.0.0.0/0}
        - !If
          - Never
          - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0}
          - !Ref AWS::NoValue
Conditions:
  Never: !Equals [a, b]
""",
    )
    assert not findings_of(result, "CFN006")
    assert lines_of(result, "CFN009") == [8]  # 3306, 5432, 6379 in 1000-7000
    assert lines_of(result, "CFN007") == [8, 11]  # the range, and the Fn::If branch


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 70000)
    | st.sampled_from(
        ["", "0.0.0.0/0", "python3.8", "NONE", "true", "-1", "Api", "AWS::S3::Bucket"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["Ref", "Fn::If", "Fn::Sub", "Fn::Join", "Type", "Properties", "Auth"]),
            inner,
            max_size=2,
        )
    ),
    max_leaves=8,
)
_RESOURCE_TYPES = st.sampled_from(
    ["AWS::S3::Bucket", "AWS::EC2::SecurityGroup", "AWS::Serverless::Function",
     "AWS::Lambda::Function", "AWS::ECS::TaskDefinition", "AWS::RDS::DBInstance",
     "AWS::ElasticLoadBalancingV2::Listener", "AWS::EC2::LaunchTemplate"]
)  # fmt: skip
_PROPERTY_NAMES = st.sampled_from(
    ["SecurityGroupIngress", "Events", "Environment", "Runtime", "ContainerDefinitions",
     "LaunchTemplateData", "DefaultActions", "Code", "InlineCode", "FunctionUrlConfig"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    resource_type=_RESOURCE_TYPES,
    properties=st.dictionaries(_PROPERTY_NAMES, _JSON_VALUES, max_size=3),
    globals_=st.dictionaries(st.sampled_from(["Function", "Api"]), _JSON_VALUES, max_size=2),
)
def test_checks_never_crash_on_odd_values(resource_type, properties, globals_):
    data = {
        "Globals": globals_,
        "Resources": {"R": {"Type": resource_type, "Properties": properties}},
    }
    document = Document("cloudformation", "t.yaml", data, [])
    for rule in load_rulebook().rules:
        if rule.pack == "cloudformation" and rule.id != "CFN030":
            list(check_for(rule)(document, rule))


def test_full_access_behind_if_and_plain_ssm_parameter_credential(tmp_path):
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
  DbPassword:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /prod/db/password
      Type: String
      Value: Zx8-kq2Pw9-Lm4
""",
    )
    assert lines_of(result, "CFN026") == [10]
    assert lines_of(result, "CFN019") == [17]
