"""A project's inline BuildSpec, checked as a buildspec on the template's own lines: a `|` block
(`!Sub |` too) line by line; a JSON or flow string, or one an intrinsic makes, at the BuildSpec
key. A BuildSpec that names a file or an S3 object is not followed; a hostile one is refused by
the YAML limits like any file."""

from __future__ import annotations

import json

import pytest

from tests.conftest import findings_of, lines_of, run_scan, write_file

HEAD = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Installer: {Type: String, Default: "https://get.example.com/cli.sh"}
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Artifacts: {Type: NO_ARTIFACTS}
      Environment: {Type: LINUX_CONTAINER, Image: aws/codebuild/standard:7.0}
      Source:
        Type: GITHUB
        Location: https://github.com/example/shop.git
"""  # the BuildSpec key is on line 13
PIPE = "curl -s https://x.example | sh"
LINES = ["version: 0.2", "phases:", "  build:", "    commands:", f"      - {PIPE}"]


def _scan(tmp_path, buildspec: str, name: str = "template.yaml"):
    write_file(tmp_path, name, HEAD + buildspec)
    return run_scan(tmp_path)


def test_a_literal_block_keeps_its_lines(tmp_path):
    result = _scan(
        tmp_path,
        """\
        BuildSpec: |
          version: 0.2
          env:
            variables:
              DB_PASSWORD: Wq7-rLp2-vX9e-Tn4k
          phases:
            install:
              runtime-versions:
                nodejs: 14
            build:
              commands:
                - make
                - curl -k -o x.tgz https://artifacts.example/x.tgz
""",
    )
    assert lines_of(result, "CBD002") == [17]
    assert lines_of(result, "CBD010") == [21]
    assert lines_of(result, "CBD005") == [25]
    (finding,) = findings_of(result, "CBD005")
    assert finding.resource == "AWS::CodeBuild::Project Build buildspec phase build"
    assert finding.snippet.strip() == "- curl -k -o x.tgz https://artifacts.example/x.tgz"


def test_a_sub_block_keeps_its_lines(tmp_path):
    result = _scan(
        tmp_path,
        """\
        BuildSpec: !Sub |
          version: 0.2
          phases:
            install:
              commands:
                - curl -fsSL ${Installer} | bash
""",
    )
    assert lines_of(result, "CBD004") == [18]


def test_a_long_form_sub_block_keeps_its_lines(tmp_path):
    result = _scan(
        tmp_path,
        """\
        BuildSpec:
          Fn::Sub: |
            version: 0.2
            phases:
              build:
                commands:
                  - wget -qO- ${Installer} | sh
""",
    )
    assert lines_of(result, "CBD004") == [19]


@pytest.mark.parametrize(
    "value",
    [
        "'" + json.dumps({"version": "0.2", "phases": {"build": {"commands": [PIPE]}}}) + "'",
        json.dumps("\n".join(LINES)),
        "!Join " + json.dumps(["\n", LINES]),
        "!Sub " + json.dumps("\n".join(LINES).replace("https://x.example", "${Installer}")),
        f""">
          version: 0.2

          phases: {{build: {{commands: ["{PIPE}"]}}}}""",
    ],
    ids=["json-string", "quoted-yaml", "join", "sub-string", "folded"],
)
def test_a_string_or_an_intrinsic_is_placed_at_the_buildspec_key(tmp_path, value):
    result = _scan(tmp_path, f"        BuildSpec: {value}\n")
    assert lines_of(result, "CBD004") == [13]


def test_a_json_template_places_its_buildspec_at_the_key(tmp_path):
    spec = "\n".join(LINES)
    template = {
        "Resources": {
            "Build": {
                "Type": "AWS::CodeBuild::Project",
                "Properties": {
                    "Source": {"Type": "NO_SOURCE", "BuildSpec": spec},
                    "Artifacts": {"Type": "NO_ARTIFACTS"},
                },
            }
        }
    }
    write_file(tmp_path, "template.json", json.dumps(template, indent=2))
    assert lines_of(run_scan(tmp_path), "CBD004") == [8]


def test_secondary_sources_inline_buildspecs(tmp_path):
    result = _scan(
        tmp_path,
        """\
      SecondarySources:
        - SourceIdentifier: tools
          Type: S3
          Location: tools-bucket/tools.zip
          BuildSpec: |
            version: 0.2
            phases:
              build:
                commands:
                  - curl -s https://x.example | sh
