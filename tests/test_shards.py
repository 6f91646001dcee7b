"""`guardlint scan --shard k/n` and `guardlint merge`: slices of a scan that join into the whole."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from guardlint import __version__
from guardlint.cli import cli
from guardlint.discover import discover
from guardlint.discover.shards import Shard
from tests.conftest import FIXTURES, write_file

COMPOSE_PRIVILEGED = "services:\n  app:\n    image: nginx:1.27\n    privileged: true\n"


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def _sliced_reports(tmp_path: Path, target: Path, fmt: str, count: int, *extra: str) -> list[str]:
    paths = []
    for index in range(1, count + 1):
        path = tmp_path / f"slice{index}.{fmt}"
        result = run_cli("scan", str(target), "--shard", f"{index}/{count}", "-j", "1", "-f", fmt,
                         "-o", str(path), "-q", *extra)  # fmt: skip
        assert result.exit_code in (0, 1), result.output
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("extra", [(), ("--sarif-all-rules",)])
def test_merged_slices_equal_the_whole_scan_sarif(tmp_path, extra):
    whole = tmp_path / "whole.sarif"
    run_cli("scan", str(FIXTURES), "-j", "1", "-f", "sarif", "-o", str(whole), "-q", *extra)
    merged = tmp_path / "merged.sarif"
    slices = _sliced_reports(tmp_path, FIXTURES, "sarif", 3, *extra)
    result = run_cli("merge", *slices, "-o", str(merged), "-q")
    assert result.exit_code == 0, result.output
    assert merged.read_bytes() == whole.read_bytes()
    # Every slice had some of the work, and each result is in exactly one slice.
    counts = [len(json.loads(Path(p).read_text())["runs"][0]["results"]) for p in slices]
    assert all(counts) and sum(counts) == len(json.loads(whole.read_text())["runs"][0]["results"])


def _tree(tmp_path: Path) -> Path:
    """Files of several kinds, skipped files and directories, a link to a scanned file, and a
    file that cannot be parsed: every count of the summary has something to add up."""
    root = tmp_path / "repo"
    for n in range(12):
        write_file(root, f"svc{n}/compose.yaml", COMPOSE_PRIVILEGED)
        write_file(root, f"svc{n}/README.md", "notes\n")
        write_file(root, f"svc{n}/node_modules/x/index.json", "{}")
        write_file(root, f"svc{n}/Dockerfile", "FROM alpine:3.20\nRUN apk add curl\n")
    write_file(root, "broken/deploy.yaml", "apiVersion: v1\nkind: [\n")
    os.symlink(root / "svc1" / "Dockerfile", root / "Dockerfile.link")
    return root


def _merged_equals_whole_json(tmp_path: Path, root: Path, count: int) -> dict:
    """The JSON report of `root` scanned whole, which `count` slices of it merge into."""
    whole = tmp_path / "whole.json"
    run_cli("scan", str(root), "-f", "json", "-o", str(whole), "-q")
    merged = tmp_path / "merged.json"
    result = run_cli("merge", *_sliced_reports(tmp_path, root, "json", count), "-o", str(merged))
    assert result.exit_code == 0, result.output
    expected, joined = json.loads(whole.read_text()), json.loads(merged.read_text())
    for report in (expected, joined):
        report["summary"].pop("duration_seconds")
    assert joined == expected
    return expected


def test_merged_slices_equal_the_whole_scan_json(tmp_path):
    expected = _merged_equals_whole_json(tmp_path, _tree(tmp_path), 4)
    assert expected["summary"]["skip_reasons"]["directories"] == {"dependencies": 12}


def test_a_chart_s_broken_helpers_is_one_parse_error_in_the_merged_slices(tmp_path):
    """The GL001 is the work of _helpers.tpl's own slice: no slice reports it twice, none
    drops it, and the templates it refuses are counted in theirs."""
    root = tmp_path / "repo"
    write_file(root / "chart", "Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    write_file(
        root / "chart/templates", "_helpers.tpl", '{{ define "web.x" }}{{ nope }}{{ end }}\n'
    )
    for n in range(9):
        write_file(root / "chart/templates", f"pod{n}.yaml", "kind: Pod\n")
    expected = _merged_equals_whole_json(tmp_path, root, 3)
    [error] = expected["findings"]
    assert (error["rule_id"], error["path"]) == ("GL001", "chart/templates/_helpers.tpl")
    assert expected["summary"]["skip_reasons"]["files"]["helm-refused"] == 9


def test_every_file_is_in_exactly_one_slice_and_a_new_file_moves_no_other(tmp_path):
    root = _tree(tmp_path)
    slices = [{f.rel_path for f in discover([str(root)], str(root), shard=Shard(k, 3)).files}
              for k in (1, 2, 3)]  # fmt: skip
    every = {f.rel_path for f in discover([str(root)], str(root)).files}
    assert set.union(*slices) == every and sum(map(len, slices)) == len(every)
    write_file(root, "new/compose.yaml", COMPOSE_PRIVILEGED)
    after = [{f.rel_path for f in discover([str(root)], str(root), shard=Shard(k, 3)).files}
             for k in (1, 2, 3)]  # fmt: skip
    assert all(before <= now for before, now in zip(slices, after, strict=True))


def test_slices_are_balanced():
    names = [f"services/app{n}/deploy.yaml" for n in range(4000)]
    sizes = [sum(Shard(k, 4).owns(name) for name in names) for k in (1, 2, 3, 4)]
    assert sum(sizes) == 4000 and all(900 <= size <= 1100 for size in sizes), sizes


@pytest.mark.parametrize("value", ["0/3", "4/3", "a/b", "3", "1/0", "-1/2", "1/3/4", "1/99999"])
def test_a_bad_shard_is_a_usage_error(tmp_path, value):
    result = run_cli("scan", str(tmp_path), "--shard", value)
    assert result.exit_code == 2 and "--shard" in result.output


def test_standard_input_has_no_slices():
    result = CliRunner().invoke(cli, ["scan", "-", "--shard", "1/2"], input=COMPOSE_PRIVILEGED)
    assert result.exit_code == 2 and "no slices" in result.output


def _write_json(path: Path, data: object) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def test_merge_refuses_what_it_cannot_join(tmp_path):
    root = _tree(tmp_path)
    sarif, report = tmp_path / "a.sarif", tmp_path / "a.json"
    run_cli("scan", str(root), "-f", "sarif", "-o", str(sarif), "-q")
    run_cli("scan", str(root), "-f", "json", "-o", str(report), "-q")
    other_version = json.loads(report.read_text())
    other_version["tool"]["version"] = "0.0.1"
    cases = {
        "all be SARIF or all be JSON": [str(sarif), str(report)],
        f"only reports of guardlint {__version__}": [
            str(report),
            _write_json(tmp_path / "old.json", other_version),
        ],
        "not a guardlint SARIF or JSON report": [_write_json(tmp_path / "x.json", {"a": 1})],
        "not JSON": [str(write_file(tmp_path, "bad.sarif", "{"))],
        "exactly one run": [
            _write_json(tmp_path / "two.sarif", {"version": "2.1.0", "runs": [{}, {}]})
        ],
    }
    for message, inputs in cases.items():
        result = run_cli("merge", *inputs, "-o", str(tmp_path / "out.sarif"))
        assert result.exit_code == 2, (message, result.output)
        assert message in result.output, result.output
        assert not (tmp_path / "out.sarif").exists()


def test_a_chart_s_file_a_compose_file_names_is_judged_by_its_own_slice_alone(tmp_path):
    """A broken Dockerfile among a chart's templates, named by Compose files in every slice
    (no IaC name: each slice judges what it names): Helm's refusal is its own GL001, once."""
    root = tmp_path / "repo"
    write_file(root / "chart", "Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    write_file(root / "chart/templates", "image.tpl", "FROM alpine:3.20\n{{ nope }}\n")
    write_file(root / "chart/templates", "pod.yaml", "kind: Pod\n")
    build = "services:\n  a:\n    build: {context: ../chart/templates, dockerfile: image.tpl}\n"
    for n in range(6):
        write_file(root / "app", f"compose{n}.yaml", build)
    expected = _merged_equals_whole_json(tmp_path, root, 3)
    errors = [f["path"] for f in expected["findings"] if f["rule_id"] == "GL001"]
    assert errors == ["chart/templates/image.tpl"]
    assert expected["summary"]["files"]["unparsable"] == 1
