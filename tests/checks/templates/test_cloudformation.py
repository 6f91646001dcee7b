"""The CloudFormation templates (resource-property, security-group-ingress): each run through
the engine as the only rule of a pack of the tests' own, and their parameters checked when the
pack loads."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from guardlint.checks.params import Param
from guardlint.checks.templates import TEMPLATES
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.model.findings import Finding
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from guardlint.rulebook.validation import Pack, RuleError
from tests.conftest import write_file, write_template_pack

MESSAGE = "{logical_id} {property} {value}"


def write_pack(tmp_path: Path, template: str, params: dict, options: dict | None = None) -> Path:
    return write_template_pack(tmp_path, "cloudformation", template, params, options, "medium")


@functools.cache
def builtin_packs() -> tuple[Pack, ...]:
    return tuple(load_pack(path) for path in pack_files(builtin_rules_dir()))


def findings(tmp_path: Path, template: str, params: dict, text: str, **scan_options):
    pack = load_pack(write_pack(tmp_path, template, params, scan_options.pop("options", None)))
    path = write_file(tmp_path, "scanned/template.yaml", text)
    result = scan(
        ScanOptions(paths=[str(path)], **scan_options), Rulebook([*builtin_packs(), pack])
    )
    return [f for f in result.findings if f.rule_id == "TST001"]


def shown(found: list[Finding]) -> list[tuple[int, str]]:
    return [(f.region.start_line, f.message) for f in found]


def one_test(types: list[str], is_: str | bool, **test) -> dict:
    """Params with one test: the property `is_` what it says (`is` is a Python keyword)."""
    return {"types": types, "tests": [{"is": is_, "message": MESSAGE, **test}]}


BUCKETS = """\
Conditions:
  Maybe: !Equals [!Ref Unknown, x]
Parameters:
  Unknown: {Type: String}
Resources:
  Plain:
    Type: AWS::S3::Bucket
  Flagged:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
      AccessControl: PublicRead
      Tags: [{Key: a, Value: b}]
  Unflagged:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: !If [Maybe, true, false]
      AccessControl: !Ref Unknown
      Tags: []
"""


PREDICATE_CASES = [
    (
        {"property": "ObjectLockEnabled", "is": "present"},
        [(11, "Flagged ObjectLockEnabled "), (17, "Unflagged ObjectLockEnabled ")],
    ),
    ({"is": "present"}, [(6, "Plain  "), (8, "Flagged  "), (14, "Unflagged  ")]),
    ({"property": "ObjectLockEnabled", "is": "missing"}, [(6, "Plain ObjectLockEnabled ")]),
    (
        {"property": "ObjectLockEnabled", "is": "true"},
        [(11, "Flagged ObjectLockEnabled "), (17, "Unflagged ObjectLockEnabled ")],
    ),
    ({"property": "ObjectLockEnabled", "is": "false"}, [(17, "Unflagged ObjectLockEnabled ")]),
    (
        {"property": "ObjectLockEnabled", "is": "false-or-missing"},
        [(6, "Plain ObjectLockEnabled "), (17, "Unflagged ObjectLockEnabled ")],
    ),
    (
        {"property": "AccessControl", "is": "one-of", "values": ["publicread", "Private"]},
        [(12, "Flagged AccessControl PublicRead")],
    ),
    ({"property": "Tags", "is": "non-empty-list"}, [(13, "Flagged Tags ")]),
]


TOPICS = """\
Parameters:
  NoDefault: {Type: String}
  EmptyDefault: {Type: String, Default: ""}
Resources:
  Plain:
    Type: AWS::SNS::Topic
  Literal:
    Type: AWS::SNS::Topic
    Properties: {KmsMasterKeyId: "", TopicName: t}
  Defaulted:
    Type: AWS::SNS::Topic
    Properties: {KmsMasterKeyId: !Ref EmptyDefault, TopicName: !Ref NoDefault}