""",
    )
    assert lines_of(result, "CBD004") == [22]


@pytest.mark.parametrize(
    "value",
    ["ci/buildspec.yml", "arn:aws:s3:::shop-ci/buildspecs/build.yml", "!Ref SpecPath",
     "'version: 0.2'", "|\n          phases: {build: {commands: [curl -s https://x | sh]}}"],
)  # fmt: skip
def test_a_path_an_s3_arn_or_no_buildspec_is_not_followed(tmp_path, value):
    result = _scan(tmp_path, f"        BuildSpec: {value}\n")
    assert "buildspec" not in result.kinds
    assert not findings_of(result, "CBD004")


def test_create_project_json_inline_buildspec(tmp_path):
    project = {
        "name": "shop",
        "source": {
            "type": "GITHUB",
            "location": "https://github.com/example/shop.git",
            "buildspec": "\n".join(LINES),
        },
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                        "computeType": "BUILD_GENERAL1_SMALL"},
    }  # fmt: skip
    write_file(tmp_path, "project.json", json.dumps(project, indent=2))
    result = run_scan(tmp_path)
    (finding,) = findings_of(result, "CBD004")
    assert finding.region.start_line == 6  # the "buildspec" key
    assert finding.resource == "codebuild project shop buildspec phase build"


def test_a_hostile_inline_buildspec_is_refused_not_expanded(tmp_path):
    bomb = (
        "version: 0.2\\na: &a [x,x,x,x,x,x,x,x,x,x]\\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
            f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\\n"
            for i in range(9)
        )
        + "phases: {build: {commands: [*j]}}\\n"
    )
    result = _scan(tmp_path, f'        BuildSpec: "{bomb}"\n')
    assert "buildspec" not in result.kinds
    assert not findings_of(result, "GL002")


SUBSTITUTED_HEAD = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  GitHubToken: {Type: String, Default: ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu}
  DbPassword: {Type: String, NoEcho: true}
  Stage: {Type: String, Default: prod}
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Artifacts: {Type: NO_ARTIFACTS}
      Environment: {Type: LINUX_CONTAINER, Image: aws/codebuild/standard:7.0}
      Source:
        Type: CODEPIPELINE
        BuildSpec: !Sub |
          version: 0.2
          env:
            variables:
"""  # the first variable is on line 18


PHASES = "          phases: {build: {commands: [make]}}\n"


@pytest.mark.parametrize(
    ("variable", "severity"),
    [
        # CloudFormation substitutes the parameter's Default into the deployed buildspec.
        ("GITHUB_TOKEN: ${GitHubToken}", "critical"),
        # Resolved into the project's buildspec in plaintext, like a PLAINTEXT variable.
        ("DB_PASSWORD: ${DbPassword}", "high"),
        ("DB_PASSWORD: '{{resolve:secretsmanager:${Stage}/db:SecretString:password}}'", "high"),
    ],
)
def test_a_sub_buildspec_is_judged_as_deployed(tmp_path, variable, severity):
    write_file(tmp_path, "template.yaml", f"{SUBSTITUTED_HEAD}              {variable}\n{PHASES}")
    result = run_scan(tmp_path, only_rules={"CBD002"})
    (finding,) = findings_of(result, "CBD002")
    assert (finding.region.start_line, finding.severity.name.lower()) == (18, severity)
    assert "ghp_" not in finding.snippet


def test_a_sub_buildspec_with_a_variable_map(tmp_path):
    head = SUBSTITUTED_HEAD.split("        BuildSpec:")[0]
    buildspec = """\
        BuildSpec: !Sub
          - |
            version: 0.2
            env:
              variables:
                API_TOKEN: ${Token}
            phases: {build: {commands: [make]}}
          - Token: !Ref GitHubToken
"""
    write_file(tmp_path, "template.yaml", head + buildspec)
    (finding,) = findings_of(run_scan(tmp_path, only_rules={"CBD002"}), "CBD002")
    assert (finding.region.start_line, finding.severity.name.lower()) == (19, "critical")


