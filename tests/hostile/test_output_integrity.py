"""Output integrity: atomic --output, Ctrl-C, a crashing rule never loses the scan."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import guardlint.cli.output
from guardlint.cli import cli
from guardlint.cli.output import OutputWriteError, write_output
from tests.conftest import before_check_on, findings_of, replace_check, run_scan, write_file
from tests.hostile.conftest import CONTROL_NAME, add_control, assert_control_scanned, run_cli


class _FailingStream:
    """Writes half of what it is given, then the disk is full."""

    def __init__(self, real):
        self.real = real

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.real.close()

    def write(self, text):
        self.real.write(text[: len(text) // 2])
        self.real.flush()
        raise OSError(28, "No space left on device")


def test_failed_write_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    target = tmp_path / "report.sarif"
    target.write_text("previous report\n")
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        guardlint.cli.output.os, "fdopen", lambda *a, **k: _FailingStream(real_fdopen(*a, **k))
    )
    with pytest.raises(OutputWriteError, match="No space left on device"):
        write_output(str(target), '{"runs": []}\n' * 1000)
    assert target.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]  # no temp file left


def test_unwritable_output_is_a_clear_error_not_a_traceback(tmp_path):
    add_control(tmp_path)
    write_file(tmp_path, "blocker", "a file where a directory should be\n")
    completed = run_cli("scan", ".", "-o", "blocker/report.sarif", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.startswith("Error: cannot write blocker/report.sarif: ")


# Each file takes 20 ms longer than usual (its CMP008 check sleeps), so a tree of 400 files is
# still being scanned when the signal arrives, whatever the machine's speed; the first file
# announces the scan started.
SLOW_SCAN = """
import os, sys, time
import guardlint.engine.rule_runner as engine_runner
real_check_for = engine_runner.check_for
def check_for(rule):
    real = real_check_for(rule)
    if rule.id != "CMP008":
        return real
    def slow(document, rule):
        open("started", "a").close()
        time.sleep(0.02)
        return real(document, rule)
    return slow
engine_runner.check_for = check_for
from guardlint.cli import main
sys.argv = ["guardlint", *sys.argv[1:]]
main()
"""


def _large_tree(top: Path, files: int = 400) -> None:
    for number in range(files):
        write_file(
            top,
            f"team{number % 20}/svc{number}/compose.yaml",
            f"services:\n  app{number}:\n    image: registry.example/app:{number}\n",
        )


@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery as on a terminal is POSIX")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["INT", "TERM"]
)
def test_ctrl_c_exits_130_without_traceback_or_partial_report(tmp_path, jobs, signum, status):
    _large_tree(tmp_path / "tree")
    report = tmp_path / "report.sarif"
    report.write_text("previous report\n")
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_SCAN, "scan", "tree", "-j", jobs, "-o", str(report)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert process.poll() is None, process.communicate()
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == status
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert stderr.strip().endswith("guardlint: interrupted")
    assert stdout == ""
    assert report.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif", "started", "tree"]


def test_crashing_rule_is_an_internal_error_and_the_scan_goes_on(tmp_path, monkeypatch):
    def crash() -> None:
        raise KeyError("boom")

    replace_check(monkeypatch, "SEC001", before_check_on("compose.yaml", crash))
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    add_control(tmp_path)
    result = run_scan(tmp_path, jobs=1)
    (crash,) = findings_of(result, "GL002")
    assert crash.path == "compose.yaml" and crash.properties == {"failedRule": "SEC001"}
    assert crash.message == (
        "Rule SEC001 crashed on this file (KeyError: 'boom'); its results for this file are "
        "missing. Please report it."
    )
    mine = [f for f in result.findings if f.path == CONTROL_NAME]
    assert mine and not [f for f in mine if f.rule_id == "GL002"]
    assert result.files["scanned"] == 2
    # Through the CLI, the crash alone fails the run even below --fail-on.
    monkeypatch.chdir(tmp_path)
    outcome = CliRunner().invoke(
        cli, ["scan", "compose.yaml", "-f", "json", "--fail-on", "critical", "-j", "1"]
    )
    assert outcome.exit_code == 1, outcome.output
    report = json.loads(outcome.output)
    assert [f["rule_id"] for f in report["findings"] if f["rule_id"] == "GL002"] == ["GL002"]


def test_other_files_are_unaffected_by_a_crashing_rule(tmp_path, monkeypatch):
    def always_crashes(document, rule):
        raise RuntimeError("broken rule")

    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    add_control(tmp_path)
    baseline = {(f.rule_id, f.path, f.region.start_line) for f in run_scan(tmp_path).findings}
    replace_check(monkeypatch, "SEC001", lambda real_check: always_crashes)
    result = run_scan(tmp_path, jobs=1)
    after = {(f.rule_id, f.path, f.region.start_line) for f in result.findings}
    crashes = {(path, line) for rule, path, line in after if rule == "GL002"}
    assert crashes == {("compose.yaml", 1), (CONTROL_NAME, 1)}
    # Everything but SEC001 (the broken rule) is still reported; SEC001 comes back as GL002.
    assert {f for f in baseline if f[0] != "SEC001"} == {f for f in after if f[0] != "GL002"}


def test_control_helper_notices_a_lost_finding(tmp_path, monkeypatch):
    """The suite's own yardstick can fail: a silently dropped finding is caught."""
    add_control(tmp_path)
    result = run_scan(tmp_path)
    result.findings = result.findings[1:]
    with pytest.raises(AssertionError):
        assert_control_scanned(result)


def test_crashing_parser_is_an_internal_error_and_the_scan_goes_on(tmp_path, monkeypatch):
    import guardlint.documents.dockerfile

    def broken_parser(text, lines, source):
        raise IndexError("list index out of range")

    monkeypatch.setattr(guardlint.documents.dockerfile, "parse_dockerfile", broken_parser)
    write_file(tmp_path, "Dockerfile", "FROM alpine:3.20\n")
    add_control(tmp_path)
    result = run_scan(tmp_path, jobs=1)
    (crash,) = findings_of(result, "GL002")
    assert (crash.path, crash.resource) == ("Dockerfile", "parser")
    assert crash.message == (
        "guardlint crashed while scanning Dockerfile (IndexError: list index out of range); "
        "its findings are missing. Please report it."
    )
    assert result.files["unparsable"] == 1
    mine = [f for f in result.findings if f.path == CONTROL_NAME]
    assert mine and all(f.rule_id != "GL002" for f in mine)
