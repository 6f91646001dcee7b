"""CloudFormation validity family: CFN028 (template-invalid), what CloudFormation or the SAM
transform rejects. Catches / doesn't catch, through the engine."""

from __future__ import annotations

import json

import pytest

from guardlint.documents.cloudformation.references import Reference, references
from guardlint.model.documents import Region
from tests.checks.cloudformation import CFN, scan_text
from tests.conftest import findings_of, lines_of, run_scan


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


def test_sam_resolves_parameters_without_a_default_to_what_a_deployment_gives(tmp_path):
    """A deployment gives each parameter a value: `AutoPublishAlias: !Ref Stage` resolves. An
    error whatever the value (an SQS event without its Queue) is still reported."""
    template = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String}
  Size: {Type: Number}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/code.zip
      MemorySize: !Ref Size
      AutoPublishAlias: !Ref Stage
"""
    assert not findings_of(scan_text(tmp_path, template), "CFN028")
    broken = template + "      Events:\n        Jobs: {Type: SQS, Properties: {BatchSize: 1}}\n"
    (finding,) = findings_of(scan_text(tmp_path, broken), "CFN028")
    assert "Missing required property 'Queue'" in finding.message


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


def test_references_name_their_owner_and_kind():
    resources = {
        "Fn": {
            "Type": "AWS::SNS::Topic",
            "DependsOn": ["Other"],
            "Condition": "IsProd",
            "Properties": {
                "TopicName": {"Fn::Sub": "${Env}-${Missing.Arn}"},
                "Bad": {"Fn::Select": [0]},
            },
        }
    }
    found = {(r.name, r.kind, r.owner) for r in references(resources, Region(1), "Resources")}
    assert found == {
        ("Other", "ref", "resource Fn"),
        ("IsProd", "condition", "resource Fn"),
        ("Env", "ref", "resource Fn"),
        ("Missing", "ref", "resource Fn"),
        ("Fn::Select", "malformed", "resource Fn"),
    }
    assert all(isinstance(r, Reference) for r in references(resources, Region(1), "Resources"))


def test_an_include_in_a_section_is_no_resource_nor_mapping(tmp_path):
    """AWS::Include may stand in any section but Parameters (`Fn::Transform` as a key of
    Resources, Mappings, Outputs): the snippet it inserts may define the names referred to."""
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Mappings:
  Fn::Transform:
    Name: AWS::Include
    Parameters: {Location: s3://bucket/mappings.yaml}
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Ref IncludedTopicName
  Fn::Transform:
    Name: AWS::Include
    Parameters: {Location: s3://bucket/resources.yaml}
Outputs:
  Fn::Transform:
    Name: AWS::Include
    Parameters: {Location: s3://bucket/outputs.yaml}
"""
    assert not findings_of(scan_text(tmp_path, template), "CFN028")
    # Without an include the name is undefined.
    without = template.split("Resources:")[1].split("  Fn::Transform")[0]
    assert lines_of(scan_text(tmp_path, "Resources:" + without), "CFN028") == [5]


def test_conditions_refer_to_parameters_and_defined_conditions(tmp_path):
    """A condition's Ref names a parameter or pseudo parameter (never a resource), its
    {Condition: X} a defined condition; an output's Condition attribute a defined one."""
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String}
Conditions:
  OnResource: !Equals [!Ref Group, sg-1]
  OnTypo: !Equals [!Ref Environment, prod]
  OnMissing: !Not [{Condition: NoSuchCondition}]
  IsProd: !Equals [!Ref Env, prod]
  Both: !And [!Condition IsProd, !Equals [!Ref "AWS::Region", us-east-1]]
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
Outputs:
  Id:
    Condition: Undefined
    Value: !Ref Group
  Fine:
    Condition: Both
    Value: !Ref Group
"""
    findings = findings_of(scan_text(tmp_path, template), "CFN028")
    assert [(f.region.start_line, f.resource) for f in findings] == [
        (5, "condition OnResource"),
        (6, "condition OnTypo"),
        (7, "condition OnMissing"),
        (17, "output Id"),
    ]
    assert "can refer to no resource" in findings[0].message


def test_empty_properties_are_null_which_cloudformation_rejects(tmp_path):
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {}
"""
    (finding,) = findings_of(scan_text(tmp_path, template), "CFN028")
    assert finding.region.start_line == 5 and "null" in finding.message
