"""An inline BuildSpec the CDK's BuildSpec.fromObject writes as a Fn::Join around a token is
judged as the Fn::Sub it equals, as the same buildspec written with `!Sub` is
(guardlint.documents.cloudformation.intrinsics.joined_as_sub); a Sub's variable map is read
only where its text names an entry."""

from __future__ import annotations

import json

import pytest

from tests.conftest import findings_of, run_scan, write_file

JOINED_HEAD = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword: {Type: String, NoEcho: true}
  ApiToken: {Type: String, NoEcho: true, Default: Zq4nW8tRk2LmX7vB1cYp}
  GitHubToken: {Type: String, Default: ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu}
  Stage: {Type: String, Default: prod}
  TokenId: {Type: String}
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Artifacts: {Type: NO_ARTIFACTS}
      Environment: {Type: LINUX_CONTAINER, Image: aws/codebuild/standard:7.0}
      Source:
        Type: CODEPIPELINE
        BuildSpec: VALUE
"""  # the BuildSpec key is on line 16


def _joined_buildspec(variable: str, part: object) -> str:
    """A buildspec as the CDK's BuildSpec.fromObject writes it around a token: the JSON text
    in a Fn::Join whose `@` piece is the intrinsic `part`; the shell's `${HOME}` is literal."""
    before, after = json.dumps(
        {"version": "0.2", "env": {"variables": {variable: "@"}},
         "phases": {"build": {"commands": ["echo ${HOME}", "make"]}}},
        indent=2,
    ).split("@")  # fmt: skip
    return json.dumps({"Fn::Join": ["", [before, part, after]]})


def _sub_buildspec(variable: str, reference: str) -> str:
    spec = {"version": "0.2", "env": {"variables": {variable: "${" + reference + "}"}},
            "phases": {"build": {"commands": ["echo ${!HOME}", "make"]}}}  # fmt: skip
    return json.dumps({"Fn::Sub": json.dumps(spec, indent=2)})


@pytest.mark.parametrize(
    ("variable", "parameter", "severity"),
    [
        # A NoEcho parameter: CloudFormation resolves it into the project's buildspec (high),
        # with a Default or without one (the Join resolved its Default, or lost it as unknown).
        ("DB_PASSWORD", "DbPassword", "HIGH"),
        ("API_TOKEN", "ApiToken", "HIGH"),
        # A parameter's Default is the value deployed: a credential in the template.
        ("GITHUB_TOKEN", "GitHubToken", "CRITICAL"),
        ("STAGE", "Stage", None),
    ],
)
def test_a_cdk_join_buildspec_is_judged_as_the_sub_it_equals(
    tmp_path, variable, parameter, severity
):
    found = []
    for value in (
        _joined_buildspec(variable, {"Ref": parameter}),
        _sub_buildspec(variable, parameter),
    ):
        write_file(tmp_path, "template.yaml", JOINED_HEAD.replace("VALUE", value))
        result = run_scan(tmp_path, only_rules={"CBD002"})
        found.append(
            [(f.region.start_line, f.severity.name) for f in findings_of(result, "CBD002")]
        )
    assert found[0] == found[1] == ([(16, severity)] if severity else [])


def test_a_sub_map_entry_is_only_where_the_text_names_it(tmp_path):
    """A `!Sub` buildspec's map: API_TOKEN takes the Name entry (a parameter without a
    Default: unknown), not the NoEcho parameter another entry (the one DB_PASSWORD names)
    holds."""
    buildspec = """\
!Sub
          - |
            version: 0.2
            env:
              variables:
                API_TOKEN: ${Name}
                DB_PASSWORD: ${Secret}
            phases: {build: {commands: [make]}}
          - Name: !Ref TokenId
            Secret: !Ref DbPassword"""
    write_file(tmp_path, "template.yaml", JOINED_HEAD.replace("VALUE", buildspec))
    result = run_scan(tmp_path, only_rules={"CBD002"})
    assert [(f.region.start_line, f.severity.name) for f in findings_of(result, "CBD002")] == [
        (22, "HIGH")
    ]


def test_a_joined_ref_reads_as_in_sub_where_a_message_quotes_it(tmp_path):
    """A Ref in the Join is the `${Name}` a `!Sub` buildspec writes: CBD005 says the same
    of both (git turns certificate checks off for any value of GIT_SSL_NO_VERIFY)."""
    messages = []
    for value in (_joined_buildspec("GIT_SSL_NO_VERIFY", {"Ref": "Stage"}),
                  _sub_buildspec("GIT_SSL_NO_VERIFY", "Stage")):  # fmt: skip
        write_file(tmp_path, "template.yaml", JOINED_HEAD.replace("VALUE", value))
        result = run_scan(tmp_path, only_rules={"CBD005"})
        messages.append([f.message for f in findings_of(result, "CBD005")])
    assert messages[0] == messages[1] and "GIT_SSL_NO_VERIFY=${Stage}" in messages[0][0]
