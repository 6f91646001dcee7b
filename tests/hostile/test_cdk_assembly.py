"""A hostile CDK cloud assembly: its manifest, metadata files and stack traces are the
repository's bytes. They never crash a scan, are read bounded, and never lead out of the scan
root (no file outside it is read, and no related location names one)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from guardlint.parse.cdk_assembly import MANIFEST_MAX_BYTES
from tests.conftest import FIXTURES, findings_of, run_scan, write_file

APP = FIXTURES / "cloudformation" / "CFN001" / "bad-cdk-assembly"
BUCKET_PATH = "/ApiStack/Uploads/Resource"


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The fixture app under `repo/` (the scan root), with `outside/` beside the root."""
    shutil.copytree(APP, tmp_path / "repo" / "app")
    (tmp_path / "outside").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo" / "app"


def manifest_of(app: Path) -> dict:
    return json.loads((app / "cdk.out" / "manifest.json").read_text())


def write_manifest(app: Path, data: object) -> None:
    (app / "cdk.out" / "manifest.json").write_text(json.dumps(data))


def set_trace(app: Path, *frames: object) -> None:
    data = manifest_of(app)
    data["artifacts"]["ApiStack"]["metadata"][BUCKET_PATH][0]["trace"] = list(frames)
    write_manifest(app, data)


def bucket_finding(app: Path):
    """CFN001 on the stack's bucket (with no assembly, the staged assets are scanned too)."""
    found = findings_of(run_scan(app), "CFN001")
    (finding,) = [f for f in found if f.path.endswith("/ApiStack.template.json")]
    assert finding.resource.startswith("AWS::S3::Bucket ApiStack/Uploads/Resource (")
    return finding


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[" * 200_000 + "]" * 200_000,
        '{"version": "36.0.0", "artifacts": ["ApiStack"]}',
        '{"version": 36, "artifacts": {"ApiStack": {"type": "aws:cloudformation:stack"}}}',
        '"a string"',
        '{"version": "1", "artifacts": {"ApiStack": {"type": "aws:cloudformation:stack", '
        '"metadata": {"/ApiStack/Uploads/Resource": "no list", "/x": [1, null, {"type": 2}]}}}}',
        '{"version": "1", "artifacts": {"ApiStack": {"type": "aws:cloudformation:stack", '
        '"metadata": {"/ApiStack/Uploads/Resource": [{"type": "aws:cdk:logicalId", '
        '"trace": [1, {"a": 2}, "\\u0000 (/x\\u0000y:1:1)", "\\udc80 (/\\udc80.ts:1:1)"]}]}}}}',
        '{"version": "1", "artifacts": {"ApiStack": {"type": "aws:cloudformation:stack", '
        '"metadata": {"/ApiStack/Uploads/Resource": [{"type": "aws:cdk:logicalId", '
        '"trace": ["x (/a.ts:' + "9" * 5000 + ':1)", "' + "(" * 100_000 + '"]}]}}}}',
        "\ufeff" + '{"version": "1"}',
        "\x00\x01\x02",
    ],
)
def test_a_broken_manifest_never_fails_the_scan(app, text):
    (app / "cdk.out" / "manifest.json").write_text(text, encoding="utf-8", errors="surrogatepass")
    finding = bucket_finding(app)
    assert not finding.related_locations


def test_an_oversized_manifest_is_not_read_and_the_assembly_is_scanned_as_plain_files(app):
    data = manifest_of(app)
    data["padding"] = "x" * MANIFEST_MAX_BYTES
    write_manifest(app, data)
    assert not bucket_finding(app).related_locations
    assert "cdk-asset" not in run_scan(app).skipped_dirs  # no assembly: assets are plain files


def test_a_manifest_linked_out_of_the_root_is_not_read(app, tmp_path):
    outside = tmp_path / "outside" / "manifest.json"
    shutil.move(app / "cdk.out" / "manifest.json", outside)
    (app / "cdk.out" / "manifest.json").symlink_to(outside)
    assert not bucket_finding(app).related_locations
    assert "cdk-asset" not in run_scan(app).skipped_dirs


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_manifest_is_not_waited_for(app):
    (app / "cdk.out" / "manifest.json").unlink()
    os.mkfifo(app / "cdk.out" / "manifest.json")
    assert bucket_finding(app)


