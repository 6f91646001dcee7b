"""CBD002 on the variables a CodePipeline CodeBuild action gives its builds: its
`Configuration.EnvironmentVariables` JSON text (a string, a `!Sub`, or a Fn::Join as the CDK
writes it) is read like a project's EnvironmentVariables, with the same verdicts."""

from __future__ import annotations

import json

import pytest

from guardlint.model.rules import Severity
from tests.conftest import findings_of, run_scan, write_file

HEAD = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword: {Type: String, NoEcho: true}
  Region: {Type: String, Default: eu-west-1}
Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/pipeline
      ArtifactStore: {Type: S3, Location: artifacts}
      Stages:
        - Name: Build
          Actions:
            - Name: Compile
              ActionTypeId: {Category: CATEGORY, Owner: AWS, Provider: PROVIDER, Version: "1"}
              InputArtifacts: [{Name: src}]
              Configuration:
                ProjectName: shop
                EnvironmentVariables: VARIABLES
"""  # EnvironmentVariables is on line 19
LINE = 19
LABEL = "AWS::CodePipeline::Pipeline Pipeline stage Build action Compile"
PASSWORD = "Tr0ub4dor-and-3"


def _text(*variables: dict) -> str:
    """The variables as the single-quoted JSON text a template writes."""
    return "'" + json.dumps(list(variables)).replace("'", "''") + "'"


def _scan(tmp_path, variables: str, category: str = "Build", provider: str = "CodeBuild"):
    text = HEAD.replace("CATEGORY", category).replace("PROVIDER", provider)
    text = text.replace("VARIABLES", variables)
    write_file(tmp_path, "template.yaml", text)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001") and not findings_of(result, "GL002")
    return [(f.region.start_line, f.severity, f.resource) for f in findings_of(result, "CBD002")]


@pytest.mark.parametrize("category", ["Build", "Test"])
@pytest.mark.parametrize("kind", [{"type": "PLAINTEXT"}, {}, {"type": "plaintext"}])
def test_a_plaintext_secret_in_a_codebuild_action(tmp_path, category, kind):
    variables = _text({"name": "DB_PASSWORD", "value": PASSWORD, **kind})
    found = _scan(tmp_path, variables, category)
    assert found == [(LINE, Severity.CRITICAL, LABEL)]


def test_a_known_credential_format_under_any_name(tmp_path):
    token = "ghp_R4nd0mT0k3nV4lu3xQ9zW2pL7mK3jH8gF5dS1"
    assert _scan(tmp_path, _text({"name": "GH", "value": token})) == [
        (LINE, Severity.CRITICAL, LABEL)
    ]


@pytest.mark.parametrize(
    "variable",
    [
        {"name": "DB_PASSWORD", "value": "prod/db:password", "type": "SECRETS_MANAGER"},
        {"name": "DB_PASSWORD", "value": "/prod/db/password", "type": "PARAMETER_STORE"},
        {"name": "DB_PASSWORD", "value": "changeme"},
        {"name": "DB_PASSWORD", "value": "<password>", "type": "PLAINTEXT"},
        {"name": "DB_PASSWORD", "value": "$DB_PASSWORD"},
        {"name": "STAGE", "value": "prod"},
    ],
)
def test_stored_types_placeholders_and_plain_settings_are_not_reported(tmp_path, variable):
    assert _scan(tmp_path, _text(variable)) == []


def test_only_codebuild_actions_are_read(tmp_path):
    variables = _text({"name": "DB_PASSWORD", "value": PASSWORD})
    assert _scan(tmp_path, variables, provider="Jenkins") == []
    assert _scan(tmp_path, variables, category="Deploy") == []


@pytest.mark.parametrize(
    "variables",
    ['\'[{"name": "DB_PASSWORD", \'', "'not json'", '\'{"name": "DB_PASSWORD"}\'', "42"],
)
def test_a_text_that_is_no_list_of_variables_is_not_read(tmp_path, variables):
    assert _scan(tmp_path, variables) == []


def test_a_sub_text_is_read_as_deployed(tmp_path):
    """A `!Sub |` block keeps its lines: a NoEcho parameter and a secret dynamic reference are
    high where they are written, a parameter's Default is read as the value."""
    variables = (
        "!Sub |\n"
        '                  [{"name": "DB_PASSWORD", "value": "${DbPassword}"},\n'
        '                   {"name": "API_TOKEN",\n'
        '                    "value": "{{resolve:secretsmanager:prod/api:SecretString:t}}"},\n'
        '                   {"name": "AWS_REGION", "value": "${Region}"}]'
    )
    found = _scan(tmp_path, variables)
    assert found == [(LINE + 1, Severity.HIGH, LABEL), (LINE + 3, Severity.HIGH, LABEL)]


