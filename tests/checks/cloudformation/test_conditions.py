"""Conditions known without deploying: a resource whose Condition is always false is never
created, and an Fn::If whose condition is known takes one branch; a condition that reads a
parameter can go either way (a deployment may pass any value), so both stay in play."""

from __future__ import annotations

import pytest

from guardlint.documents.cloudformation.conditions import (
    assuming,
    condition_sections,
    evaluate_conditions,
)
from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

TEMPLATE = """\
Parameters:
  Env: {Type: String, Default: dev}
Conditions:
  Never: !Equals ["true", "false"]
  Always: !Not [!Condition Never]
  NeverEither: !And [!Condition Never, !Equals [!Ref Env, prod]]
  IsProd: !Equals [!Ref Env, prod]
Resources:
  DeadBucket:
    Type: AWS::S3::Bucket
    Condition: Never
    Properties: {AccessControl: PublicReadWrite}
  DeadKey:
    Type: AWS::KMS::Key
    Condition: NeverEither
    Properties:
      KeyPolicy:
        Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "kms:*", Resource: "*"}]
  DeadQueue: {Type: AWS::SQS::Queue, Condition: Never}
  DeadTopic: {Type: AWS::SNS::Topic, Condition: Never}
  DeadPolicy:
    Type: AWS::IAM::ManagedPolicy
    Condition: Never
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
  DeadSecret:
    Type: AWS::RDS::DBInstance
    Condition: Never
    Properties: {Engine: mysql, MasterUserPassword: "Wq7-rLp2-vX9e-Tn4k"}
  ProdQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      SqsManagedSseEnabled: !If [IsProd, true, false]
  AnyQueue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: !If [IsProd, true, false]
  KnownBranch:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: !If [Never, false, true]
  KnownOtherBranch:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: !If [Always, false, true]
"""


def _ids(result, *rules):
    return {(f.rule_id, f.resource.split()[-1]) for r in rules for f in findings_of(result, r)}


def test_resources_never_created_are_not_reported_but_their_secrets_are(tmp_path):
    rules = ("CFN001", "CFN002", "CFN021", "CFN022", "IAM001", "IAM005", "CFN019")
    result = scan_text(tmp_path, TEMPLATE)
    assert _ids(result, *rules) == {
        ("CFN022", "AnyQueue"),  # a parameter decides: either branch may deploy
        # (ProdQueue exists only where IsProd: its true branch is the one deployed)
        ("CFN021", "KnownOtherBranch"),  # Always: the false branch is the one deployed
        ("CFN019", "DeadSecret"),  # the secret is written in the repository all the same
    }


@pytest.mark.parametrize(
    ("definition", "value"),
    [
        ({"Fn::Equals": ["a", "b"]}, False),
        ({"Fn::Equals": ["true", True]}, True),
        ({"Fn::Equals": [1, "1"]}, True),
        ({"Fn::Equals": [{"Ref": "Env"}, "prod"]}, None),
        ({"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}, None),
        ({"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}, True),
        ({"Fn::Or": [{"Fn::Equals": ["a", "b"]}, {"Fn::Equals": [{"Ref": "X"}, "x"]}]}, None),
        ({"Fn::Or": [{"Fn::Equals": ["a", "a"]}, {"Fn::Equals": [{"Ref": "X"}, "x"]}]}, True),
        ({"Fn::And": [{"Fn::Equals": ["a", "a"]}, {"Condition": "Loop"}]}, None),
    ],
)
def test_condition_values(definition, value):
    known = evaluate_conditions({"C": definition, "Loop": {"Condition": "Loop"}})
    assert known["C"] is value


def test_a_long_chain_of_conditions_is_read_once_each():
    # C0 needs C1 twice, C1 needs C2 twice...: read naively, 2 ** 5000 evaluations.
    count = 5000
    conditions = {
        f"C{i}": {"Fn::And": [{"Condition": f"C{i + 1}"}, {"Condition": f"C{i + 1}"}]}
        for i in range(count)
    }
    conditions[f"C{count}"] = {"Fn::Equals": ["a", "b"]}
    known = evaluate_conditions(conditions)
    assert known[f"C{count}"] is False and known[f"C{count - 1}"] is False
    assert set(known.values()) <= {False, None}  # too deep a chain to follow stays unknown


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ({"Type": "String", "AllowedValues": ["dev"]}, False),  # CloudFormation refuses prod
        ({"Type": "String", "AllowedValues": ["prod"]}, True),
        ({"Type": "Number", "AllowedValues": [1]}, False),
        ({"Type": "String", "AllowedValues": ["dev", "prod"]}, None),
        ({"Type": "String", "Default": "dev"}, None),  # a deployment may pass another value
        ({"Type": "CommaDelimitedList", "AllowedValues": ["prod"]}, None),
        ({"Type": "String", "AllowedValues": [{"Ref": "Other"}]}, None),
        ("not a parameter", None),
    ],
)
def test_a_parameter_with_one_allowed_value_is_that_value(parameter, value):
    conditions = {"Prod": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}
    assert evaluate_conditions(conditions, {"Env": parameter})["Prod"] is value
    assert evaluate_conditions(conditions)["Prod"] is None


def test_a_scenario_fixes_what_its_conditions_say_of_parameters():
    parameters = {
        "Snapshot": {"Type": "String", "Default": ""},
        "Env": {"Type": "String", "Default": "dev"},
    }
    conditions = {
        "FromSnapshot": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Snapshot"}, ""]}]},
        "NewDatabase": {"Fn::Equals": [{"Ref": "Snapshot"}, ""]},
        "IsProd": {"Fn::Equals": ["prod", {"Ref": "Env"}]},
        "ProdRestore": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "FromSnapshot"}]},
    }
    sections = condition_sections(conditions, parameters)
    known, seen = assuming(sections, parameters, {"ProdRestore": True})
    # Not "" where FromSnapshot holds: the default "" is not its value; Env is prod.
    assert "Default" not in seen["Snapshot"] and seen["Env"]["Default"] == "prod"
    assert known.get("NewDatabase") is False and known.get("IsProd") is True
    known, seen = assuming(sections, parameters, {"IsProd": False})
    assert seen["Env"] == parameters["Env"] and known.get("FromSnapshot") is None
