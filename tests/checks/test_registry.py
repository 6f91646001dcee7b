"""The check registry: rules find their code through it, and their code is where their pack says."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from guardlint.checks.params import Param, TemplateSpec
from guardlint.checks.registry import (
    RegistryError,
    check,
    check_for,
    check_module,
    registered_checks,
    template,
)
from guardlint.checks.templates import TEMPLATES
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from guardlint.rulebook.validation import RuleError
from tests.conftest import write_file, write_template_pack

TEST_TEMPLATE = "test-resource-type"


@template(TEST_TEMPLATE)
def resource_type_present(document: Document, rule: Rule) -> Iterator[Hit]:
    """A template for these tests: each resource of the types in `params.types`."""
    resources = document.data.get("Resources") or {}
    for logical_id, resource in resources.items():
        if resource.get("Type") in rule.params["types"]:
            message = f"{logical_id}: {rule.params['message']}"
            yield Hit(message, Region(1), f"{resource['Type']} {logical_id}")


@pytest.fixture
def test_template(monkeypatch):
    spec = TemplateSpec(
        __name__,
        {"types": Param(list, items=str), "message": Param(str, default="found")},
    )
    monkeypatch.setitem(TEMPLATES, TEST_TEMPLATE, spec)


def builtin_rules() -> list[Rule]:
    return [rule for path in pack_files(builtin_rules_dir()) for rule in load_pack(path).rules]


def test_every_check_rule_has_its_function_in_the_file_its_pack_names():
    for rule in builtin_rules():
        if rule.check:
            function = check_for(rule)
            assert function.__module__ == check_module(rule), rule.id


def test_no_function_is_registered_for_a_rule_that_names_another_file():
    rules = {rule.id: rule for rule in builtin_rules()}
    for module in {check_module(rule) for rule in rules.values() if rule.check}:
        importlib.import_module(module)
    for rule_id, function in registered_checks().items():
        assert rule_id in rules, f"{function.__qualname__} checks unknown rule {rule_id}"
        assert rules[rule_id].check, f"{rule_id} is declarative but has a Python check"
        assert function.__module__ == check_module(rules[rule_id]), rule_id


def test_a_rule_whose_file_registers_nothing_for_it_is_an_error():
    (rule,) = [r for r in builtin_rules() if r.id == "CFN001"]
    rule.check = "lambda_code"
    with pytest.raises(
        RegistryError, match=r"CFN001: guardlint\.checks\.cloudformation\.lambda_code"
    ):
        check_for(rule)


def test_a_second_function_for_a_rule_is_an_error():
    (rule,) = [r for r in builtin_rules() if r.id == "CFN001"]
    registered = check_for(rule)

    def another(document, rule):
        return iter(())

    with pytest.raises(RegistryError, match="CFN001 is registered twice"):
        check("CFN001")(another)
    assert check_for(rule) is registered


def write_test_pack(tmp_path: Path, **params) -> Path:
    return write_template_pack(tmp_path, "cloudformation", TEST_TEMPLATE, params)


def test_a_template_rule_runs_with_its_params(tmp_path, test_template):
    pack = load_pack(write_test_pack(tmp_path, types=["AWS::S3::Bucket"], message="a bucket"))
    (rule,) = pack.rules
    assert rule.params == {"types": ["AWS::S3::Bucket"], "message": "a bucket"}
    write_file(tmp_path, "t.yaml", "Resources:\n  Logs: {Type: AWS::S3::Bucket}\n")
    packs = [load_pack(path) for path in pack_files(builtin_rules_dir())] + [pack]
    result = scan(ScanOptions(paths=[str(tmp_path / "t.yaml")]), Rulebook(packs))
    assert [f.message for f in result.findings if f.rule_id == "TST001"] == ["Logs: a bucket"]


def test_a_template_parameter_left_out_takes_its_default(tmp_path, test_template):
    (rule,) = load_pack(write_test_pack(tmp_path, types=["AWS::S3::Bucket"])).rules
    assert rule.params["message"] == "found"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"types": ["AWS::S3::Bucket"], "colour": "red"}, "has no parameter 'colour'"),
        ({"message": "m"}, "template test-resource-type needs types"),
        ({"types": "AWS::S3::Bucket"}, "params: types must be a list"),
        ({"types": [1]}, "params: types must be a list of strings"),
        ({"types": [], "message": True}, "params: message must be a string"),
    ],
)
def test_params_a_template_cannot_take_fail_the_pack(tmp_path, test_template, params, expected):
    with pytest.raises(RuleError) as caught:
        load_pack(write_test_pack(tmp_path, **params))
    assert "rule TST001" in str(caught.value) and expected in str(caught.value)


def test_an_unknown_template_fails_the_pack(tmp_path):
    with pytest.raises(RuleError, match="rule TST001: template: unknown template"):
        load_pack(write_test_pack(tmp_path, types=[]))
