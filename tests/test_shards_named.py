"""`guardlint scan --shard k/n` with files judged because a scanned file names them
(guardlint.engine.named_files): the slices' reports merged equal the whole scan's, byte for byte,
wherever the naming and the named files fall."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from guardlint.discover.shards import Shard
from tests.conftest import processor_seconds, write_file
from tests.test_sarif import validate
from tests.test_shards import run_cli

IMAGE = "FROM alpine:3.22\nRUN curl -fsSL https://x.example/i.sh | sh\nUSER root\n"
DB = "services:\n  db:\n    image: postgres:16.1\n    privileged: true\n"
NAMERS = 8
STACK = """\
Resources:
  Plain:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: ../common/plain.tmpl}
  Broken:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: ../common/broken.tmpl}
"""
REFUSED = 2


def _compose(n: int) -> str:
    return (
        f"include:\n  - ../parts/p{n}.conf\n  - ../common/shared.conf\n"
        "services:\n  web:\n    build:\n      context: ../images\n"
        f"      dockerfile: img{n}.image\n"
        f"  api:\n    build:\n      context: ../images\n      dockerfile: Dockerfile.svc{n}\n"
    )


def _tree(root: Path) -> Path:
    """Compose files naming a Dockerfile of no IaC name, one of an IaC name (scanned anyway),
    an included file that includes another (a chain), and one file every Compose file names;
    templates nesting a file that is no template (skipped) and one that cannot be parsed."""
    for n in range(NAMERS):
        write_file(root, f"svc{n}/compose.yaml", _compose(n))
        write_file(root, f"images/img{n}.image", IMAGE)
        write_file(root, f"images/Dockerfile.svc{n}", IMAGE)
        write_file(root, f"parts/p{n}.conf", f"include:\n  - q{n}.conf\n" + DB)
        write_file(root, f"parts/q{n}.conf", DB.replace("db:", "cache:"))
        write_file(root, f"svc{n}/stack.yaml", STACK)
    write_file(root, "common/shared.conf", DB.replace("db:", "shared:"))
    write_file(root, "common/plain.tmpl", "notes: not a template\n")  # skipped by its content
    write_file(root, "common/broken.tmpl", "Resources: [\n")  # unparsable
    return root


def _apart(count: int, *paths: str) -> bool:
    """Whether the paths fall in slices of their own."""
    return len(
        {next(k for k in range(1, count + 1) if Shard(k, count).owns(p)) for p in paths}
    ) == len(paths)


def _scan_and_merge(tmp_path: Path, fmt: str, count: int, *extra: str) -> tuple[bytes, Path]:
    """The whole scan's report of the working directory, and the merged slices' (its path)."""
    whole = tmp_path / f"whole.{fmt}"
    assert run_cli("scan", ".", "-f", fmt, "-o", str(whole), "-q", *extra).exit_code in (0, 1)
    slices = []
    for index in range(1, count + 1):
        path = tmp_path / f"slice{index}.{fmt}"
        shard = f"{index}/{count}"
        result = run_cli("scan", ".", "--shard", shard, "-f", fmt, "-o", str(path), "-q", *extra)
        assert result.exit_code in (0, 1), result.output
        slices.append(str(path))
    merged = tmp_path / f"merged.{fmt}"
    result = run_cli("merge", *slices, "-o", str(merged), "-q")
    assert result.exit_code == 0, result.output
    return whole.read_bytes(), merged


def _outcome(report: bytes) -> bytes:
    """A report without the one field that is not the scan's outcome (JSON's duration)."""
    return re.sub(rb'"duration_seconds": [0-9.]+', b"", report)


@pytest.mark.parametrize("count", [2, 3, 5])
@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_named_files_in_other_slices_merge_into_the_whole_scan(tmp_path, monkeypatch, count, fmt):
    root = _tree(tmp_path / "repo")
    monkeypatch.chdir(root)  # repository-relative paths, as in CI
    chains = [(f"svc{n}/compose.yaml", f"parts/p{n}.conf", f"parts/q{n}.conf")
              for n in range(NAMERS)]  # fmt: skip
    # The tree has what the test is about in every slicing: a named file and its namer apart, a
    # chain across three slices (two where there are two), one file named from two slices.
    assert any(_apart(count, f"svc{n}/compose.yaml", f"images/img{n}.image") for n in range(NAMERS))
    assert any(_apart(count, *chain[3 - min(count, 3) :]) for chain in chains)
    assert any(_apart(count, a[0], b[0]) for a in chains for b in chains)  # both name shared.conf
    whole, merged = _scan_and_merge(tmp_path, fmt, count)
    assert _outcome(merged.read_bytes()) == _outcome(whole)
    assert b"common/shared.conf" in whole and b"img0.image" in whole and b"q0.conf" in whole
    assert b"common/broken.tmpl" in whole
    assert b"sharedFiles" not in whole and b"shared_files" not in whole  # no slice's listing
    listings = [json.loads(path.read_text()) for path in tmp_path.glob(f"slice*.{fmt}")]
    if fmt == "sarif":  # a slice's log, its listing as a run property, is valid SARIF too
        for log in listings:
            validate(log)
        listings = [log["runs"][0].get("properties", {}) for log in listings]
    assert any(listing for listing in listings)


def _slices(tmp_path: Path, fmt: str) -> list[Path]:
    """Two slices' reports of the tree, both holding common/shared.conf's findings."""
    _scan_and_merge(tmp_path, fmt, 2)
    return [tmp_path / f"slice{index}.{fmt}" for index in (1, 2)]


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_repeats_that_disagree_are_refused_not_joined(tmp_path, monkeypatch, fmt):
    """A slice's report edited, or slices of two commits: the merge neither drops one of two
    different findings as a repeat nor keeps one that a report does not list as shared."""
    monkeypatch.chdir(_tree(tmp_path / "repo"))
    first, second = _slices(tmp_path, fmt)
    for report in (first, second):
        assert b"common/shared.conf" in report.read_bytes()

    def reworded(data: dict) -> None:
        items = data["runs"][0]["results"] if fmt == "sarif" else data["findings"]
        for item in items:
            if "shared.conf" in json.dumps(item):
                message = item["message"]
                if fmt == "sarif":
                    message["text"] += " (edited)"
                else:
                    item["message"] = message + " (edited)"

    def unlisted(data: dict) -> None:
        if fmt == "sarif":
            del data["runs"][0]["properties"]
        else:
            del data["shared_files"]

    for change, message in ((reworded, "differently"), (unlisted, "not slices of one scan")):
        original = second.read_text()
        _edit(second, change)
        result = run_cli("merge", str(first), str(second), "-o", str(tmp_path / "out"))
        assert result.exit_code == REFUSED and message in result.output, result.output
        assert "common/" in result.output  # the file whose repeats disagree
        second.write_text(original)


@pytest.mark.parametrize("cdk_assets", [(), ("--cdk-assets",)])
def test_a_named_file_in_a_cdk_asset_folder_is_selected_as_discovery_selects_it(
    tmp_path, monkeypatch, cdk_assets
):
    """Discovery skips a CDK assembly's asset folders unless --cdk-assets: a file there that a
    Compose file builds is judged exactly when the folder is scanned, sliced or not."""
    root = tmp_path / "repo"
    write_file(root, "cdk.out/manifest.json", json.dumps(ASSEMBLY))
    write_file(root, "cdk.out/S.template.json", '{"Resources": {}}')
    write_file(root, "cdk.out/asset.0a1b/web.image", IMAGE)
    write_file(root, "compose.yaml", "services:\n  web:\n    build:\n"
               "      context: cdk.out/asset.0a1b\n      dockerfile: web.image\n")  # fmt: skip
    monkeypatch.chdir(root)
    whole, merged = _scan_and_merge(tmp_path, "json", 3, *cdk_assets)
    assert _outcome(merged.read_bytes()) == _outcome(whole)
    assert (b"asset.0a1b/web.image" in whole) == bool(cdk_assets)


ASSEMBLY = {
    "version": "36.0.0",
    "artifacts": {
        "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}
    },
}


def test_slices_reusing_the_result_cache_merge_into_the_whole_scan(tmp_path, monkeypatch):
    """A slice's shared files and their counts come the same from the result cache."""
    monkeypatch.chdir(_tree(tmp_path / "repo"))
    cache = ("--cache-dir", str(tmp_path / "cache"))
    first, _ = _scan_and_merge(tmp_path, "json", 3, *cache)
    again, merged = _scan_and_merge(tmp_path, "json", 3, *cache)
    assert _outcome(again) == _outcome(first) == _outcome(merged.read_bytes())


