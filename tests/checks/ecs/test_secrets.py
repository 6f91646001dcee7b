"""ECS007 (checks/ecs/secrets.py): credentials in a container definition, with the shared secret
machinery (name heuristic, detect-secrets, placeholders, redaction)."""

from __future__ import annotations

import json

import pytest

from guardlint.model.rules import Severity
from tests.checks.ecs import BOTH_INPUTS, container, found, scan_text, task, template_of
from tests.conftest import findings_of, lines_of, report_text, run_scan, write_file

PASSWORD = "Vq7wLp2xRt9kNm4z"
GITHUB_TOKEN = "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"
SLACK_TOKEN = "xoxb-2291843651-4418276542-Zq8WnX3kLp5VtR7yB2mC9dFh"


def _environment(*pairs: tuple[str, str]) -> dict:
    return task(container(environment=[{"name": n, "value": v} for n, v in pairs]))


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("name", "value"),
    [("DB_PASSWORD", PASSWORD), ("API_TOKEN", "f3a9c2e17b4d8e6a"),
     ("STRIPE_SECRET", "abc123def456"), ("GH", GITHUB_TOKEN),
     ("AWS_ACCESS_KEY_ID", "myaccesskeyid1"), ("AWS_SECRET_ACCESS_KEY", "plainvalue"),
     ("AWS_SESSION_TOKEN", "token-value"),
     ("ECS_ENGINE_AUTH_DATA", '{"registry": {"username": "u", "password": "p"}}'),
     ("DB_PASSWORD2", "hunter2"), ("API_KEY_1", "opensesame"), ("SECRET_KEY_V2", "notsosecret")],
)  # fmt: skip
def test_environment_catches_credentials(tmp_path, scan, name, value):
    (finding,) = found(scan, tmp_path, _environment(("LOG_LEVEL", "info"), (name, value)), "ECS007")
    assert finding.severity == Severity.CRITICAL and finding.properties["variable"] == name
    assert value not in finding.message and value not in finding.snippet


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("name", "value"),
    [("DB_PASSWORD", "changeme"), ("DB_PASSWORD", "${DB_PASSWORD}"), ("DB_PASSWORD", "<password>"),
     ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"), ("API_KEY", "API_KEY_VALUE"),
     ("AWS_SECRET_ACCESS_KEY", "$AWS_SECRET_ACCESS_KEY"), ("AWS_ACCESS_KEY_ID", "REPLACE_ME"),
     ("PASSWORD_FILE", "/run/secrets/db"), ("TOKEN_TTL", "3600"), ("DB_HOST", "db.internal"),
     ("SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"),
     ("PASSWORD_POLICY_2", "strict"), ("ACCESS_KEY_ID_2", "abc123def456"),
     # a secret's name in Secrets Manager that the application fetches itself
     ("DB_SECRET", "prod/db-credentials"), ("NPM_TOKEN_SECRET", "ci/npm")],
)  # fmt: skip
def test_environment_doesnt_catch_placeholders_or_non_secret_names(tmp_path, scan, name, value):
    assert not found(scan, tmp_path, _environment((name, value)), "ECS007")


@BOTH_INPUTS
@pytest.mark.parametrize(("name", "value"), [("DB_PASSWORD", 20240611), ("REDIS_PASSWORD", 987654)])
def test_a_number_written_for_a_secret_is_its_text(tmp_path, scan, name, value):
    """CloudFormation passes a number written for an environment Value as its text, so a
    password of digits is still a password; what the snippet shows of it is redacted."""
    (finding,) = found(scan, tmp_path, _environment((name, value)), "ECS007")
    assert finding.properties["variable"] == name and str(value) not in finding.snippet


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("name", "value"), [("TOKEN_TTL", 3600), ("MYSQL_ALLOW_EMPTY_PASSWORD", 1),
                        ("PASSWORD_RESET_ENABLED", True), ("SECRET_ROTATION_DAYS", 30)],
)  # fmt: skip
def test_numbers_and_flags_of_settings_dont_catch(tmp_path, scan, name, value):
    assert not found(scan, tmp_path, _environment((name, value)), "ECS007")


