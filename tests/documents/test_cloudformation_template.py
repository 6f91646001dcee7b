"""The CloudFormation evaluator: intrinsic resolution, SAM Globals, defined logical IDs."""

from __future__ import annotations

from guardlint.documents.cloudformation.intrinsics import UNRESOLVED, sub_variables
from guardlint.documents.cloudformation.template import Template
from guardlint.parse.yaml_nodes import load_documents

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  AllowedCidr:
    Type: String
    Default: 10.0.0.0/8
  Env:
    Type: String
    Default: prod
    AllowedValues: [prod, dev]
  NoDefault:
    Type: String
Mappings:
  RegionMap:
    us-east-1: {Ami: ami-1}
    eu-west-1: {Ami: ami-2}
  EnvMap:
    prod: {Cidr: 10.1.0.0/16}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
Globals:
  Function:
    Runtime: nodejs6.10
    Environment:
      Variables:
        SHARED: "1"
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          OWN: "2"
  Py:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
  Bucket:
    Type: AWS::S3::Bucket
"""


def template() -> Template:
    return Template(load_documents(TEMPLATE)[0])


def values(expression: str) -> list:
    return template().possible_values(load_documents(f"v: {expression}")[0]["v"])


def test_ref_to_parameter_default_and_unknowns():
    assert values("!Ref AllowedCidr") == ["10.0.0.0/8"]
    assert values("!Ref NoDefault") == [UNRESOLVED]
    assert values("!Ref AWS::Region") == [UNRESOLVED]
    assert values("!Ref AWS::Partition") == ["aws"]
    assert values("!GetAtt Bucket.Arn") == [UNRESOLVED]
    assert values("plain") == ["plain"]


def test_an_ssm_parameter_types_default_is_a_name_not_the_value():
    """`AWS::SSM::Parameter::Value<String>` with Default `ci/github-token`: CloudFormation reads
    the parameter of that name at deployment; the name itself is no value of the template."""
    ssm = Template(
        load_documents(
            "Parameters:\n  Token:\n    Type: AWS::SSM::Parameter::Value<String>\n"
            "    Default: ci/github-token\n  Ami:\n"
            "    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: /ami\n"
        )[0]
    )
    for name in ("Token", "Ami"):
        assert ssm.possible_values({"Ref": name}) == [UNRESOLVED]
    assert ssm.possible_values({"Fn::Sub": "https://${Token}@github.com"}) == [UNRESOLVED]


def test_if_gives_both_branches():
    assert values("!If [IsProd, 0.0.0.0/0, !Ref AllowedCidr]") == ["0.0.0.0/0", "10.0.0.0/8"]


def test_sub_and_join():
    assert values("!Sub 'arn:${AWS::Partition}:s3:::${Env}-bucket'") == ["arn:aws:s3:::prod-bucket"]
    assert values("!Sub ['${A}-${Env}', {A: x}]") == ["x-prod"]
    assert values("!Sub '${!Literal}-${Env}'") == ["${Literal}-prod"]
    assert values("!Sub '${AWS::Region}-x'") == [UNRESOLVED]
    assert values("!Join ['', [a, !Ref Env, !If [IsProd, '1', '2']]]") == ["aprod1", "aprod2"]
    assert values("!Join ['', [a, !GetAtt Bucket.Arn]]") == [UNRESOLVED]


def test_find_in_map_and_select():
    assert values("!FindInMap [EnvMap, !Ref Env, Cidr]") == ["10.1.0.0/16"]
    assert values("!FindInMap [RegionMap, !Ref AWS::Region, Ami]") == ["ami-1", "ami-2"]
    assert values("!FindInMap [RegionMap, nowhere, Ami]") == [UNRESOLVED]
    assert values("!Select [1, [a, b]]") == ["b"]


def test_is_true_and_resolved_strings():
    t = template()
    doc = load_documents("a: true\nb: !Ref NoDefault\nc: 'false'\nd: !If [IsProd, true, false]")[0]
    assert t.is_true(doc["a"]) is True
    assert t.is_true(doc["b"]) is None
    assert t.is_true(doc["c"]) is False
    assert t.is_true(doc["d"]) is None
    assert t.resolved_strings(doc["b"]) == []


def test_sam_globals_apply_to_every_function():
    t = template()
    fn, py = t.properties("Fn"), t.properties("Py")
    assert fn["Runtime"] == "nodejs6.10"
    assert py["Runtime"] == "python3.12"  # the function's own value wins
    assert set(fn["Environment"]["Variables"]) == {"SHARED", "OWN"}
    assert py["Environment"]["Variables"] == {"SHARED": "1"}
    # Regions of global values point into the Globals section.
    assert fn.key_region("Runtime").start_line == 24
    assert fn.key_region("Handler").start_line == 32


def test_defined_ids_include_sam_generated_ones():
    t = template()
    for name in ("Fn", "Bucket", "Env", "AWS::Region", "FnRole", "ServerlessRestApi"):
        assert t.is_defined(name), name
    assert not t.is_defined("Nope")
    assert not t.is_defined("BucketRole")
    queue = Template(
        load_documents("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Connectors: {C: {}}")[0]
    )
    assert queue.is_defined("QCPolicy") and not queue.is_defined("OtherPolicy")
    assert sub_variables("${A}-${!B}-${C.Arn}") == ["A", "C.Arn"]


def test_defined_ids_include_those_sam_names_itself():
    """IDs the SAM transform gives what it makes for the whole stack, not after a resource of
    the template (AWS's "generated resources" pages): the CodeDeploy application and role of
    DeploymentPreference, a shared usage plan, the implicit APIs' stages and deployments for
    any stage name, and a custom domain's record set group."""
    t = template()
    for name in (
        "ServerlessDeploymentApplication",
        "CodeDeployServiceRole",
        "ServerlessUsagePlan",
        "ServerlessApiKey",
        "ServerlessUsagePlanKey",
        "ServerlessRestApiStagingStage",
        "ServerlessRestApiDeployment3f1d2a9c4e",
        "ServerlessHttpApiStagingStage",
        "RecordSetGroupa1b2c3d4e5",
    ):
        assert t.is_defined(name), name
    assert not t.is_defined("ServerlessDeploymentApp")
    assert not t.is_defined("Serverless")


def test_combinations_are_capped():
    parts = ", ".join("!If [IsProd, a, b]" for _ in range(12))
    assert len(values(f"!Join ['', [{parts}]]")) <= 64


def test_non_template_data_is_tolerated():
    t = Template(["not", "a", "map"])
    assert t.resources == {}
    t = Template({"Resources": {"A": "string", "B": ["x"], "C": {"Type": "AWS::S3::Bucket"}}})
    assert [i for i, _ in t.resources_of()] == ["C"]
    assert t.properties("A") == {}


LISTS = """\
Parameters:
  Names: {Type: CommaDelimitedList, Default: ' a, b ,c'}
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1,subnet-2'}
  FromSsm: {Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: /names}
  NoDefault: {Type: CommaDelimitedList}
Conditions:
  IsProd: !Equals [!Ref AWS::StackName, prod]
"""


def list_values(expression: str) -> list:
    lists = Template(load_documents(LISTS)[0])
    return lists.possible_values(load_documents(f"v: {expression}")[0]["v"])


def test_list_parameters_are_their_defaults_items_trimmed():
    """CloudFormation splits a CommaDelimitedList's (and a List<...>'s) value at commas and
    trims each item; an SSM parameter's Default is still a name, not the value."""
    assert list_values("!Ref Names") == [["a", "b", "c"]]
    assert list_values("!Ref Subnets") == [["subnet-1", "subnet-2"]]
    assert list_values("!Ref FromSsm") == [UNRESOLVED]
    assert list_values("!Ref NoDefault") == [UNRESOLVED]
    assert list_values("!Sub '${Names}'") == [UNRESOLVED]


def test_split_of_a_known_string_is_a_list():
    assert list_values("!Split [',', '*']") == [["*"]]
    assert list_values("!Split [',', 's3:GetObject,*']") == [["s3:GetObject", "*"]]
    assert list_values("!Split [',', !If [IsProd, 'a,b', c]]") == [["a", "b"], ["c"]]
    assert list_values("!Split ['|', !Sub '${AWS::Region}|x']") == [UNRESOLVED]
    assert list_values("!Split ['', abc]") == [UNRESOLVED]
    assert list_values("!Split [',']") == [UNRESOLVED]


def test_select_and_join_take_lists_that_intrinsics_give():
    assert list_values("!Select [1, !Ref Names]") == ["b"]
    assert list_values("!Select [0, !Split ['/', 'a/b']]") == ["a"]
    assert list_values("!Join ['-', !Split [',', 'x,y']]") == ["x-y"]
    assert list_values("!Join ['-', !Ref FromSsm]") == [UNRESOLVED]
    assert list_values("!Select [5, !Ref Names]") == [UNRESOLVED]


DEFAULTS = """\
Transform: AWS::LanguageExtensions
Parameters:
  Env: {Type: String, Default: staging}
  OnlyValue: {Type: String, AllowedValues: [eu-west-1]}
  Boolean: {Type: String, AllowedValues: ["false"]}
  EitherValue: {Type: String, AllowedValues: [a, b]}
  OneNumber: {Type: Number, AllowedValues: [5]}
  OneItem: {Type: CommaDelimitedList, AllowedValues: [x]}
  FromSsm: {Type: 'AWS::SSM::Parameter::Value<String>', AllowedValues: [/name]}
Mappings:
  EnvMap:
    prod: {Cidr: 10.1.0.0/16}
  RegionMap:
    us-east-1: {Ami: ami-1}
    eu-west-1: {Ami: ami-2}
"""


def default_values(expression: str) -> list:
    template = Template(load_documents(DEFAULTS)[0])
    return template.possible_values(load_documents(f"v: {expression}")[0]["v"])


def test_find_in_map_default_value_when_a_key_or_the_map_is_missing():
    """AWS::LanguageExtensions' fourth argument: the value when the map, the top-level key or
    the second-level key is not found."""
    default = "{DefaultValue: 10.9.0.0/16}"
    assert default_values(f"!FindInMap [EnvMap, !Ref Env, Cidr, {default}]") == ["10.9.0.0/16"]
    assert default_values(f"!FindInMap [EnvMap, prod, Other, {default}]") == ["10.9.0.0/16"]
    assert default_values(f"!FindInMap [NoMap, prod, Cidr, {default}]") == ["10.9.0.0/16"]
    assert default_values(f"!FindInMap [EnvMap, prod, Cidr, {default}]") == ["10.1.0.0/16"]
    # an unknown top-level key may be any entry, or none (the default)
    assert default_values("!FindInMap [RegionMap, !Ref AWS::Region, Ami, {DefaultValue: x}]") == [
        "ami-1", "ami-2", "x",
    ]  # fmt: skip
    # the default is evaluated like any value; a malformed fourth argument gives nothing
    assert default_values("!FindInMap [EnvMap, a, b, {DefaultValue: !Ref Env}]") == ["staging"]
    assert default_values("!FindInMap [EnvMap, a, b, {Other: x}]") == [UNRESOLVED]


def test_a_parameter_with_one_allowed_value_and_no_default_is_that_value():
    """CloudFormation refuses any other value; several allowed values stay unknown, and so do
    a list type's (its items are each allowed, their number is not known) and an SSM type's
    (its AllowedValues name parameters, not values)."""
    assert default_values("!Ref OnlyValue") == ["eu-west-1"]
    assert default_values("!Ref Boolean") == ["false"]
    assert default_values("!Ref OneNumber") == [5]
    assert default_values("!FindInMap [RegionMap, !Ref OnlyValue, Ami]") == ["ami-2"]
    assert default_values("!Ref EitherValue") == [UNRESOLVED]
    assert default_values("!Ref OneItem") == [UNRESOLVED]
    assert default_values("!Ref FromSsm") == [UNRESOLVED]


def test_find_in_map_keys_match_as_yaml_reads_them():
    """`123456789012:` and `0123:` are numbers to YAML (1.1: 0123 is octal 83), keys CloudFormation
    reads as text: a key given as text finds them, and the default is not taken."""
    template = Template(
        load_documents(
            "Mappings:\n  Accounts:\n    123456789012: {Env: prod}\n    '42': {Env: dev}\n"
            "    0123: {Env: test}\n"
        )[0]
    )

    def find(key: str) -> list:
        expression = f"!FindInMap [Accounts, {key}, Env, {{DefaultValue: none}}]"
        return template.possible_values(load_documents(f"v: {expression}")[0]["v"])

    assert find("'123456789012'") == ["prod"]
    assert find("42") == ["dev"]
    assert find("'0123'") == ["test"]
    assert find("'999'") == ["none"]
