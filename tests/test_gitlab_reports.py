"""`--format gitlab-sast` (validated against GitLab's own schema) and `gitlab-codequality`."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.report import reporter
from tests.conftest import FIXTURES, ROOT, run_scan, write_file
from tests.test_reporters import COMPOSE  # two privileged services, one suppressed

# GitLab's security report schema for SAST, v15.0.7 (tests/data/README.md says where from).
SAST_SCHEMA = json.loads((ROOT / "tests/data/gitlab-sast-report-format-15.0.7.json").read_text())
SAST_SEVERITIES = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low",
                   "info": "Info"}  # fmt: skip
CODEQUALITY_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture(scope="module")
def result():
    return run_scan(FIXTURES / "cloudformation" / "CFN003", FIXTURES / "compose", jobs=1)


def sast(result) -> dict:
    return json.loads(reporter("gitlab-sast")(result))


def test_gitlab_sast_is_valid_against_gitlabs_schema(result):
    report = sast(result)
    jsonschema.Draft7Validator(SAST_SCHEMA).validate(report)
    assert report["version"] == SAST_SCHEMA["self"]["version"]
    scan = report["scan"]
    assert scan["type"] == "sast" and scan["status"] == "success"
    for tool in (scan["analyzer"], scan["scanner"]):
        assert tool["id"] == "guardlint" and tool["vendor"]["name"] and tool["version"]
    assert scan["start_time"] <= scan["end_time"]


def test_gitlab_sast_one_vulnerability_per_active_finding(result):
    active = result.active_findings
    vulnerabilities = sast(result)["vulnerabilities"]
    assert len(vulnerabilities) == len(active) > 0
    rules = {rule.id: rule for rule in result.rules}
    for finding, vulnerability in zip(active, vulnerabilities, strict=True):
        assert vulnerability["severity"] == SAST_SEVERITIES[finding.severity.label]
        assert vulnerability["location"] == {
            "file": finding.path,
            "start_line": finding.region.start_line,
            "end_line": finding.region.end_line,
        }
        primary, *others = vulnerability["identifiers"]
        assert (primary["type"], primary["value"]) == ("guardlint_rule_id", finding.rule_id)
        cwes = [i["name"] for i in others if i["type"] == "cwe"]
        assert cwes == rules[finding.rule_id].cwe
    assert any(v["identifiers"][1:] for v in vulnerabilities)  # CWEs are there at all


def test_gitlab_sast_ids_are_unique_and_stable(result):
    ids = [v["id"] for v in sast(result)["vulnerabilities"]]
    assert len(set(ids)) == len(ids)
    again = run_scan(FIXTURES / "cloudformation" / "CFN003", FIXTURES / "compose", jobs=1)
    assert [v["id"] for v in sast(again)["vulnerabilities"]] == ids


def test_gitlab_reports_leave_suppressed_findings_out(tmp_path):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    result = run_scan(tmp_path, only_rules={"CMP001"})
    assert len(result.findings) == 2 and len(result.active_findings) == 1
    assert len(sast(result)["vulnerabilities"]) == 1
    assert len(json.loads(reporter("gitlab-codequality")(result))) == 1


def test_gitlab_sast_text_from_files_renders_as_itself(tmp_path):
    """GitLab renders a vulnerability's description as markdown: a service name that is a
    link or an image stays text."""
    hostile = "[x](https://evil.example/a.png)"
    write_file(tmp_path, "compose.yaml", COMPOSE.replace("  admin:", f"  {json.dumps(hostile)}:"))
    vulnerabilities = sast(run_scan(tmp_path, only_rules={"CMP001"}))["vulnerabilities"]
    description = vulnerabilities[0]["description"]
    assert hostile not in description
    assert r"\[x\](https\://evil.example/a.png)" in description


def test_gitlab_codequality_required_fields_and_types(result):
    issues = json.loads(reporter("gitlab-codequality")(result))
    active = result.active_findings
    assert isinstance(issues, list) and len(issues) == len(active) > 0
    for finding, issue in zip(active, issues, strict=True):
        assert isinstance(issue["description"], str) and finding.message in issue["description"]
        assert issue["check_name"] == finding.rule_id
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in CODEQUALITY_SEVERITIES
        assert issue["location"]["path"] == finding.path
        begin = issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin == finding.region.start_line >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_formats_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "compose.yaml", COMPOSE)
    args = ["scan", ".", "--output-dir", "reports", "-f", "gitlab-sast", "-f", "gitlab-codequality"]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 1, outcome.output
    assert sorted(os.listdir("reports")) == ["gl-code-quality-report.json", "gl-sast-report.json"]
    report = json.loads((tmp_path / "reports" / "gl-sast-report.json").read_text())
    jsonschema.Draft7Validator(SAST_SCHEMA).validate(report)
    assert {v["location"]["file"] for v in report["vulnerabilities"]} == {"compose.yaml"}
