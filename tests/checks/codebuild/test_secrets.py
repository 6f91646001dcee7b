"""Credentials a build can leak: plaintext variables (CBD002), exported secrets (CBD003), source
credentials (CBD008)."""

from __future__ import annotations

import json

import pytest

from guardlint.model.rules import Severity
from tests.checks.codebuild.helpers import project_variable, scan_buildspec, scan_project
from tests.conftest import findings_of, lines_of, run_scan, write_file

VARIABLES = """\
version: 0.2
env:
  variables:
    {name}: {value}
phases:
  build:
    commands: [make]
"""

LITERALS = [
    ("DB_PASSWORD", "Wq7-rLp2-vX9e-Tn4k"),
    ("API_TOKEN", "'8f3a9c2e7b1d4f6a'"),
    ("GITHUB_TOKEN", "ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu"),
    ("AWS_ACCESS_KEY_ID", "AKIA2E3RX7MQDKZ5T4WB"),
    ("AWS_SECRET_ACCESS_KEY", "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"),
    ("SLACK_HOOK_URL", "https://hooks.slack.com/services/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"),
    ("CLIENT_SECRET", "s3cr3t-v4lu3-f0r-cl13nt"),
    ("DB_PASSWORD2", "hunter2"),
    ("PASSWORD_2", "letmein"),
    ("API_KEY_1", "opensesame"),
    ("SECRET_KEY_V2", "notsosecret"),
]  # fmt: skip
STAND_INS = [
    ("DB_PASSWORD", "$DB_PASSWORD"),
    ("DB_PASSWORD", "${DB_PASSWORD}"),
    ("DB_PASSWORD", "'{{db_password}}'"),
    ("DB_PASSWORD", "'{db_password}'"),
    ("DB_PASSWORD", "<db-password>"),
    ("DB_PASSWORD", "PLACEHOLDER_PASSWORD"),
    ("DB_PASSWORD", "REPLACE_ME"),
    ("DB_PASSWORD", "changeme"),
    ("DB_PASSWORD", "your-password-here"),
    ("DB_PASSWORD", "XXXXXXXX"),
    ("DB_PASSWORD", '""'),
    ("DB_PASSWORD", '"   "'),
    ("AWS_SECRET_ACCESS_KEY", "$AWS_SECRET_ACCESS_KEY"),
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    ("DB_HOST", "db.internal.example.com"),
    ("TOKEN_TTL", "3600"),
    ("PASSWORD_FILE", "/run/secrets/db"),
    ("PASSWORD_POLICY_2", "strict"),
    ("ACCESS_KEY_ID_2", "abc123def456"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value"), LITERALS, ids=[n for n, _ in LITERALS])
def test_plaintext_secret_in_buildspec_variables(tmp_path, name, value):
    result = scan_buildspec(tmp_path, VARIABLES.format(name=name, value=value), "CBD002")
    (finding,) = findings_of(result, "CBD002")
    assert (finding.region.start_line, finding.resource) == (4, f"buildspec env {name}")
    assert finding.severity == Severity.CRITICAL


@pytest.mark.parametrize(("name", "value"), STAND_INS, ids=[v for _, v in STAND_INS])
def test_expansions_placeholders_and_other_names_do_not_fire(tmp_path, name, value):
    result = scan_buildspec(tmp_path, VARIABLES.format(name=name, value=value), "CBD002")
    assert not findings_of(result, "CBD002")


@pytest.mark.parametrize("section", ["parameter-store", "secrets-manager"])
def test_stored_secrets_never_fire(tmp_path, section):
    text = VARIABLES.replace("variables", section).format(
        name="DB_PASSWORD", value="ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu"
    )
    assert not findings_of(scan_buildspec(tmp_path, text, "CBD002"), "CBD002")


@pytest.mark.parametrize("kind", [None, "PLAINTEXT", "plaintext"])
def test_plaintext_project_variable(tmp_path, kind):
    result = scan_project(
        tmp_path, project_variable("DB_PASSWORD", "Wq7-rLp2-vX9e-Tn4k", kind), "CBD002"
    )
    (finding,) = findings_of(result, "CBD002")
    assert (finding.region.start_line, finding.severity) == (12, Severity.CRITICAL)
    assert finding.resource == "AWS::CodeBuild::Project Build"


@pytest.mark.parametrize(
    ("name", "value"), [("DB_PASSWORD", "20240611"), ("AWS_ACCESS_KEY_ID", "123")]
)
def test_a_number_written_for_a_secret_is_its_text(tmp_path, name, value):
    """CodeBuild and CloudFormation pass an unquoted number as its text: a password of digits
    is still a password, in a buildspec and in a project."""
    result = scan_buildspec(tmp_path / "spec", VARIABLES.format(name=name, value=value), "CBD002")
    (finding,) = findings_of(result, "CBD002")
    assert finding.region.start_line == 4 and value not in finding.snippet
    result = scan_project(tmp_path / "project", project_variable(name, value), "CBD002")
    (finding,) = findings_of(result, "CBD002")
    assert finding.region.start_line == 12 and value not in finding.snippet


@pytest.mark.parametrize(
    ("name", "value"),
    [("TOKEN_TTL", "3600"), ("MYSQL_ALLOW_EMPTY_PASSWORD", "1"), ("PASSWORD_RESET", "true")],
)
def test_numbers_and_flags_of_settings_do_not_fire(tmp_path, name, value):
    result = scan_buildspec(tmp_path / "spec", VARIABLES.format(name=name, value=value), "CBD002")
    assert not findings_of(result, "CBD002")
    result = scan_project(tmp_path / "project", project_variable(name, value), "CBD002")
    assert not findings_of(result, "CBD002")


@pytest.mark.parametrize("kind", ["PARAMETER_STORE", "SECRETS_MANAGER", "!Ref VariableType"])
def test_stored_or_unknown_types_never_fire(tmp_path, kind):
    parameters = "Parameters:\n  VariableType: {Type: String}\n"
    properties = project_variable("DB_PASSWORD", "Wq7-rLp2-vX9e-Tn4k", kind)
    assert not findings_of(scan_project(tmp_path, properties, "CBD002", parameters), "CBD002")


@pytest.mark.parametrize(
    "value",
    [
        "'{{resolve:secretsmanager:prod/db:SecretString:password}}'",
        "'{{resolve:ssm-secure:/prod/db/password}}'",
        "!Sub '{{resolve:secretsmanager:${Stage}/db:SecretString:password}}'",
        "!Ref DbPassword",
        # A NoEcho parameter as a Fn::Sub variable, or inside another intrinsic, is resolved
        # into the project just the same.
        "!Sub '${DbPassword}'",
        "!Sub ['${Pw}', {Pw: !Ref DbPassword}]",
        "!Join ['', [!Ref DbPassword]]",
    ],
)
def test_a_resolved_secret_in_a_plaintext_variable_is_high(tmp_path, value):
    parameters = (
        "Parameters:\n  DbPassword: {Type: String, NoEcho: true}\n  Stage: {Type: String}\n"
    )
    result = scan_project(tmp_path, project_variable("DB_PASSWORD", value), "CBD002", parameters)
    (finding,) = findings_of(result, "CBD002")
    assert (finding.region.start_line, finding.severity) == (12, Severity.HIGH)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_HOST", "'{{resolve:secretsmanager:prod/db:SecretString:host}}'"),
        ("DB_PASSWORD", "'{{resolve:ssm:/prod/db/password-name}}'"),
        ("DB_PASSWORD", "!Ref DbPassword"),
        ("STAGE", "!Ref Stage"),
    ],
)
def test_references_that_are_not_resolved_secrets(tmp_path, name, value):
    """A non-secret name, a plain SSM parameter, a parameter without NoEcho (CFN018's)."""
    parameters = "Parameters:\n  DbPassword: {Type: String}\n  Stage: {Type: String}\n"
    result = scan_project(tmp_path, project_variable(name, value), "CBD002", parameters)
    assert not findings_of(result, "CBD002")