"""

# An empty string, written or from a parameter's default, is empty; an unresolved value is set.
EMPTY_CASES = [
    (
        {"property": "KmsMasterKeyId", "is": "empty-or-missing"},
        [(5, "Plain KmsMasterKeyId "), (9, "Literal KmsMasterKeyId "),
         (12, "Defaulted KmsMasterKeyId ")],
    ),
    ({"property": "KmsMasterKeyId", "is": "set"}, []),
    ({"property": "TopicName", "is": "set"}, [(9, "Literal TopicName "),
                                              (12, "Defaulted TopicName ")]),
    ({"property": "TopicName", "is": "empty-or-missing"}, [(5, "Plain TopicName ")]),
]  # fmt: skip


def test_every_predicate_is_tested():
    is_ = TEMPLATES["resource-property"].params["tests"].fields["is"]
    tested = {test["is"] for test, _ in PREDICATE_CASES + EMPTY_CASES}
    assert tested == set(is_.choices)


@pytest.mark.parametrize(("test", "expected"), EMPTY_CASES)
def test_resource_property_empty_strings(tmp_path, test, expected):
    params = {"types": ["AWS::SNS::Topic"], "tests": [{"message": MESSAGE, **test}]}
    assert shown(findings(tmp_path, "resource-property", params, TOPICS)) == expected


@pytest.mark.parametrize(("test", "expected"), PREDICATE_CASES)
def test_resource_property_catches_what_each_test_says(tmp_path, test, expected):
    # An unresolved value (Unflagged's AccessControl) is never reported; both Fn::If branches
    # are (Unflagged's ObjectLockEnabled may be true and may be false).
    params = {"types": ["AWS::S3::Bucket"], "tests": [{"message": MESSAGE, **test}]}
    assert shown(findings(tmp_path, "resource-property", params, BUCKETS)) == expected


def test_resource_property_follows_maps_behind_fn_if(tmp_path):
    text = """\
Parameters:
  Stage: {Type: String}
Resources:
  Literal:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig: {AuthType: NONE}
  Conditional:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig: !If [Always, {AuthType: NONE}, {AuthType: AWS_IAM}]
  RuledOut:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig: !If [Never, {AuthType: NONE}, {AuthType: AWS_IAM}]
  InDev:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig: !If [Dev, {AuthType: NONE}, !Ref AWS::NoValue]
  Unknown:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig: !ImportValue UrlConfig
Conditions:
  Always: !Equals [a, a]
  Never: !Equals [a, b]
  Dev: !Equals [!Ref Stage, dev]
"""
    params = one_test(
        ["AWS::Serverless::Function"],
        "one-of",
        values=["NONE"],
        property="FunctionUrlConfig.AuthType",
    )
    assert shown(findings(tmp_path, "resource-property", params, text)) == [
        (7, "Literal FunctionUrlConfig.AuthType NONE"),
        (11, "Conditional FunctionUrlConfig.AuthType NONE"),
        (19, "InDev FunctionUrlConfig.AuthType NONE"),
    ]


def test_resource_property_types_unless_severity_and_properties(tmp_path):
    text = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
  KeyedQueue:
    Type: AWS::SQS::Queue
    Properties: {KmsMasterKeyId: alias/q}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {DisplayName: t}
  FifoTopic:
    Type: AWS::SNS::Topic
    Properties: {FifoTopic: true}
"""
    params = {
        "types": ["AWS::SQS::Queue", "AWS::SNS::Topic"],
        "unless": [{"property": "KmsMasterKeyId", "is": "present"}],
        "tests": [
            {"types": ["AWS::SQS::Queue"], "is": "present", "message": "queue {logical_id}"},
            {
                "types": ["AWS::SNS::Topic"],
                "property": "DisplayName",
                "is": "missing",
                "unless": [{"property": "FifoTopic", "is": "true"}],
                "message": "topic {logical_id}",
                "severity": "low",
                "properties": {"missing": "DisplayName"},
            },
        ],
    }
    (queue,) = findings(tmp_path, "resource-property", params, text)
    assert (queue.message, queue.severity.label, queue.resource) == (
        "queue Queue",
        "medium",
        "AWS::SQS::Queue Queue",
    )
    text = text.replace("Properties: {DisplayName: t}", "Properties: {}")
    topic = [
        f for f in findings(tmp_path, "resource-property", params, text) if "topic" in f.message
    ]
    assert [(f.message, f.severity.label, f.properties) for f in topic] == [
        ("topic Topic", "low", {"logicalId": "Topic", "missing": "DisplayName"})
    ]


def test_resource_property_records_the_value_it_found(tmp_path):
    params = one_test(
        ["AWS::S3::Bucket"],
        "one-of",
        property="AccessControl",
        values=["PublicRead"],
        value_property="acl",
        message="{value}",
    )
    (finding,) = findings(tmp_path, "resource-property", params, BUCKETS)
    assert finding.properties == {"logicalId": "Flagged", "acl": "PublicRead"}


