"""`guardlint merge` reads report files as it reads every input, and a report that is not as
guardlint writes it, or that repeats another's findings, is a clear error (exit 2), never a
traceback, a wait or a silent join. A baseline's odd numbers and versions too."""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from guardlint.cli import cli
from guardlint.report.merge import _sum
from tests.conftest import FIXTURES, packs_compiled_once, processor_seconds, write_file
from tests.hostile.conftest import run_cli

REFUSED = 2


def _guardlint(*args: str) -> Result:
    """`guardlint ARGS` run in this process (a process of its own is ~1 s of start-up, and
    what is refused is the command's work); never a traceback."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.stderr
    return result


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> dict[str, list[dict]]:
    """The fixtures' two slices, as SARIF and as JSON."""
    out = tmp_path_factory.mktemp("shards")
    found: dict[str, list[dict]] = {"sarif": [], "json": []}
    for index in (1, 2):
        reports = out / f"s{index}"
        with packs_compiled_once():
            _guardlint("scan", str(FIXTURES), "--shard", f"{index}/2", "-j", "1", "-f", "sarif",
                       "-f", "json", "--output-dir", str(reports), "-q")  # fmt: skip
        for fmt, shards in found.items():
            shards.append(json.loads((reports / f"guardlint.{fmt}").read_text()))
    return found


def _run(data: dict) -> dict:
    return data["runs"][0]


def _results(data: dict) -> list:
    return _run(data)["results"]


SARIF_SHAPES: dict[str, Callable[[dict], object]] = {
    "tool a list": lambda d: _run(d).update(tool=[]),
    "results a map": lambda d: _run(d).update(results={}),
    "a result a number": lambda d: _results(d).__setitem__(0, 5),
    "a rule ID a number": lambda d: _results(d)[0].update(ruleId=7),
    "no locations": lambda d: _results(d)[0].update(locations=[]),
    "a rule ID no rule describes": lambda d: _results(d)[0].update(ruleId="NOPE001"),
    "a rule without its ID": lambda d: _run(d)["tool"]["driver"]["rules"][0].pop("id"),
    "no taxonomies": lambda d: _run(d).pop("taxonomies"),
    "a variant of an unknown severity": lambda d: _run(d)["tool"]["driver"]["rules"].append(
        {"id": "DKR001/bogus", "properties": {"category": "Policy:X/Y"}}
    ),
}
JSON_SHAPES: dict[str, Callable[[dict], object]] = {
    "findings a map": lambda d: d.update(findings={}),
    "a finding a number": lambda d: d["findings"].__setitem__(0, 5),
    "no summary": lambda d: d.pop("summary"),
    "a count as text": lambda d: d["summary"].update(findings="many"),
    "a map of counts a number": lambda d: d["summary"].update(by_severity=5),
}


@pytest.mark.parametrize(
    ("fmt", "change"),
    [("sarif", change) for change in SARIF_SHAPES.values()]
    + [("json", change) for change in JSON_SHAPES.values()],
    ids=[*SARIF_SHAPES, *JSON_SHAPES],
)
def test_a_report_not_as_guardlint_writes_it_is_refused(tmp_path, shards, fmt, change):
    first, second = copy.deepcopy(shards[fmt])
    change(second)
    paths = [
        write_file(tmp_path, f"{n}.{fmt}", json.dumps(d)) for n, d in enumerate([first, second])
    ]
    done = _guardlint("merge", *map(str, paths), "-o", str(tmp_path / "out"))
    assert done.exit_code == REFUSED, done.stderr
    assert re.search("not as guardlint writes them|are not lists|not a guardlint", done.stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_a_slice_given_twice_is_refused(tmp_path, shards, fmt):
    first, second = shards[fmt]
    paths = [write_file(tmp_path, f"{n}.{fmt}", json.dumps(d)) for n, d in
             enumerate([first, second, first])]  # fmt: skip
    done = _guardlint("merge", *map(str, paths))
    assert done.exit_code == REFUSED and "hold the same finding" in done.stderr


def test_a_report_nested_too_deeply_is_refused(tmp_path):
    path = write_file(tmp_path, "deep.sarif", "[" * 100_000 + "]" * 100_000)
    done = run_cli("merge", str(path), cwd=tmp_path)
    assert done.returncode == REFUSED and "nested too deeply" in done.stderr


def test_a_fifo_or_a_device_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "report.sarif"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        done = run_cli("merge", path, cwd=tmp_path, timeout=30)
        assert done.returncode == REFUSED and f"cannot read {path}" in done.stderr


def test_summaries_are_added_up_in_time_linear_in_their_size():
    """Each key was looked up in every summary: 200 reports of 5,000 rules each, none shared,
    took a minute."""
    summaries = [{"by_rule": {f"R{report}-{index}": 1 for index in range(5000)}, "files": 2}
                 for report in range(200)]  # fmt: skip
    started = processor_seconds()
    total = _sum(summaries)
    assert processor_seconds() - started < 10
    assert len(total["by_rule"]) == 1_000_000 and total["files"] == 400


@pytest.mark.parametrize(
    ("text", "says"),
    [('{"version": 1, "findings": [' + "9" * 5000 + "]}", "not valid JSON"),
     ('{"version": true, "findings": []}', "not a guardlint baseline")],
)  # fmt: skip
def test_a_baseline_with_odd_numbers_is_refused(tmp_path: Path, text: str, says: str):
    write_file(tmp_path, "Dockerfile", "FROM ubuntu:latest\n")
    baseline = write_file(tmp_path, "baseline.json", text)
    done = _guardlint("scan", str(tmp_path), "--baseline", str(baseline), "-q")
    assert done.exit_code == REFUSED and says in done.stderr, done.stderr
