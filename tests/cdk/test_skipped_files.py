"""A CDK cloud assembly's files that hold no template are skipped (asset staging folders unless
--cdk-assets, tree.json, manifest.json, *.assets.json, *.metadata.json; cdk.context.json anywhere),
and none is misread as a template or policy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.documents import parse_file
from guardlint.model.documents import SourceFile
from tests.cdk.conftest import APP, ASSEMBLY, by_rule
from tests.conftest import findings_of, run_scan, write_file


def test_asset_staging_and_assembly_metadata_are_skipped(fixture_scan):
    assert not [f for f in fixture_scan.findings if "/asset." in f.path]
    assert fixture_scan.skipped_dirs["cdk-asset"] == 2
    # tree.json, manifest.json, ApiStack.assets.json, and cdk.context.json beside cdk.json
    assert fixture_scan.skipped_files["cdk-metadata"] == 4
    scanned = {Path(path).name for path, kinds in fixture_scan.file_kinds.items() if kinds}
    assert scanned == {"ApiStack.template.json", "ApiStackDatabase5D7C0F3A.nested.template.json"}


def test_cdk_assets_scans_the_staging_folders(fixture_scan):
    result = run_scan(APP, cdk_assets=True)
    staged = {(Path(f.path).name, f.rule_id) for f in result.findings if "/asset." in f.path}
    assert {("Dockerfile", "DKR008"), ("template.json", "CFN001")} <= staged
    assert "cdk-asset" not in result.skipped_dirs
    assert result.skipped_files["cdk-metadata"] == 4


def test_cdk_assets_on_the_command_line_and_in_the_config(app_copy):
    runner = CliRunner()

    def staged(*args: str) -> int:
        result = runner.invoke(cli, ["scan", "app", "-f", "json", *args])
        return sum("/asset." in f["path"] for f in json.loads(result.stdout)["findings"])

    assert staged() == 0
    assert staged("--cdk-assets") > 0
    write_file(app_copy.parent, ".guardlint.yaml", "cdk_assets: true\n")
    assert staged() > 0
    write_file(app_copy.parent, ".guardlint.yaml", "cdk_assets: yes please\n")
    result = runner.invoke(cli, ["scan", "app"])
    assert result.exit_code == 2
    assert "cdk_assets: must be true or false" in result.output


def test_files_named_on_the_command_line_are_skipped_alike(app_copy):
    """pre-commit passes each staged file by name."""
    assets = sorted((app_copy / "cdk.out").glob("asset.*"))
    dockerfile = assets[0] / "Dockerfile"
    result = run_scan(dockerfile, app_copy / "cdk.out" / "tree.json", assets[1])
    assert not result.findings
    assert result.skipped_files == {"cdk-asset": 1, "cdk-metadata": 1}
    assert result.skipped_dirs == {"cdk-asset": 1}
    assert findings_of(run_scan(dockerfile, cdk_assets=True), "DKR008")


ASSEMBLY_LOOKALIKE = json.dumps(
    {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"Open": {"Type": "AWS::S3::Bucket", "Properties": {}}},
    }
)
POLICY_LOOKALIKE = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def test_no_assembly_metadata_file_is_read_as_a_template_or_policy(tmp_path):
    """Skipped by name inside an assembly, whatever they hold (here: a template or a policy)."""
    shutil.copy(ASSEMBLY / "manifest.json", tmp_path / "manifest.json")
    for name in ("tree.json", "ApiStack.assets.json", "ApiStack.metadata.json"):
        write_file(tmp_path, name, ASSEMBLY_LOOKALIKE)
    write_file(tmp_path, "Other.metadata.json", POLICY_LOOKALIKE)
    result = run_scan(tmp_path)
    assert not result.findings
    assert result.skipped_files == {"cdk-metadata": 5}


def test_the_real_metadata_files_hold_no_template_or_policy():
    """Even read, CDK's own files are no CloudFormation or IAM documents."""
    for path in (*ASSEMBLY.glob("*.json"), APP / "cdk.context.json"):
        if path.name.endswith(".template.json"):
            continue
        source = SourceFile(str(path), path.name, "structured")
        assert not parse_file(source).documents, path.name


def test_outside_an_assembly_the_same_names_are_scanned(tmp_path):
    write_file(tmp_path, "tree.json", ASSEMBLY_LOOKALIKE)
    write_file(tmp_path, "asset.1/template.json", ASSEMBLY_LOOKALIKE)
    write_file(tmp_path, "manifest.json", json.dumps({"version": "1", "artifacts": {}}))
    result = run_scan(tmp_path)
    assert {Path(f.path).name for f in findings_of(result, "CFN001")} == {
        "tree.json",
        "template.json",
    }


def test_cdk_context_json_is_never_a_template(tmp_path):
    write_file(tmp_path, "infra/cdk.context.json", ASSEMBLY_LOOKALIKE)
    result = run_scan(tmp_path)
    assert not result.findings
    assert result.skipped_files == {"cdk-metadata": 1}


def test_an_app_of_stages_only_is_an_assembly_too(app_copy):
    """An app whose stacks all live in Stages writes a top manifest of nested assemblies only
    (`cdk:cloud-assembly` artifacts, no stack of its own); the stages' assets are staged in
    that top directory, and its tree.json and manifest.json hold no template either."""
    top = app_copy / "cdk.out"
    stage = top / "assembly-Prod"
    stage.mkdir()
    for name in ("manifest.json", "ApiStack.template.json", "ApiStack.assets.json"):
        shutil.move(top / name, stage / name)
    write_file(top, "manifest.json", json.dumps({
        "version": "36.0.0",
        "artifacts": {
            "assembly-Prod": {"type": "cdk:cloud-assembly",
                              "properties": {"directoryName": "assembly-Prod",
                                             "displayName": "Prod"}},
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
        },
    }))  # fmt: skip
    result = run_scan(app_copy)
    assert not [f for f in result.findings if "/asset." in f.path]
    assert result.skipped_dirs["cdk-asset"] == 2
    # both manifests, tree.json, ApiStack.assets.json and cdk.context.json
    assert result.skipped_files["cdk-metadata"] == 5
    assert by_rule(result, "CFN001").path == "app/cdk.out/assembly-Prod/ApiStack.template.json"


def test_a_manifest_of_other_artifacts_makes_no_assembly(tmp_path):
    """Only stacks and nested assemblies (which name their directory) make one."""
    write_file(tmp_path / "out", "manifest.json", json.dumps({
        "version": "36.0.0",
        "artifacts": {"Tree": {"type": "cdk:tree"},
                      "Assets": {"type": "cdk:asset-manifest"},
                      "nested": {"type": "cdk:cloud-assembly", "properties": {}}},
    }))  # fmt: skip
    write_file(tmp_path / "out" / "asset.abc", "Dockerfile", "FROM python:3.12\nRUN curl x | sh\n")
    assert [f.path for f in run_scan(tmp_path).findings if "/asset." in f.path]