def test_cfn019_leaves_codebuild_variables_to_cbd002(tmp_path):
    write_file(
        tmp_path,
        "template.yaml",
        "Resources:\n  Build:\n    Type: AWS::CodeBuild::Project\n    Properties:\n"
        "      Environment:\n        EnvironmentVariables:\n"
        "          - {Name: SONAR_TOKEN, Value: 7c4f9a2e8b1d6f3a0c5e9b2d7f4a1c8e6b3d0f5a}\n"
        "      Source:\n        Location: https://ci:Vr8-kQ2z-Lm5x@git.example.com/app.git\n"
        "  Credential:\n    Type: AWS::CodeBuild::SourceCredential\n"
        "    Properties: {Token: ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu}\n",
    )
    result = run_scan(tmp_path)
    assert {f.rule_id for f in result.findings} == {"CBD002", "CBD008"}


# --- CBD003 --------------------------------------------------------------------------------

EXPORTS = """\
version: 0.2
env:
  parameter-store:
    LICENSE_KEY_PATH: /app/license-path
    NEXUS_PASSWORD: /ci/nexus/password
  secrets-manager:
    SIGNING: ci/signing:key
  exported-variables:
    - {name}
phases:
  build:
    commands: [make]
"""


@pytest.mark.parametrize("name", ["NEXUS_PASSWORD", "SIGNING", "LICENSE_KEY_PATH", "DB_TOKEN"])
def test_exported_secrets(tmp_path, name):
    result = scan_buildspec(tmp_path, EXPORTS.format(name=name), "CBD003")
    (finding,) = findings_of(result, "CBD003")
    assert (finding.region.start_line, finding.resource) == (9, f"buildspec env {name}")


