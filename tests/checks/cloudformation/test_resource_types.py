"""Rules that declare the resource types they look at (guardlint.model.rules.Rule.resource_types) do
not run on a template without one of them. Each declaration must hold: with its resources of
those types taken out, a real template gives the rule's check nothing to report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from guardlint.checks.params import Param, TemplateSpec
from guardlint.checks.registry import check_for
from guardlint.checks.templates import TEMPLATES
from guardlint.discover import discover
from guardlint.documents import parse_file
from guardlint.documents.cloudformation.resources import template_of
from guardlint.documents.cloudformation.sam_made import SAM_MAKERS
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import YamlMap
from guardlint.rulebook import load_pack
from guardlint.rulebook.validation import RuleError
from tests.checks.test_registry import TEST_TEMPLATE, builtin_rules, write_test_pack
from tests.conftest import replace_check, run_scan, write_file
from tests.hostile.test_filesystem import CORPUS

FIXTURES = Path(__file__).parents[3] / "fixtures"
BUCKET = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n"
QUEUE = "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"


def _templates(directory: Path) -> Iterator[Document]:
    found = discover([str(directory)], str(directory), [], None, False)
    for source in found.files:
        yield from (d for d in parse_file(source).documents if d.kind == "cloudformation")


def _with_types(directory: Path) -> list[Rule]:
    """Every built-in rule that declares resource types, its examples written to `directory`."""
    rules = [rule for rule in builtin_rules() if rule.resource_types]
    for rule in rules:
        for label, text in rule.examples.items():
            write_file(directory, f"{rule.id}-{label}.yaml", text)
    return rules


def _map_like(original: YamlMap, items: dict) -> YamlMap:
    copied = YamlMap(original.region)
    copied.update(items)
    copied.key_regions, copied.value_regions = original.key_regions, original.value_regions
    return copied


def _type(resource: object) -> str | None:
    kind = resource.get("Type") if isinstance(resource, dict) else None
    return kind if isinstance(kind, str) else None


def _hits_without_its_types(rule: Rule, document: Document) -> list[Hit]:
    """The rule's hits in the template with every resource of its declared types taken out
    (of the resources it deploys: its loops expanded)."""
    data, resources = document.data, template_of(document).resource_section
    if not isinstance(data, YamlMap) or not isinstance(resources, YamlMap):
        return []
    kept = {logical_id: resource for logical_id, resource in resources.items()
            if _type(resource) not in rule.resource_types}  # fmt: skip
    stripped = Document(
        document.kind, document.rel_path, _map_like(data, {**data, "Resources":
        _map_like(resources, kept)}), document.lines, document.index, document.source,
        resource_names=document.resource_names,
    )  # fmt: skip
    return list(check_for(rule)(stripped, rule))


def test_without_its_resource_types_a_template_gives_a_rule_nothing_to_report(tmp_path):
    rules = _with_types(tmp_path)
    directories = [tmp_path, FIXTURES, *([CORPUS] if CORPUS else [])]
    templates = [document for directory in directories for document in _templates(directory)]
    assert len(templates) > (1500 if CORPUS else 60)
    wrong = {
        (rule.id, template.rel_path)
        for template in templates
        for rule in rules
        if _hits_without_its_types(rule, template)
    }
    assert not wrong, f"reported without their resource types: {sorted(wrong)[:10]}"


def test_a_declaration_that_leaves_out_a_type_the_check_reads_is_caught(tmp_path):
    (rule,) = [rule for rule in builtin_rules() if rule.id == "CFN013"]
    rule.resource_types = frozenset({"AWS::EC2::Volume"})  # it also reads instances
    write_file(tmp_path, "t.yaml", (
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n"
        "      BlockDeviceMappings:\n        - DeviceName: /dev/xvda\n"
        "          Ebs: {VolumeSize: 8}\n"
    ))  # fmt: skip
    (template,) = _templates(tmp_path)
    assert _hits_without_its_types(rule, template)


def test_a_rule_runs_only_on_templates_holding_one_of_its_resource_types(tmp_path, monkeypatch):
    seen: dict[str, list[str]] = {"CFN001": [], "CFN018": []}

    def recording(rule_id):
        def make(real_check):
            def check(document, rule):
                seen[rule_id].append(document.rel_path)
                return real_check(document, rule)

            return check

        return make

    for rule_id in seen:
        replace_check(monkeypatch, rule_id, recording(rule_id))
    write_file(tmp_path, "bucket.yaml", BUCKET)
    write_file(tmp_path, "queue.yaml", QUEUE)
    result = run_scan(tmp_path, jobs=1)
    assert [f.path for f in result.findings if f.rule_id == "CFN001"] == ["bucket.yaml"]
    assert seen["CFN001"] == ["bucket.yaml"]
    assert sorted(seen["CFN018"]) == ["bucket.yaml", "queue.yaml"]  # it declares none


def test_a_template_rule_takes_its_resource_types_from_its_template(tmp_path, monkeypatch):
    spec = TemplateSpec(__name__, {"types": Param(list, items=str)}, lambda p: p["types"])
    monkeypatch.setitem(TEMPLATES, TEST_TEMPLATE, spec)
    (rule,) = load_pack(write_test_pack(tmp_path, types=["AWS::S3::Bucket"])).rules
    assert rule.resource_types == {"AWS::S3::Bucket"}
    builtin = {rule.id: rule for rule in builtin_rules()}
    # and the SAM resources for which the transform makes queues and topics (sam_made)
    made = {"AWS::SQS::Queue", "AWS::SNS::Topic", *SAM_MAKERS}
    assert builtin["CFN022"].resource_types == made
    assert builtin["CFN006"].resource_types == {
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
    }


def _pack(tmp_path: Path, custom: bool, **code) -> Path:
    rule = {"id": "TST001", "name": "t", "title": "T", "severity": "low",
            "category": "Policy:Test/Rule", "description": "d", "remediation": "r",
            "resource_types": ["AWS::S3::Bucket"], **code}  # fmt: skip
    pack = {"pack": "acme" if custom else "cloudformation", "kinds": ["cloudformation"],
            "rules": [rule]}  # fmt: skip
    return write_file(tmp_path, "pack.yaml", yaml.safe_dump(pack))


@pytest.mark.parametrize(
    ("custom", "code", "expected"),
    [
        (False, {"template": "resource-property", "params": {"types": ["A"], "tests": []}},
         "resource_types: only a built-in rule with a check declares them"),
        (True, {"match": {"select": "$.Resources", "where": {"path": "X", "exists": True}}},
         "resource_types: only a built-in rule with a check declares them"),
        (False, {"check": "storage", "resource_types": "AWS::S3::Bucket"},
         "resource_types: must be a list of strings"),
    ],
)  # fmt: skip
def test_resource_types_where_a_rule_cannot_declare_them_fail_the_pack(
    tmp_path, custom, code, expected
):
    with pytest.raises(RuleError, match=expected):
        load_pack(_pack(tmp_path, custom, **code), custom=custom)
