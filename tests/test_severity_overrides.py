"""A config's `severity:` for a rule is the severity of all of its findings, also of those its
check grades itself (IAM010's low ones, ECS006's, K8S020's info ones), and SARIF shows it."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.model.rules import Severity
from guardlint.report.sarif import build_log
from tests.conftest import FIXTURES, run_scan, write_file
from tests.test_sarif import assert_github_shows_each_findings_severity, validate

# Fixtures where these rules report findings at a severity other than the rule's.
IAM010_LOW = FIXTURES / "iam" / "IAM007" / "bad-sam-function" / "template.yaml"
VARIANTS = {
    "IAM010": (FIXTURES / "iam" / "IAM010", IAM010_LOW),
    "ECS006": (FIXTURES / "ecs" / "ECS006",),
    "K8S020": (FIXTURES / "kubernetes" / "K8S020",),
}


def severities(result, rule_id: str) -> set[Severity]:
    return {f.severity for f in result.findings if f.rule_id == rule_id}


@pytest.mark.parametrize("rule_id", sorted(VARIANTS))
def test_an_override_sets_the_severity_of_every_finding_of_the_rule(rule_id):
    paths = VARIANTS[rule_id]
    # A file named on the command line has the files of the root that name it scanned too: of
    # the whole checkout (the working directory), 2 s of reading for each scan.
    root = os.path.commonpath(paths)
    graded = severities(run_scan(*paths, root=root, min_severity=Severity.INFO), rule_id)
    assert len(graded) > 1, f"{rule_id}'s fixtures no longer hold a variant"
    for override in (Severity.CRITICAL, Severity.INFO):
        result = run_scan(
            *paths, root=root, min_severity=Severity.INFO, severity_overrides={rule_id: override}
        )
        findings = [f for f in result.findings if f.rule_id == rule_id]
        assert {(f.severity, f.score) for f in findings} == {(override, override.default_score)}
        log = build_log(result)
        validate(log)
        assert_github_shows_each_findings_severity(result, log)
        descriptor_ids = {d["id"] for d in log["runs"][0]["tool"]["driver"]["rules"]}
        assert not {i for i in descriptor_ids if i.startswith(f"{rule_id}/")}, descriptor_ids


def test_an_override_in_the_config_reaches_the_report_and_the_exit_code(tmp_path):
    write_file(tmp_path, "template.yaml", IAM010_LOW.read_text())
    write_file(tmp_path, ".guardlint.yaml", "severity:\n  IAM010: critical\nfail_on: critical\n")
    args = ["scan", str(tmp_path), "-f", "json", "--severity", "info", "--rule", "IAM010"]
    result = CliRunner().invoke(cli, args)
    assert [f["severity"] for f in json.loads(result.output)["findings"]] == ["critical"]
    assert result.exit_code == 1


def test_an_override_replaces_a_custom_rules_score_of_another_severity(tmp_path):
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    write_file(
        tmp_path,
        "policies/acme.yaml",
        "pack: acme\nrules:\n  - id: ACME001\n    name: any-service\n    title: Any service\n"
        "    severity: high\n    score: 8.5\n    category: Policy:Container/Any\n"
        "    kinds: [compose]\n    description: Every Compose service, for a test of scores.\n"
        "    remediation: Nothing to fix, a test rule.\n"
        "    match: {select: '$.services.*', where: {path: image, exists: true}}\n",
    )
    only = {"rule_dirs": [str(tmp_path / "policies")], "only_rules": {"ACME001"}}
    [finding] = run_scan(tmp_path, **only).findings
    assert (finding.severity, finding.score) == (Severity.HIGH, 8.5)
    [finding] = run_scan(tmp_path, **only, severity_overrides={"ACME001": Severity.LOW}).findings
    assert (finding.severity, finding.score) == (Severity.LOW, Severity.LOW.default_score)