@pytest.mark.parametrize("name", ["IMAGE_URI", "IMAGE_TAG", "BUILD_VERSION", "TOKEN_TABLE_NAME"])
def test_non_secret_exports_do_not_fire(tmp_path, name):
    assert not findings_of(scan_buildspec(tmp_path, EXPORTS.format(name=name), "CBD003"), "CBD003")


# --- CBD008 --------------------------------------------------------------------------------

SOURCE = """\
Source:
  Type: GITHUB
  Location: {location}
"""


@pytest.mark.parametrize(
    "location",
    [
        "https://ci-bot:Vr8-kQ2z-Lm5x@git.example.com/shop.git",
        "https://x-token-auth:3xQ9mVb2Lr7tKw4z@bitbucket.org/example/shop.git",
        "https://ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu@github.com/example/shop.git",
        "https://oauth2:glpat-Qx7vK2mX9pL4rT8wN3bY@gitlab.com/example/shop.git",
        "!Sub 'https://ci:${Password}@git.example.com/shop.git'",
    ],
)
def test_credentials_in_a_source_location(tmp_path, location):
    parameters = "Parameters:\n  Password: {Type: String, Default: Vr8-kQ2z-Lm5x}\n"
    result = scan_project(tmp_path, SOURCE.format(location=location), "CBD008", parameters)
    assert lines_of(result, "CBD008") == [9]


@pytest.mark.parametrize(
    "location",
    [
        "https://github.com/example/shop.git",
        "https://ci-bot@bitbucket.org/example/shop.git",
        "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop",
        "https://${GITHUB_TOKEN}@github.com/example/shop.git",
        "https://<user>:<password>@git.example.com/shop.git",
        "s3://bucket/user:pass@key.zip",
        "!Sub 'https://${User}@bitbucket.org/example/shop.git'",  # a user name alone
        "!Sub 'https://github.com/${Token}/shop.git'",  # not in the user information
        "!Ref Token",  # a whole URL kept secret: what it holds cannot be known
        "!Sub 'https://${Host}/example/shop.git'",
    ],
)
def test_clean_or_placeholder_locations_do_not_fire(tmp_path, location):
    parameters = (
        "Parameters:\n  Token: {Type: String, NoEcho: true}\n  User: {Type: String}\n"
        "  Host: {Type: String}\n"
    )
    result = scan_project(tmp_path, SOURCE.format(location=location), "CBD008", parameters)
    assert not findings_of(result, "CBD008")


RESOLVED_CREDENTIALS = (
    "Parameters:\n  Token: {Type: String, NoEcho: true}\n  Password: {Type: String}\n"
)


@pytest.mark.parametrize(
    "location",
    [
        "!Sub 'https://${Token}@github.com/example/shop.git'",
        "!Sub 'https://ci:${Token}@git.example.com/shop.git'",
        "!Sub ['https://oauth2:${T}@gitlab.com/example/shop.git', {T: !Ref Token}]",
        "!Join ['', ['https://x-token-auth:', !Ref Token, '@bitbucket.org/example/shop.git']]",
        "'https://x-token-auth:{{resolve:secretsmanager:ci/bitbucket:SecretString:token}}"
        "@bitbucket.org/example/shop.git'",
        "!Sub 'https://ci:{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:"
        "123456789012:secret:ci/git-AbCdEf}}@git.example.com/shop.git'",
        "!Sub 'https://ci:${Password}@git.example.com/shop.git'",  # a password set at deployment
    ],
)
def test_credentials_cloudformation_resolves_into_a_location(tmp_path, location):
    """CloudFormation writes the resolved secret into the project's source location, which
    the console and BatchGetProjects show (Security Hub CodeBuild.1 checks the deployed URL)."""
    properties = SOURCE.format(location=location)
    result = scan_project(tmp_path, properties, "CBD008", RESOLVED_CREDENTIALS)
    (finding,) = findings_of(result, "CBD008")
    assert (finding.region.start_line, finding.severity) == (9, Severity.HIGH)
    assert "location URL (" in finding.message