@BOTH_INPUTS
def test_references_never_catch(tmp_path, scan):
    definition = task(
        container(
            secrets=[{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/db"}],
            environmentFiles=[{"value": "arn:aws:s3:::bucket/app.env", "type": "s3"}],
            logConfiguration={
                "logDriver": "splunk",
                "options": {"splunk-url": "https://splunk.example.com"},
                "secretOptions": [{"name": "splunk-token", "valueFrom": "arn:aws:ssm:x"}],
            },
        )
    )
    assert not found(scan, tmp_path, definition, "ECS007")


@BOTH_INPUTS
@pytest.mark.parametrize(
    "option", ["apikey", "api_key", "token", "password", "passwd", "HTTP_Passwd", "Cloud_Auth",
               "splunk-token", "license_key", "dd_api_key", "licenseKey", "LicenseKey",
               "License-Key"],
)  # fmt: skip
def test_log_options_named_like_a_credential_catch(tmp_path, scan, option):
    log = {"logDriver": "awsfirelens", "options": {"Name": "es", option: "k3y-v4lue-9f8e7d"}}
    (finding,) = found(scan, tmp_path, task(container(logConfiguration=log)), "ECS007")
    assert finding.properties["option"] == option


@BOTH_INPUTS
def test_a_number_written_for_a_log_option_secret_is_its_text(tmp_path, scan):
    log = {"logDriver": "awsfirelens", "options": {"Name": "es", "HTTP_Passwd": 20240611}}
    (finding,) = found(scan, tmp_path, task(container(logConfiguration=log)), "ECS007")
    assert finding.properties["option"] == "HTTP_Passwd" and "20240611" not in finding.snippet


@BOTH_INPUTS
def test_log_options_with_placeholders_or_plain_names_dont_catch(tmp_path, scan):
    options = {"Name": "es", "apikey": "${DD_API_KEY}", "AWS_Auth": "On", "Host": "es.local",
               "Cloud_Auth": "<CLOUD_AUTH>"}  # fmt: skip
    log = {"logDriver": "awsfirelens", "options": options}
    assert not found(scan, tmp_path, task(container(logConfiguration=log)), "ECS007")


@BOTH_INPUTS
@pytest.mark.parametrize("header", ["X-API-KEY k3y-v4lue-9f8e7d", "DD-API-KEY  k3y-v4lue-9f8e7d"])
def test_a_credential_header_of_the_http_output_catches(tmp_path, scan, header):
    """Fluent Bit's http output takes `Header <name> <value>`: Datadog's and others' keys."""
    log = {"logDriver": "awsfirelens", "options": {"Name": "http", "Header": header}}
    (finding,) = found(scan, tmp_path, task(container(logConfiguration=log)), "ECS007")
    assert finding.properties["option"] == "Header"
    assert "k3y-v4lue-9f8e7d" not in finding.message


@BOTH_INPUTS
@pytest.mark.parametrize(
    "header", ["Content-Type application/json", "X-API-KEY ${DD_API_KEY}", "X-API-KEY", ""]
)
def test_other_headers_of_the_http_output_dont_catch(tmp_path, scan, header):
    log = {"logDriver": "awsfirelens", "options": {"Name": "http", "Header": header}}
    assert not found(scan, tmp_path, task(container(logConfiguration=log)), "ECS007")


@BOTH_INPUTS
def test_detect_secrets_hits_anywhere_in_the_container(tmp_path, scan):
    definition = task(
        container(
            command=["sh", "-c", f"git clone https://x:{GITHUB_TOKEN}@github.com/o/r"],
            dockerLabels={"deploy.note": f"token {SLACK_TOKEN}"},
        )
    )
    findings = found(scan, tmp_path, definition, "ECS007")
    assert len(findings) == 2
    assert {f.properties["setting"].lower() for f in findings} == {"command", "dockerlabels"}


@BOTH_INPUTS
def test_an_exec_form_command_is_read_as_one_command_line(tmp_path, scan):
    """`entryPoint` and `command` spread a command line over words: the password is found at
    the word that holds it; one given as a variable is not."""
    definition = task(
        container("db", command=["mysql", "-uroot", f"-p{PASSWORD}", "-e", "select 1"]),
        container("curl", entryPoint=["curl"], command=["-u", f"deploy:{PASSWORD}x", "https://x"]),
        container("quiet", command=["mysql", "-uroot", "-p$MYSQL_ROOT_PASSWORD"]),
        container(
            "probed",
            healthCheck={"command": ["CMD", "mysqladmin", "ping", "-uroot", f"-p{PASSWORD}y"]},
        ),
    )
    findings = found(scan, tmp_path, definition, "ECS007")
    assert sorted(f.resource.rsplit(" ", 1)[-1] for f in findings) == ["curl", "db", "probed"]
    assert all(PASSWORD not in f.snippet + f.message for f in findings)


def test_dynamic_references_and_noecho_parameters_are_high(tmp_path):
    text = """Parameters:
  DbPassword: {Type: String, NoEcho: true}
  Plain: {Type: String, Default: info}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: api
          Image: example/api:3.2
          Environment:
            - {Name: DB_PASSWORD, Value: !Ref DbPassword}
            - {Name: CONN, Value: !Sub "postgres://app:${DbPassword}@db/app"}
            - {Name: KEY, Value: "{{resolve:secretsmanager:prod/api:SecretString:key}}"}
            - {Name: TOKEN, Value: !Sub "{{resolve:ssm-secure:/prod/token}}"}
            - {Name: LEVEL, Value: !Ref Plain}
            - {Name: FLAGS, Value: "{{resolve:ssm:/prod/flags}}"}
"""
    findings = findings_of(scan_text(tmp_path, "template.yaml", text, "ECS007"), "ECS007")
    assert [(f.region.start_line, f.severity) for f in findings] == [
        (12, Severity.HIGH), (13, Severity.HIGH), (14, Severity.HIGH), (15, Severity.HIGH)
    ]  # fmt: skip
    assert "NoEcho parameter DbPassword" in findings[0].message
    assert "Secrets Manager" in findings[2].message and "SSM SecureString" in findings[3].message


def test_values_resolved_from_parameter_defaults_and_conditions_catch(tmp_path):
    """A template's values go through CloudFormation resolution: a Ref to a parameter whose
    Default is the credential, a Fn::Sub of it, or an Fn::If branch, hard-codes it too."""
    text = f"""Parameters:
  DbPass: {{Type: String, Default: {PASSWORD}}}
  Placeholder: {{Type: String, Default: changeme}}
  Level: {{Type: String, Default: info}}
Conditions:
  Prod: !Equals [!Ref Level, debug]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: api
          Image: example/api:3.2
          Environment:
            - {{Name: DB_PASSWORD, Value: !Ref DbPass}}
            - {{Name: API_TOKEN, Value: !If [Prod, "{GITHUB_TOKEN}", "<token>"]}}
            - {{Name: ADMIN_PASSWORD, Value: !Sub "${{DbPass}}"}}
            - {{Name: OTHER_PASSWORD, Value: !Ref Placeholder}}
            - {{Name: LOG_LEVEL, Value: !Ref Level}}
          LogConfiguration:
            LogDriver: splunk
            Options:
              splunk-token: !Ref DbPass
              splunk-url: !Ref Level
"""
    result = scan_text(tmp_path, "template.yaml", text, "ECS007")
    findings = findings_of(result, "ECS007")
    assert [(f.region.start_line, f.severity) for f in findings] == [
        (15, Severity.CRITICAL), (16, Severity.CRITICAL), (17, Severity.CRITICAL),
        (23, Severity.CRITICAL),
    ]  # fmt: skip
    report = report_text("json", result)
    assert PASSWORD not in report and GITHUB_TOKEN not in report


def test_log_options_resolved_from_a_secret_store_are_high(tmp_path):
    """A log option's value is resolved into the task definition like an environment value:
    from Secrets Manager, an SSM SecureString or a NoEcho parameter (even with a Default), it
    is stored there in plaintext; it belongs in secretOptions."""
    text = """Parameters:
  SplunkToken: {Type: String, NoEcho: true, Default: Vq7wLp2xRt9kNm4z}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: api
          Image: example/api:3.2
          LogConfiguration:
            LogDriver: splunk
            Options:
              splunk-token: !Ref SplunkToken
              splunk-url: https://splunk.example.com:8088
        - Name: worker
          Image: example/worker:3.2
          LogConfiguration:
            LogDriver: awsfirelens
            Options:
              Name: datadog
              apikey: "{{resolve:secretsmanager:prod/datadog:SecretString:key}}"
              Host: "{{resolve:ssm:/prod/datadog/host}}"
"""
    findings = findings_of(scan_text(tmp_path, "template.yaml", text, "ECS007"), "ECS007")
    assert [(f.region.start_line, f.severity) for f in findings] == [
        (13, Severity.HIGH), (21, Severity.HIGH)
    ]  # fmt: skip
    assert "NoEcho parameter SplunkToken" in findings[0].message
    assert "Secrets Manager" in findings[1].message


def test_line_of_the_value_key(tmp_path):
    text = """{
  "family": "api",
  "containerDefinitions": [{
    "name": "api",
    "image": "example/api:3.2",
    "environment": [
      {"name": "DB_PASSWORD",
       "value": "Vq7wLp2xRt9kNm4z"}
    ]
  }]
}
"""
    assert lines_of(scan_text(tmp_path, "taskdef.json", text, "ECS007"), "ECS007") == [8]


@pytest.mark.parametrize("output", ["json", "sarif", "text", "asff", "markdown"])
def test_the_secret_is_in_no_report(tmp_path, output):
    definition = _environment(("DB_PASSWORD", PASSWORD), ("GH", GITHUB_TOKEN))
    write_file(tmp_path, "cfn/template.yaml", template_of(definition))
    write_file(tmp_path, "taskdef.json", json.dumps(definition, indent=2))
    result = run_scan(tmp_path)
    assert len(findings_of(result, "ECS007")) == 4
    assert not findings_of(result, "SEC001")  # the pack's own finding stands for the line
    report = report_text(output, result)
    assert PASSWORD not in report and GITHUB_TOKEN not in report