GROUP = """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 20, ToPort: 23, CidrIp: 0.0.0.0/0}
        - {IpProtocol: udp, FromPort: 22, ToPort: 22, CidrIpv6: "::/0"}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
        - {IpProtocol: "-1", CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIp: 0.0.0.0/0}
"""


def test_ingress_to_a_port_on_given_protocols(tmp_path):
    params = {"ports": [22], "protocols": ["tcp"], "allows": "SSH on {ports}", "record": "port"}
    (finding,) = findings(tmp_path, "security-group-ingress", params, GROUP)
    assert finding.region.start_line == 7
    assert finding.message == (
        "Security group rule in Group allows SSH on 22 from 0.0.0.0/0 (tcp ports 20-23): "
        "anyone on the internet can reach it."
    )
    assert finding.properties == {
        "logicalId": "Group",
        "cidr": "0.0.0.0/0",
        "protocol": "tcp",
        "port": 22,
    }
    both = findings(
        tmp_path, "security-group-ingress", {**params, "protocols": ["tcp", "udp"]}, GROUP
    )
    assert [f.region.start_line for f in both] == [7, 8]


def test_ingress_to_every_port_is_only_the_every_port_rule(tmp_path):
    params = {"every_port": True, "allows": "every port"}
    assert [
        f.region.start_line for f in findings(tmp_path, "security-group-ingress", params, GROUP)
    ] == [10, 11]
    ranges = {"ports": [80, 443], "allows": "{ports}"}
    assert not findings(tmp_path, "security-group-ingress", ranges, GROUP)


def test_ingress_ports_from_a_rule_option(tmp_path):
    params = {"ports_option": "ports", "allows": "port(s) {ports}"}
    options = {"ports": [21, 23, 8080]}
    (finding,) = findings(tmp_path, "security-group-ingress", params, GROUP, options=options)
    assert "allows port(s) 21, 23 from" in finding.message
    assert finding.properties["ports"] == [21, 23]
    chosen = findings(
        tmp_path,
        "security-group-ingress",
        params,
        GROUP,
        options=options,
        rule_options={"TST001": {"ports": [20]}},
    )
    assert [f.properties["ports"] for f in chosen] == [[20]]


@pytest.mark.parametrize(
    ("template", "params", "expected"),
    [
        (
            "resource-property",
            one_test(["T"], "maybe"),
            "tests item 1: is must be one of present, missing, true",
        ),
        ("resource-property", one_test(["T"], True), "tests item 1: is must be a string"),
        (
            "resource-property",
            one_test(["T"], "present", message="{name}"),
            "tests item 1: message may name only the fields {logical_id}, {property}, {value}",
        ),
        (
            "resource-property",
            one_test(["T"], "present", message="{value!r}"),
            "may name only the fields",
        ),
        (
            "resource-property",
            one_test(["T"], "present", message="{"),
            "tests item 1: message is not a valid text",
        ),
        (
            "resource-property",
            one_test(["T"], "present", colour="red"),
            "tests item 1 has no parameter 'colour'",
        ),
        (
            "resource-property",
            {"types": ["T"], "tests": [{"is": "present"}]},
            "tests item 1 needs message",
        ),
        (
            "resource-property",
            one_test(["T"], "present", severity="urgent"),
            "severity must be one of",
        ),
        (
            "resource-property",
            {"types": ["T"], "tests": [], "unless": [{"is": "often"}]},
            "unless item 1: is must be one of",
        ),
        (
            "resource-property",
            {"types": ["T"], "tests": ["present"]},
            "tests must be a list of maps",
        ),
        (
            "security-group-ingress",
            {"allows": "x", "protocols": ["icmp"]},
            "protocols must be one of tcp, udp",
        ),
        ("security-group-ingress", {"allows": "port {port}"}, "may name only the fields {ports}"),
        (
            "security-group-ingress",
            {"allows": "x", "ports": ["22"]},
            "ports must be a list of whole numbers",
        ),
        ("security-group-ingress", {"allows": "x", "record": "all"}, "record must be one of"),
    ],
)
def test_params_a_template_cannot_take_fail_the_pack(tmp_path, template, params, expected):
    with pytest.raises(RuleError) as caught:
        load_pack(write_pack(tmp_path, template, params))
    assert "rule TST001" in str(caught.value) and expected in str(caught.value)


def test_fields_describe_the_maps_of_a_list_only():
    with pytest.raises(TypeError, match="each map of a list of maps"):
        Param(dict, fields={"property": Param(str)})
