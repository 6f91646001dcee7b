"""CloudFormation/SAM pack: rule IDs, lines, resources and the evaluator's no-false-positive
contract on the fixtures and on small templates written here."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

CFN = FIXTURES / "cloudformation"


def scan_text(tmp_path, text: str, name: str = "template.yaml", **options):
    write_file(tmp_path, name, text)
    return run_scan(tmp_path, **options)


def test_inline_python_shell_true_is_b602_at_template_line():
    found = findings_of(CFN / "CFN030" / "bad-inline", "CFN030")
    by_test = {f.properties["banditTestId"]: f for f in found}
    assert by_test["B602"].region.start_line == 15
    assert by_test["B602"].severity.label == "high"
    assert "B602" in by_test["B602"].message and "Runner" in by_test["B602"].message
    assert by_test["B404"].region.start_line == 10
    assert by_test["B404"].severity.label == "low"


def test_inline_python_in_json_join_maps_each_line(tmp_path):
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": "arn:aws:iam::1:role/r",
                    "Code": {
                        "ZipFile": {
                            "Fn::Join": [
                                "\n",
                                [
                                    "import os",
                                    "def handler(event, context):",
                                    "    os.system(event['cmd'])",
                                ],
                            ]
                        }
                    },
                },
            }
        }
    }
    result = scan_text(tmp_path, json.dumps(template, indent=2), "template.json")
    found = {f.properties["banditTestId"]: f for f in findings_of(result, "CFN030")}
    text = (tmp_path / "template.json").read_text().splitlines()
    assert "os.system" in text[found["B605"].region.start_line - 1]


def test_inline_python_with_sub_tag(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::1:role/r
      Code:
        ZipFile: !Sub |
          import pickle
          REGION = "${AWS::Region}"
          def handler(event, context):
              return pickle.loads(event["body"])
""",
    )
    found = {
        f.properties["banditTestId"]: f.region.start_line for f in findings_of(result, "CFN030")
    }
    assert found["B301"] == 13


def test_codeuri_python_files_located_in_the_code(tmp_path):
    found = findings_of(CFN / "CFN030" / "bad-codeuri", "CFN030")
    assert [(f.path.rsplit("/", 2)[-2:], f.region.start_line) for f in found] == [
        (["src", "app.py"], 5)
    ]
    assert found[0].properties["banditTestId"] == "B506"
    assert found[0].resource == "AWS::Serverless::Function Worker"


def test_codeuri_outside_the_scan_root_is_not_read(tmp_path):
    outside = tmp_path / "code"
    write_file(outside, "app.py", "import os\nos.system('x')\n")
    project = tmp_path / "project"
    write_file(
        project,
        "template.yaml",
        """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: ../code}
""",
    )
    assert not findings_of(run_scan(project, root=str(project)), "CFN030")


def test_env_secret_is_redacted_and_not_repeated_by_sec001():
    result = run_scan(CFN / "CFN015" / "bad-sam-globals")
    found = findings_of(result, "CFN015")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (6, "AWS::Serverless::Function Billing")
    ]
    secret = "sk_live_51HqLyjWDarjtT1zdp7dcXOd8Rz3Qm9ZqnA8Sx2TfM0ab"
    assert secret not in found[0].message + found[0].snippet + json.dumps(found[0].properties)
    assert not findings_of(result, "SEC001")


def test_template_invalid_cases_and_the_scan_goes_on():
    result = run_scan(CFN / "CFN028" / "bad-structure")
    messages = {f.region.start_line: f.message for f in findings_of(result, "CFN028")}
    assert sorted(messages) == [2, 6, 8, 10, 13, 17, 20]
    assert "Missing" in messages[17] and "Ghost" in messages[20]
    assert not any("Region" in m or "Literal" in m for m in messages.values())
    # Other rules still run on the resources that could be read.
    assert findings_of(result, "CFN001")
    assert lines_of(CFN / "CFN028" / "bad-empty-resources", "CFN028") == [3]
    assert not findings_of(CFN / "CFN028" / "good-sam-generated", "CFN028")


def test_yaml_syntax_error_is_gl001(tmp_path):
    result = scan_text(tmp_path, "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n")
    assert findings_of(result, "GL001") and not findings_of(result, "CFN028")


def test_every_short_tag_parses_without_false_references(tmp_path):
    result = scan_text(
        tmp_path,
        """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
Mappings:
  M: {prod: {Size: "1"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition NotProd, !Condition IsProd]]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Join ["-", [!Ref Env, !Select [0, !Split [",", "a,b"]]]]
      Tags:
        - Key: az
          Value: !Select [0, !GetAZs ""]
        - Key: size
          Value: !FindInMap [M, !Ref Env, Size]
        - Key: imported
          Value: !ImportValue SharedValue
        - Key: cidr
          Value: !Select [0, !Cidr ["10.0.0.0/16", 2, 8]]
        - Key: encoded
          Value: !Base64 {"Fn::Sub": "${Env}"}
        - Key: arn
          Value: !GetAtt Bucket.Arn
        - Key: cond
          Value: !If [Both, !Sub ["${X}-${Env}", {X: !Ref "AWS::Region"}], !Ref AWS::NoValue]
""",
    )
    assert not findings_of(result, "GL001")
    assert not findings_of(result, "CFN028")
    assert findings_of(result, "CFN001")[0].region.start_line == 11


