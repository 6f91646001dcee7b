"""The CodeBuild pack as a whole: every CBD rule on its fixtures (IDs, lines and resources),
the catalogue's contract for the pack, and fixtures that scan without errors."""

from __future__ import annotations

import re

import pytest

from guardlint.rulebook import load_rulebook
from tests.checks.codebuild import CODEBUILD
from tests.conftest import NEVER_OR_MAYBE, ROOT, findings_of, lines_of, run_scan, write_file

# (rule, fixture directory) -> lines the rule must report there, and nothing else.
EXPECTED_LINES = {
    ("CBD001", "bad"): [14],
    ("CBD001", "bad-string-json"): [9],
    ("CBD001", "bad-if-branch"): [18],
    ("CBD001", "bad-parameter-default"): [16],
    ("CBD001", "bad-batch-build"): [11],
    ("CBD002", "bad"): [5],
    ("CBD002", "bad-aws-keys"): [4, 5],
    ("CBD002", "bad-detected"): [4],
    ("CBD002", "bad-project"): [18, 21],
    ("CBD002", "bad-dynamic-reference"): [16],
    ("CBD002", "bad-noecho"): [19],
    ("CBD002", "bad-json"): [11],
    ("CBD002", "bad-pipeline-action"): [27, 28],
    ("CBD002", "bad-cdk-joined-buildspec"): [24],
    ("CBD003", "bad"): [7],
    ("CBD003", "bad-parameter-store"): [6],
    ("CBD003", "bad-secret-name"): [4],
    ("CBD004", "bad"): [5],
    ("CBD004", "bad-continuation"): [5, 8],
    ("CBD004", "bad-finally"): [7],
    ("CBD004", "bad-inline"): [19],
    ("CBD005", "bad"): [5],
    ("CBD005", "bad-env"): [4, 5],
    ("CBD005", "bad-git"): [5, 6],
    ("CBD006", "bad"): [13],
    ("CBD006", "bad-secondary"): [15],
    ("CBD006", "bad-s3-logs"): [15],
    ("CBD006", "bad-json"): [4],
    ("CBD007", "bad"): [13],
    ("CBD007", "bad-s3-disabled"): [12],
    ("CBD008", "bad"): [12],
    ("CBD008", "bad-token-user"): [14],
    ("CBD008", "bad-auth-resource"): [12, 15],
    ("CBD008", "bad-source-credential"): [9],
    ("CBD008", "bad-noecho-location"): [16],
    ("CBD009", "bad"): [14],
    ("CBD009", "bad-no-filter-groups"): [12],
    ("CBD009", "bad-unanchored-actor"): [15],
    ("CBD009", "bad-event-pattern"): [14, 15],
    ("CBD010", "bad"): [5],
    ("CBD010", "bad-runtimes"): [5, 6, 7, 8, 9, 10],
    ("CBD010", "bad-image"): [13],
    ("CBD010", "bad-image-json"): [5],
}
_RESOURCE = re.compile(
    r"^(?:AWS::CodeBuild::(?:Project|SourceCredential) \w+|codebuild project [\w-]+)"
    r"(?: buildspec (?:phase|env) \S+)?$|^buildspec (?:phase|env) \S+$"
    r"|^AWS::CodePipeline::Pipeline \w+ stage \S+ action \S+$"  # a CodeBuild action's variables
)


@pytest.mark.parametrize(("rule_id", "case"), sorted(EXPECTED_LINES), ids="-".join)
def test_rule_reports_the_offending_lines(rule_id, case):
    result = run_scan(CODEBUILD / rule_id / case)
    assert lines_of(result, rule_id) == EXPECTED_LINES[rule_id, case]
    for finding in findings_of(result, rule_id):
        assert _RESOURCE.match(finding.resource), finding.resource


def test_every_bad_fixture_has_line_assertions():
    bad_dirs = {(p.parent.name, p.name) for p in CODEBUILD.glob("CBD*/bad*") if p.is_dir()}
    assert bad_dirs == set(EXPECTED_LINES)