@pytest.mark.parametrize(
    ("resource", "fires"),
    [
        ("b7Fq2Lx9Zm4Vt1Wc8Nk3", True),
        ("arn:aws:codeconnections:eu-west-1:123456789012:connection/1f2e3d4c", False),
        ("'{{resolve:secretsmanager:ci/github:SecretString:token}}'", False),
        ("!Ref OAuthToken", False),
        ("<oauth-token>", False),
    ],
)
def test_source_auth_resource(tmp_path, resource, fires):
    parameters = "Parameters:\n  OAuthToken: {Type: String, NoEcho: true}\n"
    properties = SOURCE.format(location="https://github.com/example/shop.git") + (
        f"  Auth:\n    Type: OAUTH\n    Resource: {resource}\n"
    )
    result = scan_project(tmp_path, properties, "CBD008", parameters)
    assert lines_of(result, "CBD008") == ([12] if fires else [])


@pytest.mark.parametrize(
    ("kind", "resource", "fires"),
    [
        ("SECRETS_MANAGER", "ci/github-token", False),
        ("secrets_manager", "github-pat", False),
        ("CODECONNECTIONS", "github-connection", False),
        ("OAUTH", "b7Fq2Lx9Zm4Vt1Wc8Nk3", True),
        ("!Ref AuthType", "b7Fq2Lx9Zm4Vt1Wc8Nk3", True),  # OAUTH one way or the other
    ],
)
def test_source_auth_resource_that_names_where_the_credential_is(tmp_path, kind, resource, fires):
    """With Type SECRETS_MANAGER or CODECONNECTIONS the Resource names the secret or the
    connection that holds the credential, never the credential itself."""
    parameters = (
        "Parameters:\n  AuthType:\n    Type: String\n"
        "    AllowedValues: [OAUTH, SECRETS_MANAGER]\n    Default: OAUTH\n"
    )
    properties = SOURCE.format(location="https://github.com/example/shop.git") + (
        f"  Auth:\n    Type: {kind}\n    Resource: {resource}\n"
    )
    result = scan_project(tmp_path, properties, "CBD008", parameters)
    assert lines_of(result, "CBD008") == ([12] if fires else [])


@pytest.mark.parametrize(
    ("token", "fires"),
    [
        ("ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu", True),
        ("!Ref PlainToken", True),  # a parameter's Default is a literal in the template
        ("!Ref SecretToken", False),
        ("!Ref DefaultedSecretToken", False),
        ("!Sub '${DefaultedSecretToken}'", False),  # a NoEcho parameter however referenced
        ("'{{resolve:secretsmanager:ci/github:SecretString:token}}'", False),
        ("!Ref UnsetToken", False),
        ("!Ref StoredToken", False),  # the Default names an SSM parameter
    ],
)
def test_source_credential_token(tmp_path, token, fires):
    text = (
        "Parameters:\n  SecretToken: {Type: String, NoEcho: true}\n"
        "  DefaultedSecretToken: {Type: String, NoEcho: true, Default: Tq8-Zr4m-Lx2v-Wc7n}\n"
        "  PlainToken: {Type: String, Default: ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu}\n"
        "  UnsetToken: {Type: String}\n"
        "  StoredToken: {Type: 'AWS::SSM::Parameter::Value<String>', Default: ci-gh-token}\n"
        "Resources:\n  Credential:\n    Type: AWS::CodeBuild::SourceCredential\n"
        f"    Properties:\n      ServerType: GITHUB\n      Token: {token}\n"
    )
    write_file(tmp_path, "template.yaml", text)
    result = run_scan(tmp_path, only_rules={"CBD008"})
    assert lines_of(result, "CBD008") == ([12] if fires else [])


def test_create_project_json_location(tmp_path):
    project = {
        "name": "shop",
        "source": {"type": "GITHUB", "location": "https://ci:Vr8-kQ2z-Lm5x@git.example.com/s.git"},
        "environment": {"computeType": "BUILD_GENERAL1_SMALL"},
        "artifacts": {"type": "NO_ARTIFACTS"},
    }
    write_file(tmp_path, "project.json", json.dumps(project, indent=2))
    (finding,) = findings_of(run_scan(tmp_path, only_rules={"CBD008"}), "CBD008")
    assert (finding.region.start_line, finding.resource) == (5, "codebuild project shop")
