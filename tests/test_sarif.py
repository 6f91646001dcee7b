"""SARIF output: valid against the 2.1.0 schema and shaped as spec/findings.md says."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from guardlint.report.sarif import build_log
from tests.conftest import FIXTURES, run_scan, write_file
from tools.sarif_check import github_problems

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def validate(log: dict) -> None:
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    assert github_problems(log) == []


@pytest.fixture(scope="module")
def fixtures_log():
    return build_log(run_scan(FIXTURES))


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
    assert {r["id"] for r in driver["rules"]} == used_rules


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