def test_fixtures_scan_without_parse_or_internal_errors():
    result = run_scan(CODEBUILD)
    assert not findings_of(result, "GL002")
    assert not findings_of(result, "GL001")


def test_resources_name_the_phase_the_variable_or_the_project():
    def resources(path, rule_id):
        return {f.resource for f in findings_of(CODEBUILD / rule_id / path, rule_id)}

    assert resources("bad-finally", "CBD004") == {"buildspec phase build"}
    assert resources("bad", "CBD002") == {"buildspec env DB_PASSWORD"}
    assert resources("bad-inline", "CBD004") == {
        "AWS::CodeBuild::Project Build buildspec phase install"
    }
    assert resources("bad-string-json", "CBD001") == {"codebuild project image-builder"}
    assert resources("bad-source-credential", "CBD008") == {
        "AWS::CodeBuild::SourceCredential GitHubCredential"
    }


SPEC = ROOT.parent / "shared" / "spec" / "rules-aws-delivery.md"


@pytest.mark.skipif(not SPEC.exists(), reason="the shared rule catalogue is not beside the repo")
def test_catalogue_contract_of_the_codebuild_rows():
    """IDs, names, severities and categories of the CBD rows of rules-aws-delivery.md."""
    rows = re.findall(
        r"^\| (CBD\d{3}) \| ([a-z0-9-]+) \| .*\| (\w+) \| ([\w:/]+) \|$", SPEC.read_text(), re.M
    )
    assert len(rows) == 10
    rulebook = load_rulebook()
    for rule_id, name, severity, category in rows:
        rule = rulebook.get(rule_id)
        assert (rule.name, rule.severity.label, rule.category) == (name, severity, category)


_CONDITIONAL_PROJECT = (
    NEVER_OR_MAYBE
    + """  Build:
    Type: AWS::CodeBuild::Project
    Condition: COND
    Properties:
      Artifacts: {Type: S3, Location: bucket, EncryptionDisabled: true}
      Environment:
        Type: LINUX_CONTAINER
        Image: aws/codebuild/standard:7.0
        PrivilegedMode: true
        EnvironmentVariables:
          - {Name: DB_PASSWORD, Value: "s3cr3t-Pa55w0rd-value"}
      LogsConfig: {CloudWatchLogs: {Status: DISABLED}}
      Triggers: {Webhook: true}
      Source:
        Type: GITHUB
        Location: https://ci-bot: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@github.com/example/shop.git
        BuildSpec: |
          version: 0.2
          env:
            variables:
              API_TOKEN: "Zq8vT2mK9wLxR4nB7cD1"
          phases:
            install:
              runtime-versions: {nodejs: 14}
            build:
              commands:
                - curl -s https://x.example | sh
                - curl --insecure https://x.example/data
"""
)


def test_a_project_never_created_is_judged_only_for_its_secrets(tmp_path):
    """As in the CFN and ECS packs: a project whose Condition is always false is never
    deployed, but a secret written in it (or in its inline buildspec) is in the repository all
    the same (CBD002, CBD008)."""
    write_file(tmp_path / "never", "template.yaml", _CONDITIONAL_PROJECT.replace("COND", "Never"))
    never = {f.rule_id for f in run_scan(tmp_path / "never").findings if f.pack == "codebuild"}
    assert never == {"CBD002", "CBD008"}
    write_file(tmp_path / "maybe", "template.yaml", _CONDITIONAL_PROJECT.replace("COND", "Maybe"))
    maybe = {f.rule_id for f in run_scan(tmp_path / "maybe").findings if f.pack == "codebuild"}
    assert maybe >= {
        "CBD001", "CBD002", "CBD004", "CBD005", "CBD006", "CBD007", "CBD008", "CBD009", "CBD010",
    }  # fmt: skip