@pytest.mark.parametrize("name", ["../../../outside/side.json", "/etc/passwd", "..", "a/b.json"])
def test_a_metadata_file_is_read_only_beside_the_manifest(app, tmp_path, name):
    data = manifest_of(app)
    stack = data["artifacts"]["ApiStack"]
    metadata = json.dumps(stack.pop("metadata"))
    write_file(tmp_path, "outside/side.json", metadata)
    write_file(app, "cdk.out/a/b.json", metadata)  # inside the root, but not beside the manifest
    stack["additionalMetadataFile"] = name
    write_manifest(app, data)
    assert not bucket_finding(app).related_locations


def test_a_metadata_file_linked_out_of_the_root_is_not_read(app, tmp_path):
    data = manifest_of(app)
    stack = data["artifacts"]["ApiStack"]
    write_file(tmp_path, "outside/side.json", json.dumps(stack.pop("metadata")))
    (app / "cdk.out" / "ApiStack.metadata.json").symlink_to(tmp_path / "outside" / "side.json")
    stack["additionalMetadataFile"] = "ApiStack.metadata.json"
    write_manifest(app, data)
    assert not bucket_finding(app).related_locations


def test_a_trace_never_names_a_file_outside_the_root(app, tmp_path):
    write_file(tmp_path, "outside/secret.ts", "x\n")
    (app / "lib" / "linked.ts").symlink_to(tmp_path / "outside" / "secret.ts")
    (app / "leak").symlink_to(tmp_path / "outside")
    set_trace(
        app,
        f"a ({tmp_path}/outside/secret.ts:1:1)",
        "b (../../../outside/secret.ts:1:1)",
        "c (/home/dev/shop/lib/linked.ts:1:1)",
        "d (/home/dev/shop/leak/secret.ts:1:1)",
    )
    assert not bucket_finding(app).related_locations


def test_a_trace_may_name_only_the_part_after_a_parent_reference(app):
    set_trace(app, "a (/x/../../lib/api-stack.ts:3:1)")
    (related,) = bucket_finding(app).related_locations
    assert (related.path, related.region.start_line) == ("app/lib/api-stack.ts", 3)


def test_a_long_trace_is_looked_at_within_bounds(app):
    frames = [f"f{i} (/{'/'.join(['d'] * 200)}/f{i}.ts:1:1)" for i in range(5000)]
    set_trace(app, *frames, "new ApiStack (/home/dev/shop/lib/api-stack.ts:12:21)")
    assert not bucket_finding(app).related_locations  # its app frame is past the bound


def test_hostile_construct_paths_stay_printable(app):
    template = app / "cdk.out" / "ApiStack.template.json"
    data = json.loads(template.read_text())
    data["Resources"]["Uploads1E6C8F2B"]["Metadata"]["aws:cdk:path"] = "S/\x1b[31mred\u202e/" + (
        "p" * 5000
    )
    data["Resources"]["HandlerServiceRoleFCDC14AE"]["Metadata"]["aws:cdk:path"] = ["not", "text"]
    data["Resources"]["Bad-Id"] = {
        "Type": "AWS::S3::Bucket",
        "Metadata": {"aws:cdk:path": "S/Bad/Resource"},
    }
    template.write_text(json.dumps(data))
    result = run_scan(app)
    labels = {f.resource for f in findings_of(result, "CFN001")}
    assert "AWS::S3::Bucket Bad-Id" in labels  # not an ID CloudFormation accepts: not renamed
    (odd,) = labels - {"AWS::S3::Bucket Bad-Id"}
    assert "\x1b" not in odd and "\u202e" not in odd
    assert len(odd) <= 1_000