def test_a_join_around_a_noecho_parameter_as_the_cdk_writes_it(tmp_path):
    variables = (
        '{"Fn::Join": ["", [\'[{"name":"DB_PASSWORD","type":"PLAINTEXT","value":"\', '
        "{Ref: DbPassword}, '\"}]']]}"
    )
    assert _scan(tmp_path, variables) == [(LINE, Severity.HIGH, LABEL)]


def test_a_join_of_literals_and_a_parameter_default(tmp_path):
    variables = (
        '{"Fn::Join": ["", [\'[{"name":"DB_PASSWORD","value":"\', '
        f'\'{PASSWORD}\', \'"}},{{"name":"AWS_REGION","value":"\', {{Ref: Region}}, '
        "'\"}]']]}"
    )
    assert _scan(tmp_path, variables) == [(LINE, Severity.CRITICAL, LABEL)]


def test_a_synthesized_cdk_template(tmp_path):
    """The CDK writes the list as one JSON string in a JSON template; the finding names the
    action's pipeline by its construct path."""
    template = {
        "Resources": {
            "PipelineC660917D": {
                "Type": "AWS::CodePipeline::Pipeline",
                "Properties": {
                    "RoleArn": "arn:aws:iam::123456789012:role/pipeline",
                    "Stages": [
                        {
                            "Name": "Build",
                            "Actions": [
                                {
                                    "Name": "Compile",
                                    "ActionTypeId": {
                                        "Category": "Build",
                                        "Owner": "AWS",
                                        "Provider": "CodeBuild",
                                        "Version": "1",
                                    },
                                    "Configuration": {
                                        "ProjectName": "shop",
                                        "EnvironmentVariables": json.dumps(
                                            [
                                                {
                                                    "name": "DB_PASSWORD",
                                                    "type": "PLAINTEXT",
                                                    "value": PASSWORD,
                                                }
                                            ]
                                        ),
                                    },
                                }
                            ],
                        }
                    ],
                },
                "Metadata": {"aws:cdk:path": "ShopStack/Pipeline/Resource"},
            }
        }
    }
    write_file(tmp_path, "ShopStack.template.json", json.dumps(template, indent=1))
    result = run_scan(tmp_path)
    found = findings_of(result, "CBD002")
    assert [(f.severity, f.resource) for f in found] == [
        (
            Severity.CRITICAL,
            "AWS::CodePipeline::Pipeline ShopStack/Pipeline/Resource (PipelineC660917D) "
            "stage Build action Compile",
        )
    ]
    assert PASSWORD not in found[0].snippet and PASSWORD not in found[0].message


@pytest.mark.parametrize(
    ("variable", "found"),
    [
        ({"name": "GIT_SSL_NO_VERIFY", "value": "true"}, 1),
        ({"name": "PYTHONHTTPSVERIFY", "value": "1"}, 0),
    ],
)
def test_cbd005_reads_the_variables_an_action_overrides(tmp_path, variable, found):
    """A TLS switch among them turns certificate checks off in the builds the action starts."""
    text = HEAD.replace("CATEGORY", "Build").replace("PROVIDER", "CodeBuild")
    write_file(tmp_path, "template.yaml", text.replace("VARIABLES", _text(variable)))
    result = run_scan(tmp_path)
    assert [f.resource for f in findings_of(result, "CBD005")] == [LABEL] * found
