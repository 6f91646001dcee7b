"""SARIF output: valid against the 2.1.0 schema and shaped as spec/findings.md says."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from guardlint.model.rules import Severity
from guardlint.report.sarif import build_log
from tests.conftest import FIXTURES, run_scan, write_file
from tools.sarif_check import github_problems

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def validate(log: dict) -> None:
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    assert github_problems(log) == []


@pytest.fixture(scope="module")
def fixtures_result():
    return run_scan(FIXTURES)


@pytest.fixture(scope="module")
def fixtures_log(fixtures_result):
    return build_log(fixtures_result)


def test_fixtures_sarif_is_valid(fixtures_log):
    validate(fixtures_log)
    assert fixtures_log["runs"][0]["results"]


def test_empty_scan_still_writes_a_valid_log(tmp_path):
    write_file(tmp_path, "values.yaml", "replicas: 1\n")
    log = build_log(run_scan(tmp_path))
    validate(log)
    assert log["runs"][0]["results"] == []


def test_run_shape(fixtures_log):
    (run,) = fixtures_log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "guardlint" and driver["semanticVersion"]
    assert run["automationDetails"]["id"] == "guardlint/"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    names = [t["name"] for t in run["taxonomies"]]
    assert names == ["GuardDuty-style finding types", "Inspector-style finding types"]
    used_rules = {r["ruleId"] for r in run["results"]}
    # A severity variant's rule (IAM010 of IAM010/low) is listed even if no result uses it.
    assert {r["id"] for r in driver["rules"]} == used_rules | {
        rule_id.split("/")[0] for rule_id in used_rules
    }


def test_rule_descriptors(fixtures_log):
    for rule in fixtures_log["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["help"]["markdown"].count("```") >= 4, rule["id"]
        assert float(rule["properties"]["security-severity"]) >= 0
        assert "security" in rule["properties"]["tags"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_results(fixtures_log):
    run = fixtures_log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    categories = run["taxonomies"][0]["taxa"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith("/")
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["guardlint/v1"]) >= 32
        props = result["properties"]
        assert {"severity", "score", "category", "findingType", "resource"} <= set(props)
        category_ref = result["taxa"][0]
        assert categories[category_ref["index"]]["id"] == props["category"]


def test_all_rules_flag_lists_every_rule(tmp_path):
    write_file(tmp_path, "values.yaml", "replicas: 1\n")
    result = run_scan(tmp_path)
    log = build_log(result, all_rules=True)
    validate(log)
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(result.rules)


def github_severity(security_severity: str) -> Severity:
    """The severity GitHub code scanning shows for a rule's security-severity score."""
    score = float(security_severity)
    floors = [(9.0, Severity.CRITICAL), (7.0, Severity.HIGH), (4.0, Severity.MEDIUM)]
    return next((severity for floor, severity in floors if score >= floor), Severity.LOW)


