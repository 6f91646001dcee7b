"""A template the manifest names below its directory (`stacks/ApiStack.bin`: the cloud-assembly
schema reads a templateFile relative to the manifest) gets what one beside it gets: its
constructs' `--debug` traces as related locations, and its stack's account."""

from __future__ import annotations

import json

from tests.cdk.conftest import BUCKET, by_rule
from tests.cdk.test_stack_account import _assembly
from tests.conftest import findings_of, run_scan


def _move_below(assembly, artifact: str, template_file: str) -> None:
    manifest = assembly / "manifest.json"
    data = json.loads(manifest.read_text())
    properties = data["artifacts"][artifact]["properties"]
    target = assembly / template_file
    target.parent.mkdir(parents=True)
    (assembly / properties["templateFile"]).rename(target)
    properties["templateFile"] = template_file
    manifest.write_text(json.dumps(data))


def test_a_template_below_its_manifest_points_at_the_construct_s_source(app_copy):
    _move_below(app_copy / "cdk.out", "ApiStack", "stacks/deep/ApiStack.bin")
    finding = by_rule(run_scan(app_copy), "CFN001")
    assert finding.path == "app/cdk.out/stacks/deep/ApiStack.bin"
    assert finding.resource == BUCKET
    related = finding.related_locations
    assert [(r.path, r.region.start_line) for r in related] == [("app/lib/api-stack.ts", 12)]


def test_a_template_below_its_manifest_knows_its_stack_s_account(tmp_path):
    _assembly(tmp_path / "cdk.out", "aws://111111111111/us-east-1")
    (tmp_path / "cdk.out" / "StackNested0A1B2C3D.nested.template.json").unlink()
    _move_below(tmp_path / "cdk.out", "Stack", "./stacks/Stack.json")
    found = findings_of(run_scan(tmp_path), "IAM009")
    assert [(f.path, f.resource.split()[1]) for f in found] == [
        ("cdk.out/stacks/Stack.json", "Other")
    ]


def test_a_template_no_manifest_above_names_has_no_trace(app_copy):
    (app_copy / "cdk.out" / "stacks").mkdir()
    (app_copy / "cdk.out" / "ApiStack.template.json").rename(
        app_copy / "cdk.out" / "stacks" / "ApiStack.template.json"
    )
    finding = by_rule(run_scan(app_copy), "CFN001")
    assert finding.path == "app/cdk.out/stacks/ApiStack.template.json"
    assert finding.resource == BUCKET
    assert not finding.related_locations
