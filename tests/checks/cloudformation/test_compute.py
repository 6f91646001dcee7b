"""Compute: Lambda runtimes (CFN014) and function URLs (CFN016)."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import CFN
from tests.conftest import findings_of, lines_of, run_scan, write_file


def test_function_url_without_auth():
    assert lines_of(CFN / "CFN016" / "bad-sam", "CFN016") == [10]


def test_function_url_config_behind_fn_if_in_globals(tmp_path):
    write_file(
        tmp_path,
        "template.yaml",
        """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
Conditions:
  Dev: !Equals [!Ref Stage, dev]
Globals:
  Function:
    FunctionUrlConfig: !If [Dev, {AuthType: NONE}, !Ref AWS::NoValue]
Resources:
  Hook:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: s3://b/a.zip}
""",
    )
    found = findings_of(run_scan(tmp_path), "CFN016")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (8, "AWS::Serverless::Function Hook")
    ]


def test_deprecated_runtime_in_globals_hits_every_function():
    found = findings_of(CFN / "CFN014" / "bad-globals", "CFN014")
    assert sorted(f.resource for f in found) == [
        "AWS::Serverless::Function First",
        "AWS::Serverless::Function Second",
    ]
    assert {f.region.start_line for f in found} == {4}  # the Runtime line in Globals
    assert not findings_of(CFN / "CFN014" / "good", "CFN014")  # own Runtime wins


def test_deprecated_runtime_json_line_and_as_of_option():
    path = CFN / "CFN014" / "bad-lambda-json"
    assert lines_of(path, "CFN014") == [6]
    pinned = run_scan(path, rule_options={"CFN014": {"as_of": "2021-01-01"}})
    assert not findings_of(pinned, "CFN014")  # python2.7 was deprecated in July 2021


@pytest.mark.parametrize(
    "runtime,deprecated,replacement",
    [
        ("nodejs20.x", "2026-04-30", "nodejs24.x"),
        ("dotnet8", "2026-11-10", "dotnet10"),
        # Deprecated although AWS keeps patching AL2's packages: their language or OS-only
        # runtime ended (AWS Lambda runtimes page; cfn-lint 1.58's copy of its table).
        ("provided.al2", "2026-07-31", "provided.al2023"),
        ("python3.10", "2026-10-31", "python3.14"),
        # Announced: fire from their day on.
        ("ruby3.3", "2027-03-31", "ruby4.0"),
        ("nodejs22.x", "2027-04-30", "nodejs24.x"),
        ("python3.11", "2027-06-30", "python3.14"),
        ("java8.al2", "2027-06-30", "java25"),
        ("java11", "2027-06-30", "java25"),
        ("java17", "2027-06-30", "java25"),
        # The newest runtimes' projected dates: a table left unrevised still fires on them.
        ("nodejs24.x", "2028-04-30", "a newer Node.js runtime"),
        ("python3.14", "2029-06-30", "a newer Python runtime"),
        ("provided.al2023", "2029-06-30", "a newer OS-only runtime"),
    ],
)
def test_runtimes_deprecated_from_2026(tmp_path, runtime, deprecated, replacement):
    text = (
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        f"      Runtime: {runtime}\n      Handler: index.handler\n"
        "      Code: {S3Bucket: b, S3Key: k}\n      Role: arn:aws:iam::123456789012:role/x\n"
    )
    write_file(tmp_path, "template.yaml", text)
    on_the_day = run_scan(tmp_path, rule_options={"CFN014": {"as_of": deprecated}})
    (finding,) = findings_of(on_the_day, "CFN014")
    assert replacement in finding.message
    year, month, day = deprecated.split("-")
    before = f"{year}-{month}-{int(day) - 1:02}"
    assert not findings_of(run_scan(tmp_path, rule_options={"CFN014": {"as_of": before}}), "CFN014")


def test_a_runtime_each_deployment_chooses_is_one_finding(tmp_path):
    text = (
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "Conditions:\n  Prod: !Equals [!Ref Env, prod]\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: !If [Prod, python2.7, python3.6]\n      Handler: a.b\n"
        "      Code: {ZipFile: x}\n      Role: arn:aws:iam::123456789012:role/x\n"
    )
    write_file(tmp_path, "template.yaml", text)
    (finding,) = findings_of(run_scan(tmp_path), "CFN014")
    assert finding.region.start_line == 9
    assert finding.message == (
        "Function Fn uses the python2.7 runtime, deprecated by AWS on 2021-07-15: it gets no "
        "security patches (move to python3.14). Where Prod is false: Function Fn uses the "
        "python3.6 runtime, deprecated by AWS on 2022-07-18: it gets no security patches "
        "(move to python3.14)."
    )
