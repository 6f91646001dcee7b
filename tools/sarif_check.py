"""Check a SARIF file against the SARIF 2.1.0 JSON schema and GitHub's ingestion limits.

    python tools/sarif_check.py FILE.sarif SCHEMA.json

The schema check needs `jsonschema` (a test dependency). The GitHub checks are the ones other
tools' users have been bitten by: one run, unique rule IDs, a location and startLine >= 1 on
every result, security-severity as a number in a string, and a result level that is its
rule's (GitHub shows the rule's severity, not the result's).
"""

from __future__ import annotations

import json
import sys
from typing import Any


def github_problems(log: dict[str, Any]) -> list[str]:
    problems = []
    runs = log.get("runs", [])
    if len(runs) != 1:
        problems.append(f"expected exactly one run, found {len(runs)}")
    for run in runs:
        rules = run["tool"]["driver"].get("rules", [])
        ids = [rule["id"] for rule in rules]
        if len(ids) != len(set(ids)):
            problems.append("duplicate rule IDs in tool.driver.rules")
        for rule in rules:
            severity = rule.get("properties", {}).get("security-severity")
            try:
                float(severity)
            except (TypeError, ValueError):
                problems.append(f"rule {rule['id']}: security-severity {severity!r}")
            if not isinstance(severity, str):
                problems.append(f"rule {rule['id']}: security-severity is not a string")
        if not run.get("automationDetails", {}).get("id"):
            problems.append("run.automationDetails.id is missing")
        for index, result in enumerate(run.get("results", [])):
            locations = result.get("locations") or []
            if not locations:
                problems.append(f"result {index} has no location")
            for location in [*locations, *result.get("relatedLocations", [])]:
                region = location.get("physicalLocation", {}).get("region", {})
                if region.get("startLine", 0) < 1:
                    problems.append(f"result {index}: startLine below 1")
            if rules and ids[result.get("ruleIndex", -1)] != result.get("ruleId"):
                problems.append(f"result {index}: ruleIndex does not point at its ruleId")
            elif rules:
                problems += _severity_problems(index, result, rules[result["ruleIndex"]])
    return problems


def _severity_problems(index: int, result: dict[str, Any], rule: dict[str, Any]) -> list[str]:
    """GitHub shows the rule's severity, so a result's own level or score would not be seen."""
    problems = []
    rule_level = rule.get("defaultConfiguration", {}).get("level")
    if "level" in result and result["level"] != rule_level:
        problems.append(f"result {index}: level differs from its rule's ({rule_level})")
    score = result.get("properties", {}).get("score")
    rule_score = rule.get("properties", {}).get("security-severity")
    numeric = isinstance(score, (int, float)) and rule_score is not None
    if numeric and f"{score:.1f}" != rule_score:
        problems.append(f"result {index}: score {score} is not its rule's {rule_score}")
    return problems


def main(argv: list[str]) -> int:
    import jsonschema

    sarif_path, schema_path = argv
    with open(sarif_path, encoding="utf-8") as handle:
        log = json.load(handle)
    with open(schema_path, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [error.message for error in validator.iter_errors(log)]
    errors += github_problems(log)
    for error in errors:
        print(f"{sarif_path}: {error}", file=sys.stderr)
    if not errors:
        count = len(log["runs"][0].get("results", []))
        print(f"{sarif_path}: valid SARIF 2.1.0 ({count} results)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
