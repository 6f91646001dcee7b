"""Helpers of the IAM pack's tests: scan a policy written in the test, check a rule on its
fixtures (fixtures/iam/<rule>/bad*: the lines it must report there, and nothing else)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pytest

from guardlint.engine.scan import ScanResult
from guardlint.rulebook import load_rulebook
from tests.conftest import FIXTURES, lines_of, run_scan, write_file

IAM = FIXTURES / "iam"
IAM_RULES = {rule.id for rule in load_rulebook().rules if rule.pack == "iam"}


def scan_policy(
    tmp_path, policy, name="policy.json", rules: Iterable[str] = IAM_RULES
) -> ScanResult:
    """Scan one policy (a dict is written as JSON) with the IAM rules (or those given)."""
    text = json.dumps(policy, indent=2) if isinstance(policy, dict) else policy
    write_file(tmp_path, name, text)
    return run_scan(tmp_path, only_rules=set(rules))


def conditioned_template(resources: str) -> str:
    """A template whose `resources` may branch on its conditions: Prod (Env is prod, not by
    default), UseKms (Kms is yes, not by default) and Always."""
    return f"""\
Parameters:
  Env: {{Type: String, Default: dev}}
  Kms: {{Type: String, Default: "no"}}
Conditions:
  Prod: !Equals [!Ref Env, prod]
  UseKms: !Equals [!Ref Kms, "yes"]
  Always: !Equals [a, a]
Resources:
{resources}
"""


def managed_policy(statements: str) -> str:
    """A conditioned_template's resource: a ManagedPolicy of `statements` (YAML list items,
    indented under its Statement)."""
    return f"""\
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
{statements}"""


def trusting_role(statements: str) -> str:
    """A conditioned_template's resource: a Role whose trust policy is `statements` (YAML list
    items, indented under its Statement)."""
    return f"""\
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
{statements}"""


def statement(**fields) -> dict:
    """A policy of one statement."""
    return {"Version": "2012-10-17", "Statement": [fields]}


def bad_fixtures(rule_ids: Iterable[str]) -> set[tuple[str, str]]:
    """(rule, case) of every fixtures/iam/<rule>/bad* directory of these rules."""
    return {
        (rule_id, path.name)
        for rule_id in rule_ids
        for path in (IAM / rule_id).glob("bad*")
        if path.is_dir()
    }


def fixture_lines(rule_id: str, case: str) -> list[int]:
    """The lines the rule reports on its fixture directory, scanned with that rule only."""
    return lines_of(run_scan(IAM / rule_id / case, only_rules={rule_id}), rule_id)


def fixture_tests(expected_lines: dict[tuple[str, str], list[int]]) -> tuple[Callable, Callable]:
    """Two tests for a family's rules: each reports exactly `expected_lines[rule, case]` on
    fixtures/iam/<rule>/<case>, and every bad fixture of those rules has its entry."""

    @pytest.mark.parametrize(("rule_id", "case"), sorted(expected_lines), ids=lambda part: part)
    def test_catches_the_bad_fixture_lines(rule_id: str, case: str) -> None:
        assert fixture_lines(rule_id, case) == expected_lines[rule_id, case]

    def test_every_bad_fixture_has_expected_lines() -> None:
        rule_ids = {rule_id for rule_id, _ in expected_lines}
        assert bad_fixtures(rule_ids) == set(expected_lines)

    return test_catches_the_bad_fixture_lines, test_every_bad_fixture_has_expected_lines