@pytest.mark.parametrize(
    "variable",
    ["STAGE: ${Stage}", "DB_PASSWORD_PARAM: /${Stage}/db", "HOME_DIR: ${!HOME}",
     "DB_PASSWORD: ${!DB_PASSWORD}", "DB_HOST: '{{resolve:secretsmanager:db:SecretString:host}}'"],
)  # fmt: skip
def test_a_sub_buildspec_without_a_secret(tmp_path, variable):
    write_file(tmp_path, "template.yaml", f"{SUBSTITUTED_HEAD}              {variable}\n{PHASES}")
    assert not findings_of(run_scan(tmp_path, only_rules={"CBD002"}), "CBD002")


def test_a_join_around_values_the_template_cannot_resolve_is_read(tmp_path):
    # CDK's BuildSpec.fromObject with a token (a repository URI) synthesises a Fn::Join of JSON
    # pieces; a hand-written !Join of lines may hold a resource's attribute. The unknown parts
    # are unknown values: what the rest of the text runs is still judged.
    cdk_spec = json.dumps(
        {
            "version": "0.2",
            "env": {"variables": {"NODE_TLS_REJECT_UNAUTHORIZED": "0", "REPO": "@"}},
            "phases": {"build": {"commands": [PIPE, "docker push @"]}},
        },
        indent=2,
    ).split("@")
    uri = {"Fn::GetAtt": ["Repo", "RepositoryUri"]}
    cdk = {"Fn::Join": ["", [cdk_spec[0], uri, cdk_spec[1], uri, cdk_spec[2]]]}
    tagged = {"Fn::Join": ["", ["      - docker build -t app:", {"Ref": "Tag"}, " ."]]}
    made = ["\n", [*LINES[:-1], tagged, LINES[-1]]]  # Tag: a parameter without a default
    for value in (json.dumps(cdk), "!Join " + json.dumps(made)):
        result = _scan(tmp_path, f"        BuildSpec: {value}\n")
        assert lines_of(result, "CBD004") == [13], value
    assert lines_of(result, "CBD005") == []
    result = _scan(tmp_path, f"        BuildSpec: {json.dumps(cdk)}\n")
    assert lines_of(result, "CBD005") == [13]


def test_a_join_whose_unknown_part_is_a_variable_value_does_not_fire(tmp_path):
    secret = {"Fn::GetAtt": ["Token", "Value"]}
    text = "version: 0.2\nenv:\n  variables:\n    GITHUB_TOKEN: "
    value = {"Fn::Join": ["", [text, secret, "\nphases:\n  build:\n    commands: [make]\n"]]}
    assert findings_of(_scan(tmp_path, f"        BuildSpec: {json.dumps(value)}\n"), "CBD002") == []


def test_a_cdk_buildspec_variable_from_a_secret_is_judged_as_deployed(tmp_path):
    # secretValue.unsafeUnwrap() in BuildSpec.fromObject: the dynamic reference is joined around
    # the secret's ARN, and CloudFormation writes the resolved secret into the project.
    before, after = json.dumps(
        {"version": "0.2", "env": {"variables": {"DB_PASSWORD": "@"}}, "phases": {}}
    ).split("@")
    reference = ["{{resolve:secretsmanager:", {"Ref": "DbSecret"}, ":SecretString:password::}}"]
    value = {"Fn::Join": ["", [before, *reference, after]]}
    (finding,) = findings_of(_scan(tmp_path, f"        BuildSpec: {json.dumps(value)}\n"), "CBD002")
    assert (finding.region.start_line, finding.severity.name) == (13, "HIGH")


def test_a_one_line_buildspec_fingerprints_each_finding_by_what_it_says(tmp_path):
    """A JSON buildspec sits on one line: a finding keeps its fingerprint when another phase
    of that line is edited."""
    fingerprints = []
    for index, installer in enumerate(("make", "make install")):
        spec = {"version": 0.2, "phases": {"install": {"commands": [installer]}}}
        spec["phases"]["build"] = {"commands": [PIPE]}
        result = _scan(tmp_path / str(index), f"        BuildSpec: '{json.dumps(spec)}'\n")
        fingerprints.append([f.fingerprint for f in findings_of(result, "CBD004")])
    assert len(fingerprints[0]) == 1 and fingerprints[0] == fingerprints[1]