@pytest.mark.parametrize(
    "rule_id,case,line",
    [
        ("CFN018", "bad-default", 5),
        ("CFN019", "bad-codebuild", 14),
    ],
)
def test_fixture_lines(rule_id, case, line):
    assert line in lines_of(CFN / rule_id / case, rule_id)


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


def test_codeuri_snippet_is_the_python_line():
    found = findings_of(CFN / "CFN030" / "bad-codeuri", "CFN030")
    assert found[0].snippet == 'return yaml.load(event["body"])'


def test_plain_ssm_parameter_credential(tmp_path):
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


def test_sam_structure_problems(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
  NewType:
    Key: Value
  Api: [1, 2]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: s3://b/k.zip
      Events:
        NoType:
          Properties: {Path: /, Method: get}
        Fine:
          Type: Schedule
          Properties: {Schedule: rate(1 day)}
""",
    )
    assert lines_of(result, "CFN028") == [5, 7, 15]


# -- CFN028: what CloudFormation and the SAM transform reject -----------------------------------


def test_sam_transform_errors_are_placed_at_their_resource_and_event():
    findings = findings_of(CFN / "CFN028" / "bad-sam-semantics", "CFN028")
    # WorkerJobs is the mapping SAM generates for the Jobs event of Worker.
    assert [(f.region.start_line, f.resource) for f in findings] == [
        (12, "resource Worker"),
        (23, "resource Nightly"),
    ]
    assert "Missing required property 'Queue'" in findings[0].message
    assert "State and Enabled" in findings[1].message


def test_sam_transform_can_be_switched_off():
    result = run_scan(
        CFN / "CFN028" / "bad-sam-semantics", rule_options={"CFN028": {"sam_transform": False}}
    )
    assert not findings_of(result, "CFN028")


def test_a_source_template_before_sam_package_is_valid():
    """Local CodeUri/DefinitionUri paths, code from the template's directory, an image built
    from Metadata, a policy template, a region-only mapping and a SAR application by Ref."""
    assert not findings_of(CFN / "CFN028" / "good-sam-source-template", "CFN028")


def test_sam_types_without_the_transform():
    findings = findings_of(CFN / "CFN028" / "bad-sam-missing-transform", "CFN028")
    assert [(f.region.start_line, f.resource) for f in findings] == [(7, "resource Api")]
    assert "Api and 1 more" in findings[0].message


def test_intrinsic_functions_with_the_wrong_arguments():
    result = run_scan(CFN / "CFN028" / "bad-intrinsic-arguments")
    messages = {f.region.start_line: f.message for f in findings_of(result, "CFN028")}
    assert sorted(messages) == [11, 14, 21, 24]
    assert "Fn::FindInMap without a list of 3" in messages[11]
    assert "output Zone calls Fn::Select" in messages[24]


@pytest.mark.parametrize(
    "argument",
    [
        '{"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "K"]}',
        '{"Fn::Join": ["", {"Fn::Split": [",", "a,b"]}]}',
        '{"Fn::Select": {"Fn::Split": [",", "0,a"]}}',  # a call may return the argument list
        '{"Fn::Sub": {"Rain::Embed": "user-data.sh"}}',  # a preprocessor's directive
        '{"Fn::GetAtt": "Other.Arn"}',
        '{"Fn::Sub": ["${A}", {"A": "x"}]}',
    ],
)
def test_well_formed_intrinsic_arguments_are_silent(tmp_path, argument):
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Mappings": {"M": {"us-east-1": {"K": "v"}}},
        "Resources": {
            "Other": {"Type": "AWS::SNS::Topic"},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": json.loads(argument)}},
        },
    }
    result = scan_text(tmp_path, json.dumps(template), name="template.json")
    assert not findings_of(result, "CFN028")


def test_mappings_must_be_maps_two_levels_down():
    result = run_scan(CFN / "CFN028" / "bad-mappings")
    assert [(f.region.start_line, f.resource) for f in findings_of(result, "CFN028")] == [
        (4, "mapping Amis"),
        (8, "Flat"),
    ]


def test_serverless_application_ids_are_arns():
    findings = findings_of(CFN / "CFN028" / "bad-sar-application-id", "CFN028")
    # The Ref resolves to its Default; the literal ARN of Viewer is fine.
    assert [(f.region.start_line, f.resource) for f in findings] == [(12, "resource Rotator")]
    assert "'secrets-manager-rotation'" in findings[0].message


def test_missing_local_definition_file(tmp_path):
    findings = findings_of(CFN / "CFN028" / "bad-missing-definition-file", "CFN028")
    assert [f.region.start_line for f in findings] == [7]
    # The same template with the file beside it is fine.
    (tmp_path / "statemachine").mkdir()
    (tmp_path / "statemachine" / "orders.asl.json").write_text("{}")
    text = (CFN / "CFN028" / "bad-missing-definition-file" / "template.yaml").read_text()
    assert not findings_of(scan_text(tmp_path, text), "CFN028")


def test_a_misspelt_resources_section_is_still_a_template(tmp_path):
    text = "Resource:\n  Fn:\n    Type: AWS::Serverless::Function\n"
    messages = [f.message for f in findings_of(scan_text(tmp_path, text), "CFN028")]
    assert any("Unknown top-level section 'Resource'" in m for m in messages)
