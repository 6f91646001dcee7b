"""Fn::ForEach loops (AWS::LanguageExtensions) expanded by the template model: generated
resources with their logical IDs, values and the lines of the loop's output template."""

from __future__ import annotations

import json

from guardlint.documents.cloudformation.for_each import MAX_GENERATED_KEYS, MAX_LOOP_DEPTH
from guardlint.documents.cloudformation.template import Template
from guardlint.parse.yaml_nodes import load_documents

LOOPS = """\
Transform: AWS::LanguageExtensions
Parameters:
  Teams: {Type: CommaDelimitedList, Default: 'data, web-ui'}
Resources:
  Fn::ForEach::Buckets:
    - Team
    - !Ref Teams
    - '&{Team}Bucket':
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub 'logs-${Team}-${AWS::Partition}'
          Tags: [{Key: team, Value: !Ref Team}]
  Plain:
    Type: AWS::SNS::Topic
"""


def template(text: str) -> Template:
    return Template(load_documents(text)[0])


def test_a_loop_generates_a_resource_for_each_item():
    loops = template(LOOPS)
    assert [logical_id for logical_id, _ in loops.resources_of()] == [
        "dataBucket",
        "webuiBucket",
        "Plain",
    ]
    assert loops.resource_type("webuiBucket") == "AWS::S3::Bucket"
    properties = loops.properties("webuiBucket")
    assert loops.resolve(properties["BucketName"]) == "logs-web-ui-aws"
    assert properties["Tags"][0]["Value"] == "web-ui"
    assert loops.is_defined("dataBucket") and not loops.is_defined("Fn::ForEach::Buckets")


def test_generated_resources_are_located_on_the_loops_lines():
    loops = template(LOOPS)
    for logical_id in ("dataBucket", "webuiBucket"):
        assert loops.resource_region(logical_id).start_line == 8
        properties = loops.properties(logical_id)
        assert properties.key_region("BucketName").start_line == 11
        assert properties.value_region("BucketName").start_line == 11
        tags = properties["Tags"]
        assert tags.item_region(0).start_line == 12
        assert tags[0].value_region("Value").start_line == 12
    assert loops.resource_region("Plain").start_line == 13


def test_nested_loops_and_loops_in_properties():
    loops = template(
        """\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Envs:
    - Env
    - [dev, prod]
    - Fn::ForEach::Apps:
        - App
        - [api, web]
        - ${App}${Env}Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub ${App}-${Env}
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Fn::ForEach::Flags:
        - Flag
        - [PubliclyAccessible]
        - ${Flag}: true
"""
    )
    assert [logical_id for logical_id, _ in loops.resources_of("AWS::SQS::Queue")] == [
        "apidevQueue",
        "webdevQueue",
        "apiprodQueue",
        "webprodQueue",
    ]
    assert loops.resolve(loops.properties("webprodQueue")["QueueName"]) == "web-prod"
    db = loops.properties("Db")
    assert db["PubliclyAccessible"] is True
    assert db.key_region("PubliclyAccessible").start_line == 19


def test_loops_that_cannot_be_expanded_are_skipped():
    loops = template(
        """\
Transform: AWS::LanguageExtensions
Parameters:
  Unknown: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::FromNowhere: [X, !Ref Unknown, {'${X}Topic': {Type: AWS::SNS::Topic}}]
  Fn::ForEach::NotAList: {X: y}
  Fn::ForEach::ShortList: [X, [a]]
  Fn::ForEach::NoMap: [X, [a], [b]]
  Fn::ForEach::BadItems:
    [X, [[a], {b: c}, !GetAtt R.Arn, ok], {'${X}Topic': {Type: AWS::SNS::Topic}}]
  Kept:
    Type: AWS::SNS::Topic
"""
    )
    assert [logical_id for logical_id, _ in loops.resources_of()] == ["okTopic", "Kept"]


def test_a_huge_collection_is_expanded_only_up_to_the_bound():
    resources = {
        "Fn::ForEach::Many": [
            "X",
            [f"i{number}" for number in range(100_000)],
            {"${X}Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "${X}"}}},
        ]
    }
    loops = template(json.dumps({"Resources": resources}))
    assert len(loops.resources) == MAX_GENERATED_KEYS


def test_loops_nest_only_to_a_bounded_depth():
    fragment: dict = {"${L0}Topic": {"Type": "AWS::SNS::Topic"}}
    for depth in range(MAX_LOOP_DEPTH + 1):
        fragment = {f"Fn::ForEach::L{depth}": [f"L{depth}", ["a"], fragment]}
    assert template(json.dumps({"Resources": fragment})).resources == {}
    fragment = fragment["Fn::ForEach::L" + str(MAX_LOOP_DEPTH)][2]
    assert list(template(json.dumps({"Resources": fragment})).resources) == ["aTopic"]


def test_a_loop_with_several_identifiers_binds_each_to_its_place_in_an_item():
    """`- [Name, Status]` over a collection of lists: each item's values, in order, are the
    identifiers' (a literal collection, or lists a parameter's value resolves to)."""
    loops = template(
        """\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - [Name, Status]
    - - [logs, Enabled]
      - [data, Suspended]
      - [short]
      - [too, many, values]
    - Bucket${Name}:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub example-${Name}-${Status}
          VersioningConfiguration: {Status: !Ref Status}
"""
    )
    assert [logical_id for logical_id, _ in loops.resources_of()] == ["Bucketlogs", "Bucketdata"]
    data = loops.properties("Bucketdata")
    assert loops.resolve(data["BucketName"]) == "example-data-Suspended"
    assert data["VersioningConfiguration"]["Status"] == "Suspended"
    assert loops.properties("Bucketlogs")["VersioningConfiguration"]["Status"] == "Enabled"
    assert loops.resource_region("Bucketdata").start_line == 9