@pytest.mark.parametrize("name", ["ApiStack.bin", "tree.json", "Api.assets.json", "asset.1.json"])
def test_a_template_the_manifest_names_is_judged_whatever_its_name(app, name):
    # `cdk deploy --app cdk.out` deploys the file a stack's templateFile names: discovery skipped
    # one whose name is no IaC file's, or is the name of the assembly's metadata or assets.
    out = app / "cdk.out"
    os.replace(out / "ApiStack.template.json", out / name)
    data = manifest_of(app)
    data["artifacts"]["ApiStack"]["properties"]["templateFile"] = name
    write_manifest(app, data)
    found = findings_of(run_scan(app), "CFN001")
    assert [f.path for f in found if f.resource.startswith("AWS::S3::Bucket ApiStack/")] == [
        f"app/cdk.out/{name}"
    ]


def test_a_file_no_stack_names_keeps_its_skip(app):
    # A template name in a manifest elsewhere makes no file of this assembly a template.
    (app / "cdk.out" / "stack.bin").write_text((app / "cdk.out" / "tree.json").read_text())
    result = run_scan(app)
    assert not [f for f in result.findings if f.path.endswith(("stack.bin", "tree.json"))]


_STAGED = "asset.0b7f4e1d8c9a2b3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e"


def move_template(app: Path, template_file: str) -> None:
    """The stack's template moved to `template_file` (relative to the manifest's directory),
    as the manifest then names it."""
    out = app / "cdk.out"
    target = out / template_file
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(out / "ApiStack.template.json", target)
    data = manifest_of(app)
    data["artifacts"]["ApiStack"]["properties"]["templateFile"] = template_file
    write_manifest(app, data)


def stack_bucket_paths(result) -> list[str]:
    found = findings_of(result, "CFN001")
    return [f.path for f in found if f.resource.startswith("AWS::S3::Bucket ApiStack/")]


@pytest.mark.parametrize(
    "template_file",
    ["stacks/ApiStack.bin", "assembly-Prod/tree.json", f"{_STAGED}/ApiStack.json", "asset.x/a/s"],
)
def test_a_template_the_manifest_names_below_it_is_judged(app, template_file):
    # The cloud-assembly schema reads a templateFile relative to the manifest's directory, and
    # `cdk deploy --app cdk.out` deploys it there: discovery followed bare names only, and
    # skipped an asset staging folder whole.
    move_template(app, template_file)
    result = run_scan(app)
    assert stack_bucket_paths(result) == [f"app/cdk.out/{template_file}"]
    # The rest of a staging folder is still a copy of code scanned where it lives.
    assert not [f for f in result.findings if f.path.startswith(f"app/cdk.out/{_STAGED}/D")]


def test_a_template_below_its_manifest_named_on_the_command_line_is_judged(app):
    move_template(app, f"{_STAGED}/stack.bin")
    result = run_scan(app / "cdk.out" / _STAGED / "stack.bin")
    assert len(stack_bucket_paths(result)) == 1


@pytest.mark.parametrize(
    "template_file",
    ["../../../outside/t.json", "/TMP/t.json", "stacks/../../../../outside/t.json", "a\\t.json"],
)
def test_a_template_file_leading_out_of_its_directory_is_not_followed(app, template_file):
    outside = app.parent.parent / "outside"
    shutil.copy(app / "cdk.out" / "ApiStack.template.json", outside / "t.json")
    data = manifest_of(app)
    data["artifacts"]["ApiStack"]["properties"]["templateFile"] = template_file.replace(
        "/TMP", str(outside)
    )
    write_manifest(app, data)
    result = run_scan(app)
    assert all(f.path.startswith("app/") for f in result.findings)
    assert stack_bucket_paths(result) == ["app/cdk.out/ApiStack.template.json"]  # by its name


def test_a_template_file_through_a_link_out_of_the_root_is_not_followed(app):
    outside = app.parent.parent / "outside"
    os.replace(app / "cdk.out" / "ApiStack.template.json", outside / "stack.bin")
    (app / "cdk.out" / "linked").symlink_to(outside, target_is_directory=True)
    data = manifest_of(app)
    data["artifacts"]["ApiStack"]["properties"]["templateFile"] = "linked/stack.bin"
    write_manifest(app, data)
    result = run_scan(app)
    assert stack_bucket_paths(result) == []
    assert result.skipped_files["link-outside-root"] == 1  # never looked at: no type known
