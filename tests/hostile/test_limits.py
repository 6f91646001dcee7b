"""Limits: every file that would cost too much memory or time is one exact GL001, quickly, and
the rest of the scan is complete."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from guardlint.parse.text import DEFAULT_MAX_BYTES
from tests.conftest import (
    before_check_on,
    findings_of,
    processor_seconds,
    replace_check,
    run_scan,
    write_file,
)
from tests.hostile.conftest import add_control, assert_control_scanned, parse_error, run_cli


def billion_laughs(levels: int, width: int = 10) -> str:
    lines = ["a0: &a0 [" + ",".join(['"lol"'] * width) + "]"]
    for level in range(1, levels):
        refs = ",".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "Resources: lol\n" + "\n".join(lines) + "\n"


def nested_configmap(depth: int) -> str:
    """A valid ConfigMap whose data nests `depth` mappings in total."""
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: deep", "data:"]
    lines += ["  " * level + f"k{level}:" for level in range(1, depth - 1)]
    lines.append("  " * (depth - 1) + "leaf: 1")
    return "\n".join(lines) + "\n"


def test_default_size_limit_refuses_a_file_without_reading_it(tmp_path):
    big = tmp_path / "template.yaml"
    with open(big, "wb") as handle:  # sparse: 6 MB on paper, nothing on disk
        handle.truncate(6 * 1024 * 1024)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    error = parse_error(result, "template.yaml")
    assert error.properties["reason"] == (
        f"file too large ({6 * 1024 * 1024:,} bytes; limit {DEFAULT_MAX_BYTES:,})"
    )
    assert result.files["unparsable"] == 1
    assert_control_scanned(result)


def test_size_limit_is_configurable_on_the_command_line(tmp_path):
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n" + "#\n" * 600)
    add_control(tmp_path)
    completed = run_cli("scan", ".", "-f", "json", "--max-file-size", "1KB", cwd=tmp_path)
    report = json.loads(completed.stdout)
    (error,) = [f for f in report["findings"] if f["rule_id"] == "GL001"]
    assert error["path"] == "compose.yaml"
    assert error["properties"]["reason"] == "file too large (1,234 bytes; limit 1,024)"
    assert report["summary"]["files"]["unparsable"] == 1
    assert completed.returncode == 1  # the control file's secret is high


def test_bad_size_option_is_a_usage_error(tmp_path):
    completed = run_cli("scan", ".", "--max-file-size", "lots", cwd=tmp_path)
    assert completed.returncode == 2
    assert "'lots' is not a size such as 5MB, 512KB or 1048576" in completed.stderr


def test_billion_laughs_is_refused_before_expansion(tmp_path):
    write_file(tmp_path, "bomb.yaml", billion_laughs(9))
    add_control(tmp_path)
    started = processor_seconds()
    result = run_scan(tmp_path)
    assert processor_seconds() - started < 5
    error = parse_error(result, "bomb.yaml")
    assert error.properties["reason"] == (
        "alias expansion to 1,234,567,911 nodes from 31 (alias bomb?)"
    )
    assert_control_scanned(result)


def test_small_bomb_under_the_absolute_limit_is_refused_by_its_amplification(tmp_path):
    # 123,463 nodes is under the million-node ceiling, but 5,000 times the file's 23 nodes.
    write_file(tmp_path, "bomb.yaml", billion_laughs(5))
    error = parse_error(run_scan(tmp_path), "bomb.yaml")
    assert error.properties["reason"] == "alias expansion to 123,463 nodes from 23 (alias bomb?)"


def test_ordinary_anchor_reuse_is_fine(tmp_path):
    write_file(tmp_path, "bomb.yaml", billion_laughs(4))  # 1,111 nodes from 20: not a bomb
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001") and result.files["skipped"] == 1


def test_recursive_alias_is_refused(tmp_path):
    write_file(tmp_path, "loop.yaml", "Resources: &r\n  Self: *r\n")
    error = parse_error(run_scan(tmp_path), "loop.yaml")
    assert error.properties["reason"] == "recursive alias (a node contains itself)"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        # libyaml's composer recurses in C: this used to be a segfault, not an exception.
        ("Resources: " + "[\n" * 100_000 + "]\n" * 100_000, 100, 1),
        ("Resources: " + "[" * 49_000 + "]" * 49_000, 1, 111),
        ("Resources:\n" + "- " * 49_000 + "x\n", 2, 199),
        (
            "Resources:\n"
            + "".join(" " * i + f"k{i}:\n" for i in range(1, 300))
            + " " * 300
            + "v: 1\n",
            101,
            101,
        ),
        # YAML breaks lines on CR and LS too: the pre-check must as well (it used to not).
        ("Resources:\r" + "- " * 49_000 + "x\r", 2, 199),
        ("Resources:\u2028" + "- " * 49_000 + "x\u2028", 2, 199),
    ],
    ids=[
        "flow-lines",
        "flow-one-line",
        "compact-block",
        "indented-block",
        "carriage-returns",
        "line-separators",
    ],
)
def test_absurd_nesting_is_refused_where_it_passes_the_limit(tmp_path, text, line, column):
    write_file(tmp_path, "deep.yaml", text)
    add_control(tmp_path)
    started = processor_seconds()
    result = run_scan(tmp_path)
    assert processor_seconds() - started < 5
    error = parse_error(result, "deep.yaml")
    assert error.properties["reason"] == "nesting deeper than 100 levels"
    assert (error.region.start_line, error.region.start_column) == (line, column)
    assert_control_scanned(result)


def test_nesting_at_the_limit_is_scanned_by_every_rule(tmp_path):
    write_file(tmp_path, "deep.yaml", nested_configmap(100))
    result = run_scan(tmp_path)
    assert result.files["scanned"] == 1 and result.kinds["kubernetes"] == 1
    assert not findings_of(result, "GL001") and not findings_of(result, "GL002")


def test_too_many_documents(tmp_path):
    """The first 1,000 are scanned (a privileged pod among them is reported), the rest noted."""
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + (
        "    - {name: c, image: nginx:1.27, securityContext: {privileged: true}}\n---\n"
    )
    write_file(tmp_path, "many.yaml", pod + "apiVersion: v1\nkind: ConfigMap\n---\n" * 1001)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    error = parse_error(result, "many.yaml")
    reason = "more than 1,000 documents in one file; the rest was not scanned"
    assert error.properties["reason"] == reason
    assert error.region.start_line == 8 + 3 * 999  # the 1,001st document: after the pod
    assert [f.path for f in findings_of(result, "K8S001")] == ["many.yaml"]
    assert result.kinds["kubernetes"] >= 1_000
    assert_control_scanned(result)


def test_overlong_line(tmp_path):
    write_file(tmp_path, "long.yaml", "Resources:\n  A: " + "x" * 100_001 + "\n")
    error = parse_error(run_scan(tmp_path), "long.yaml")
    assert error.properties["reason"] == "line longer than 100,000 characters"
    assert error.region.start_line == 2


@pytest.mark.parametrize(
    "jobs",
    [
        1,
        pytest.param(
            2,
            marks=pytest.mark.skipif(not hasattr(os, "fork"), reason="workers inherit the patch"),
        ),
    ],
)
def test_time_budget_stops_one_slow_file_and_keeps_the_others(tmp_path, monkeypatch, jobs):
    replace_check(monkeypatch, "SEC001", before_check_on("slow.yaml", lambda: time.sleep(30)))
    write_file(tmp_path, "slow.yaml", "apiVersion: v1\nkind: ConfigMap\n")
    add_control(tmp_path)
    started = time.perf_counter()
    result = run_scan(tmp_path, file_timeout=0.5, jobs=jobs)  # 2: in pool workers
    assert time.perf_counter() - started < 10
    error = parse_error(result, "slow.yaml")
    assert error.properties["reason"] == "scanning took longer than 0.5 s"
    # SEC001 runs last of the secret rules: its findings are missing, and the other rules ran
    # on within an extra budget (tests/hostile/test_partial_timeout.py).
    assert error.message == (
        "Stopped scanning slow.yaml at the file's text: scanning took longer than 0.5 s; the "
        "findings of the secret rules that finished are reported, those of rule SEC001 and every "
        "secret rule after it are missing (SEC001); the other rules ran on within an extra "
        "budget, and their findings are reported with their details withheld, as the secrets "
        "only an unfinished rule would have found are not known."
    )
    assert error.properties["missingRules"] == ["SEC001"]
    assert result.files["scanned"] == 2
    assert_control_scanned(result)
    # The budget cleans up after itself: no timer left running, the old handler back.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)


def test_time_budget_gives_back_an_outer_timer(tmp_path):
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 3.0)
        add_control(tmp_path)
        run_scan(tmp_path, file_timeout=60, jobs=1)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 3.0 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the CLI's worker pool needs fork here")
def test_file_timeout_zero_disables_the_budget(tmp_path):
    add_control(tmp_path)
    completed = run_cli("scan", ".", "-f", "json", "--file-timeout", "0", cwd=tmp_path)
    report = json.loads(completed.stdout)
    assert report["summary"]["files"] == {"scanned": 1, "skipped": 0, "unparsable": 0}