def test_a_file_named_as_two_kinds_from_two_slices_is_refused_not_guessed(tmp_path, monkeypatch):
    """Which kind the whole scan judges such a file as depends on which naming file it reads
    first, which no slice knows: the merge refuses (exit 2, naming the file) rather than keep
    either slice's findings as the whole scan's."""
    root = tmp_path / "repo"
    namers = [f"a{n}/compose.yaml" for n in range(40)]
    first = namers[0]
    second = next(namer for namer in namers if _apart(2, first, namer))
    write_file(root, first, "services:\n  web:\n    build:\n      context: ..\n"
               "      dockerfile: odd.conf\n")  # fmt: skip
    write_file(root, second, "include:\n  - ../odd.conf\n" + DB.replace("db:", "other:"))
    write_file(root, "odd.conf", DB)
    monkeypatch.chdir(root)
    slices = []
    for index in (1, 2):
        slices.append(str(tmp_path / f"slice{index}.json"))
        run_cli("scan", ".", "--shard", f"{index}/2", "-f", "json", "-o", slices[-1], "-q")
    result = run_cli("merge", *slices, "-o", str(tmp_path / "out.json"))
    assert result.exit_code == REFUSED and "odd.conf" in result.output, result.output


@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_many_shared_files_merge_in_linear_time(tmp_path, monkeypatch, fmt):
    """Slices that each list 5,000 shared files holding 10,000 findings: the repeats are
    found by one pass over each report, not one per file (that took minutes)."""
    root = tmp_path / "repo"
    write_file(root, "a/compose.yaml", "include:\n  - ../odd.conf\n" + DB)
    write_file(root, "odd.conf", DB.replace("db:", "other:"))
    monkeypatch.chdir(root)
    report = tmp_path / f"one.{fmt}"
    run_cli("scan", ".", "--shard", "1/1", "-f", fmt, "-o", str(report), "-q")
    data = json.loads(report.read_text())
    run = data["runs"][0] if fmt == "sarif" else data
    items = run["results"] if fmt == "sarif" else data["findings"]
    template = [item for item in items if "odd.conf" in json.dumps(item)]
    assert template
    copies, paths = [], [f"many/{n}.conf" for n in range(5_000)]
    for path in paths:
        for item in template:
            copies.append(json.loads(json.dumps(item).replace("odd.conf", path)))
    items.extend(copies)
    if fmt == "sarif":
        run["properties"]["guardlint/sharedFiles"] += paths
    else:
        listing = data["shared_files"]["odd.conf"]
        data["shared_files"].update(dict.fromkeys(paths, listing))
    slices = [str(tmp_path / f"s{n}.{fmt}") for n in (1, 2)]
    Path(slices[0]).write_text(json.dumps(data))
    items[:] = [*template, *copies]  # the other slice: the shared files' findings only
    Path(slices[1]).write_text(json.dumps(data))
    started = processor_seconds()
    result = run_cli("merge", *slices, "-o", str(tmp_path / f"out.{fmt}"), "-q")
    assert processor_seconds() - started < 10
    assert result.exit_code == 0, result.output
