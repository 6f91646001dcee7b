"""The leaves of a template's resource properties (property_leaves), which CFN018 and CFN019
read: every leaf in the template's order, under its top-level property, with the name a
name/value pair gives its value."""

from __future__ import annotations

from guardlint.checks.cloudformation.property_leaves import property_leaves
from guardlint.model.documents import Document, SourceFile
from guardlint.parse.yaml_nodes import load_documents

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Conditions:
  Never: !Equals [a, b]
Globals:
  Function:
    Timeout: 30
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Condition: Never
    Properties:
      Environment:
        EnvironmentVariables:
          - {Name: DB_PASSWORD, Value: hunter2}
          - {Name: TOKEN, Type: SECRETS_MANAGER, Value: prod/token}
          - {Name: REGION, Value: !Ref AWS::Region}
      Tags:
        - {Key: team, Value: core}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Layers: [!Ref Layer, arn:aws:lambda:us-east-1:1:layer:x:1]
      Environment:
        Variables: {API_KEY: !If [Never, a, b], NESTED: {DEEP: [1, [two]]}}
"""


def leaves_of(text: str) -> list[tuple[str, object, object, str, object]]:
    (data,) = load_documents(text)
    source = SourceFile(path="template.yaml", rel_path="template.yaml", kind="structured")
    document = Document("cloudformation", "template.yaml", data, text.splitlines(), source=source)
    return [
        (resource.logical_id, top, key, name, item)
        for resource, top, container, key, name, item in property_leaves(document)
    ]


def test_every_leaf_in_order_named_by_its_pair_and_intrinsics_whole():
    assert leaves_of(TEMPLATE) == [
        # A resource never created still writes its secrets in the repository.
        ("Build", "Environment", "Name", "Name", "DB_PASSWORD"),
        ("Build", "Environment", "Value", "DB_PASSWORD", "hunter2"),
        ("Build", "Environment", "Name", "Name", "TOKEN"),
        ("Build", "Environment", "Type", "Type", "SECRETS_MANAGER"),
        # TOKEN's Value names the secret that holds it: no leaf.
        ("Build", "Environment", "Name", "Name", "REGION"),
        ("Build", "Environment", "Value", "REGION", {"Ref": "AWS::Region"}),
        ("Build", "Tags", "Key", "Key", "team"),
        ("Build", "Tags", "Value", "team", "core"),
        # SAM Globals are the function's properties too, before its own.
        ("Fn", "Timeout", "Timeout", "Timeout", 30),
        ("Fn", "Handler", "Handler", "Handler", "index.handler"),
        ("Fn", "Layers", 0, "Layers", {"Ref": "Layer"}),
        ("Fn", "Layers", 1, "Layers", "arn:aws:lambda:us-east-1:1:layer:x:1"),
        ("Fn", "Environment", "API_KEY", "API_KEY", {"Fn::If": ["Never", "a", "b"]}),
        ("Fn", "Environment", 0, "DEEP", 1),
        ("Fn", "Environment", 0, "DEEP", "two"),
    ]


def test_a_template_without_properties_has_no_leaves():
    assert leaves_of("Resources:\n  Topic: {Type: AWS::SNS::Topic}\n") == []
