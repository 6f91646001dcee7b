"""Every rule is self-documenting, has fixtures, and its own examples behave as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guardlint.engine.rule_runner import ENGINE_EMITTED
from guardlint.rulebook import load_rulebook
from tests.conftest import FIXTURES, ROOT, findings_of, run_scan, write_file

RULEBOOK = load_rulebook()
RULES = RULEBOOK.rules
DEFAULT_EXAMPLE_FILE = {
    "dockerfile": "Dockerfile",
    "compose": "compose.yaml",
    "kubernetes": "manifest.yaml",
    "cloudformation": "template.yaml",
    "iam-policy": "policy.json",
    "ecs-task": "taskdef.json",
    "ecs-service": "service.json",
    "file": "config.yaml",
}
SPEC = ROOT.parent / "shared" / "spec" / "rules.md"
DELIVERY_SPEC = ROOT.parent / "shared" / "spec" / "rules-aws-delivery.md"
IN_FORCE = [r for r in RULES if not r.deprecated]


def fixture_dirs(rule_id: str, outcome: str) -> list[Path]:
    """fixtures/<pack>/<RULE_ID>/<outcome>[-<case>]/ directories."""
    return sorted(p for p in FIXTURES.glob(f"*/{rule_id}/{outcome}*") if p.is_dir())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_documents_itself(rule):
    assert len(rule.description) > 80, "why it matters"
    assert len(rule.remediation) > 30, "how to fix it"
    assert re.match(r"^[A-Z]", rule.title)
    if (rule.id not in ENGINE_EMITTED and not rule.deprecated) or rule.examples:
        assert rule.examples.get("bad") and rule.examples.get("good")


@pytest.mark.parametrize("rule", [r for r in RULES if r.examples], ids=lambda r: r.id)
def test_rule_examples(rule, tmp_path):
    """The bad example fires the rule; the good one does not."""
    name = rule.example_filename or DEFAULT_EXAMPLE_FILE[rule.kinds[0]]
    bad = write_file(tmp_path / "bad", name, rule.examples["bad"])
    good = write_file(tmp_path / "good", name, rule.examples["good"])
    assert findings_of(bad.parent, rule.id), f"{rule.id} silent on its bad example"
    assert not findings_of(good.parent, rule.id), f"{rule.id} fires on its good example"


@pytest.mark.parametrize("rule", [r for r in IN_FORCE if r.id != "GL002"], ids=lambda r: r.id)
def test_rule_has_bad_and_good_fixtures(rule):
    assert fixture_dirs(rule.id, "bad"), f"no fixtures/*/{rule.id}/bad*"
    assert fixture_dirs(rule.id, "good"), f"no fixtures/*/{rule.id}/good*"


def test_a_superseded_rule_has_no_examples_or_fixtures_and_successors_in_force():
    """It emits nothing: examples or fixtures of its own could only be silent."""
    superseded = [r for r in RULES if r.deprecated]
    assert [r.id for r in superseded] == ["CFN027"]
    for rule in superseded:
        assert not rule.examples and not rule.check and not rule.match and not rule.template
        assert not fixture_dirs(rule.id, "")
        assert all(not RULEBOOK.get(successor).deprecated for successor in rule.superseded_by)


FIXTURE_CASES = [
    pytest.param(rule.id, path, id=f"{rule.id}-{path.name}")
    for rule in IN_FORCE
    for outcome in ("bad", "good")
    for path in fixture_dirs(rule.id, outcome)
]


@pytest.mark.parametrize(("rule_id", "case"), FIXTURE_CASES)
def test_fixture(rule_id, case):
    found = findings_of(run_scan(case), rule_id)
    if case.name.startswith("bad"):
        assert found, f"{rule_id} silent on {case.relative_to(ROOT)}"
    else:
        assert not found, f"{rule_id} fires on {case.relative_to(ROOT)}: {found[0].message}"


def _type_shown_by(default) -> bool:
    """A default shows its option's type when it is a scalar, null (a date), or a non-empty
    list or map whose items (keys, values) are all of one kind and show theirs."""
    if isinstance(default, list | dict):
        parts = [list(default), list(default.values())] if isinstance(default, dict) else [default]
        return all(
            part and len({type(item) for item in part}) == 1 and all(map(_type_shown_by, part))
            for part in parts
        )
    return True


@pytest.mark.parametrize("rule", [r for r in RULES if r.options], ids=lambda r: r.id)
def test_every_rule_option_has_a_type(rule):
    """What a config may set is checked against a type: the default's or a declared one
    (option_types), never an empty list that would take anything."""
    untyped = [
        name
        for name, default in rule.options.items()
        if name not in rule.option_types and not _type_shown_by(default)
    ]
    assert not untyped, f"{rule.id}: declare the type of {untyped} in option_types"


def _catalogue_rows(spec: Path) -> list[tuple[str, str, str, str]]:
    return re.findall(
        r"^\| ([A-Z][A-Z0-9]{1,3}\d{3}) \| ([a-z0-9-]+) \| .*\| (\w+) \| ([\w:/]+) \|$",
        spec.read_text(),
        re.M,
    )


@pytest.mark.skipif(not SPEC.exists(), reason="the shared rule catalogue is not beside the repo")
def test_catalogue_contract():
    """IDs, names, severities and categories of spec/rules.md and spec/rules-aws-delivery.md
    are a contract."""
    delivery = _catalogue_rows(DELIVERY_SPEC)
    assert len(delivery) == 30  # 15 ECS, 10 CBD, 5 CDP
    rows = _catalogue_rows(SPEC) + delivery
    assert rows
    for rule_id, name, severity, category in rows:
        rule = RULEBOOK.get(rule_id)
        assert rule is not None, f"{rule_id} of the catalogue is not defined"
        assert (rule.name, rule.category) == (name, category), rule_id
        if severity != "per":
            assert rule.severity.label == severity, rule_id
