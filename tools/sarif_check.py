"""Check a SARIF file against the SARIF 2.1.0 JSON schema and GitHub's ingestion limits.

    python tools/sarif_check.py FILE.sarif SCHEMA.json

The schema check needs `jsonschema` (a test dependency). The GitHub checks are the ones other
tools' users have been bitten by: one run, unique rule IDs, a location and startLine >= 1 on
every result, security-severity as a number in a string, and a result level that is its
rule's (GitHub shows the rule's severity, not the result's); and GitHub's documented limits
(guardlint.report.sarif_limits): the length of a rule's name and descriptions, its tags, the
rules and results of a run, the locations of a result, the compressed size of the file. What
GitHub would only leave out (results past the 5,000 it stores) is a note, not a problem.
"""

from __future__ import annotations

import gzip
import json
import sys
from typing import Any

from guardlint.report import sarif_limits as limits


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
        problems += _count_problem(len(rules), "rules in a run", limits.MAX_RULES)
        problems += _count_problem(
            len(run.get("results", [])), "results in a run", limits.MAX_RESULTS
        )
        for rule in rules:
            problems += _rule_limit_problems(rule)
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
            problems += _location_limit_problems(index, result)
            for location in [*locations, *result.get("relatedLocations", [])]:
                region = location.get("physicalLocation", {}).get("region", {})
                if region.get("startLine", 0) < 1:
                    problems.append(f"result {index}: startLine below 1")
            if rules and ids[result.get("ruleIndex", -1)] != result.get("ruleId"):
                problems.append(f"result {index}: ruleIndex does not point at its ruleId")
            elif rules:
                problems += _severity_problems(index, result, rules[result["ruleIndex"]])
    return problems


def github_notes(log: dict[str, Any]) -> list[str]:
    """What GitHub would take but not store or show in full."""
    notes = []
    for run in log.get("runs", []):
        results = run.get("results", [])
        if len(results) > limits.STORED_RESULTS:
            notes.append(
                f"{len(results):,} results in a run: GitHub stores only the "
                f"{limits.STORED_RESULTS:,} it ranks first by severity"
            )
        for index, result in enumerate(results):
            everywhere = _location_count(result)
            if limits.SHOWN_LOCATIONS < everywhere <= limits.MAX_LOCATIONS:
                notes.append(
                    f"result {index}: {everywhere:,} locations of every kind, GitHub shows "
                    f"{limits.SHOWN_LOCATIONS}"
                )
    return notes


def _count_problem(count: int, what: str, limit: int) -> list[str]:
    return [f"{count:,} {what}: GitHub rejects more than {limit:,}"] if count > limit else []


def _rule_limit_problems(rule: dict[str, Any]) -> list[str]:
    texts = [
        ("name", rule.get("name") or "", limits.MAX_RULE_NAME),
        (
            "shortDescription.text",
            rule.get("shortDescription", {}).get("text", ""),
            limits.MAX_DESCRIPTION,
        ),
        (
            "fullDescription.text",
            rule.get("fullDescription", {}).get("text", ""),
            limits.MAX_DESCRIPTION,
        ),
    ]
    problems = [
        f"rule {rule['id']}: {name} is {len(text):,} characters, GitHub takes {limit:,}"
        for name, text, limit in texts
        if len(text) > limit
    ]
    tags = rule.get("properties", {}).get("tags", [])
    if len(tags) > limits.MAX_TAGS:
        problems.append(f"rule {rule['id']}: {len(tags)} tags, GitHub keeps {limits.MAX_TAGS}")
    return problems


def _location_limit_problems(index: int, result: dict[str, Any]) -> list[str]:
    problems = []
    locations = result.get("locations") or []
    if len(locations) > limits.MAX_RESULT_LOCATIONS:
        problems.append(
            f"result {index}: {len(locations):,} locations, GitHub takes "
            f"{limits.MAX_RESULT_LOCATIONS}"
        )
    everywhere = _location_count(result)
    if everywhere > limits.MAX_LOCATIONS:
        problems.append(
            f"result {index}: {everywhere:,} locations of every kind, GitHub rejects more "
            f"than {limits.MAX_LOCATIONS:,}"
        )
    return problems


def _location_count(result: dict[str, Any]) -> int:
    """The locations GitHub counts for a result: its own, related ones and code flows'."""
    flows = [
        location
        for flow in result.get("codeFlows", [])
        for thread in flow.get("threadFlows", [])
        for location in thread.get("locations", [])
    ]
    return len(result.get("locations", [])) + len(result.get("relatedLocations", [])) + len(flows)


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
    with open(sarif_path, "rb") as handle:
        size = len(gzip.compress(handle.read(), compresslevel=6))  # zlib's default level
    errors += _count_problem(size, "bytes gzip-compressed", limits.MAX_GZIPPED_BYTES)
    for error in errors:
        print(f"{sarif_path}: {error}", file=sys.stderr)
    for note in github_notes(log):
        print(f"{sarif_path}: note: {note}", file=sys.stderr)
    if not errors:
        count = len(log["runs"][0].get("results", []))
        print(f"{sarif_path}: valid SARIF 2.1.0 ({count} results)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