def assert_github_shows_each_findings_severity(result, log: dict) -> None:
    """GitHub reads an alert's severity from the descriptor its result points at."""
    run = log["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(result.findings)
    for finding, sarif_result in zip(result.findings, run["results"], strict=True):
        descriptor = descriptors[sarif_result["ruleIndex"]]
        assert descriptor["id"] == sarif_result["ruleId"]
        assert sarif_result["ruleId"].split("/")[0] == finding.rule_id
        security_severity = descriptor["properties"]["security-severity"]
        assert float(security_severity) == pytest.approx(finding.score, abs=0.05)
        if finding.severity == Severity.INFO:
            assert float(security_severity) == 0.0, finding.rule_id
        else:
            assert github_severity(security_severity) == finding.severity, finding.rule_id
        assert descriptor["defaultConfiguration"]["level"] == sarif_result["level"]


def test_each_result_points_at_a_descriptor_of_its_own_severity(fixtures_result, fixtures_log):
    rule_severity = {rule.id: rule.severity for rule in fixtures_result.rules}
    variants = {
        f.rule_id for f in fixtures_result.findings if f.severity != rule_severity[f.rule_id]
    }
    assert {"IAM010", "ECS006", "K8S020"} <= variants  # the examples are covered
    assert_github_shows_each_findings_severity(fixtures_result, fixtures_log)


def test_a_severity_variant_is_a_subset_of_its_rule(tmp_path):
    write_file(tmp_path, "Dockerfile", "FROM python:3.12\nUSER root\n")
    result = run_scan(tmp_path)
    assert result.findings
    rule_severity = {rule.id: rule.severity for rule in result.rules}
    # Every finding at a severity its rule does not have: only variants are pointed at.
    result.findings = [
        dataclasses.replace(finding, severity=other, score=other.default_score)
        for finding in result.findings
        for other in [
            Severity.CRITICAL if rule_severity[finding.rule_id] == Severity.INFO else Severity.INFO
        ]
    ]
    log = build_log(result)
    validate(log)
    assert_github_shows_each_findings_severity(result, log)
    descriptors = log["runs"][0]["tool"]["driver"]["rules"]
    for sarif_result in log["runs"][0]["results"]:
        variant = descriptors[sarif_result["ruleIndex"]]
        rule_id, label = variant["id"].split("/")
        (relationship,) = variant["relationships"]
        assert relationship["kinds"] == ["subset"]
        base = descriptors[relationship["target"]["index"]]
        assert base["id"] == relationship["target"]["id"] == rule_id
        assert Severity.parse(label) != rule_severity[rule_id]
        assert base["defaultConfiguration"]["level"] == rule_severity[rule_id].sarif_level


def test_the_check_reports_a_result_whose_severity_is_not_its_rules(fixtures_log):
    log = copy.deepcopy(fixtures_log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    result = next(r for r in run["results"] if rules[r["ruleIndex"]]["id"] == "IAM010")
    result["level"] = "note"
    result["properties"]["score"] = 2.5
    problems = github_problems(log)
    assert any("level differs from its rule's (warning)" in p for p in problems)
    assert any("score 2.5 is not its rule's 5.5" in p for p in problems)


def test_a_whole_line_result_ends_at_its_last_character(tmp_path):
    """spec/findings.md: a region has an end line and column; a finding on whole lines (a
    Dockerfile instruction) ends after the last character of its last line."""
    dockerfile = "FROM python:3.12  \nRUN pip install flask \\\n    && curl -k https://x  \n"
    write_file(tmp_path, "Dockerfile", dockerfile)
    result = run_scan(tmp_path)
    regions = {f.rule_id: f.region for f in result.findings}
    assert regions["DKR003"] == (1, 1, 1, 17)
    assert regions["DKR017"] == (2, 1, 3, 25)  # curl -k: the instruction's two lines
    log = build_log(result)
    validate(log)
    for sarif_result in log["runs"][0]["results"]:
        assert "endColumn" in sarif_result["locations"][0]["physicalLocation"]["region"]


def test_results_of_one_file_and_category_share_their_artifact_and_taxa(tmp_path, monkeypatch):
    """A file of thousands of secrets is thousands of results: each one's file location and
    taxa are made once for the log (a node each costs microseconds), the same data in each."""
    import guardlint.report.sarif as sarif_module

    lines = "".join(f"  password{n}: Zx{n:05}Qw{n * 7919 % 100000:05}Ty\n" for n in range(300))
    write_file(tmp_path, "settings.yaml", "apiVersion: v1\nkind: ConfigMap\n"
               f"metadata: {{name: s, namespace: a}}\ndata:\n{lines}")  # fmt: skip
    result = run_scan(tmp_path)
    made = []
    real_node = sarif_module._node
    monkeypatch.setattr(
        sarif_module, "_node", lambda *a, **k: made.append(a[0]) or real_node(*a, **k)
    )
    log = build_log(result)
    validate(log)
    results = log["runs"][0]["results"]
    assert len(results) >= 300
    artifacts = {
        json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"]) for r in results
    }
    assert artifacts == {'{"uri": "settings.yaml", "uriBaseId": "%SRCROOT%"}'}
    assert len({json.dumps(r["taxa"]) for r in results}) == 1
    assert made.count(sarif_module.sarif.ReportingDescriptorReference) == 2
    assert made.count(sarif_module.sarif.ArtifactLocation) == 2  # the file's and the root's


def test_a_result_is_the_node_its_sarif_om_classes_make(fixtures_result):
    """`_result` and `_region` write their nodes out, for speed: each is what `_node` makes of
    sarif-om's class (its fields' names and order, the unset and defaults left out), for every
    fixture's finding, with and without an end column, a snippet, related locations, a
    suppression."""
    from guardlint.model.documents import RelatedLocation
    from guardlint.model.findings import Suppression
    from guardlint.report import sarif as s

    def by_node(finding, rule, shared):
        region = finding.region
        snippet = finding.snippet
        result = s._result(finding, rule, shared)
        return result, s._node(
            s.sarif.Result,
            rule_id=rule[0],
            rule_index=rule[1],
            level=finding.severity.sarif_level,
            message=s._message(finding.message),
            locations=[
                s._node(
                    s.sarif.Location,
                    physical_location=s._node(
                        s.sarif.PhysicalLocation,
                        artifact_location=shared.artifact(finding.path),
                        region=s._node(
                            s.sarif.Region,
                            start_line=region.start_line,
                            start_column=region.start_column,
                            end_line=region.end_line,
                            end_column=region.end_column,
                            snippet=s._node(s.sarif.ArtifactContent, text=snippet)
                            if snippet
                            else None,
                        ),
                    ),
                )
            ],
            related_locations=s._related(finding),
            partial_fingerprints={s.FINGERPRINT_KEY: finding.fingerprint},
            taxa=shared.taxa(finding.category, finding.finding_type),
            suppressions=result.get("suppressions"),
            properties=result["properties"],
        )

    findings = list(fixtures_result.findings)
    first = findings[0]
    findings.append(
        dataclasses.replace(
            first,
            snippet="",
            suppression=Suppression("inSource", "why"),
            related_locations=(RelatedLocation("app.py", first.region, "defined here"),),
        )
    )
    assert None in {f.region.end_column for f in findings} != {None}
    categories = {f.category: index for index, f in enumerate(findings)}
    types = {name: index for index, name in enumerate(s.FINDING_TYPES)}
    shared = s._Shared(categories, types)
    for index, finding in enumerate(findings):
        written, made = by_node(finding, (finding.rule_id, index), shared)
        assert json.dumps(written) == json.dumps(made)
