"""The command line: formats, output files, exit codes and clear usage errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from guardlint import __version__
from guardlint.cli import cli
from tests.conftest import CONFIGMAP, ROOT, replace_check, write_file


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_exit_1_on_findings_at_threshold_and_0_below(tmp_path):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    assert invoke("scan", str(tmp_path)).exit_code == 1
    assert invoke("scan", str(tmp_path), "--skip-rule", "SEC001").exit_code == 0


def test_parse_error_alone_does_not_fail_at_default_threshold(tmp_path):
    write_file(tmp_path, "bad.yaml", "apiVersion: v1\nkind: Pod\n  x: [\n")
    result = invoke("scan", str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    assert [f["rule_id"] for f in json.loads(result.output)["findings"]] == ["GL001"]
    assert invoke("scan", str(tmp_path), "--fail-on", "medium").exit_code == 1


@pytest.mark.parametrize("args", [("--fail-on", "never"), ("--fail-on", "NEVER"), ("--soft-fail",)])
def test_never_failing_on_findings(tmp_path, args):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    result = invoke("scan", str(tmp_path), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    assert [f["rule_id"] for f in json.loads(result.output)["findings"]] == ["SEC001"]


def test_never_failing_in_the_config_and_the_command_line_winning(tmp_path):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    write_file(tmp_path, ".guardlint.yaml", "fail_on: Never\nmin_severity: CRITICAL\n")
    assert invoke("scan", str(tmp_path)).exit_code == 0
    assert invoke("scan", str(tmp_path), "--fail-on", "critical").exit_code == 1


def _crashing(check):
    def crash(document, rule):
        raise RuntimeError("boom")

    return crash


@pytest.mark.parametrize(
    ("config", "args"),
    [
        ("min_severity: critical", ()),
        ("severity: {GL002: info}", ()),
        ("fail_on: never", ()),
        ("", ("--severity", "critical", "--soft-fail")),
    ],
)
def test_a_crashed_rule_is_reported_and_fails_the_scan_whatever_the_thresholds(
    tmp_path, monkeypatch, config, args
):
    """GL002 means a rule's results are missing: no severity threshold, override or
    --fail-on hides it or lets the scan pass (a repository's config chooses all three)."""
    replace_check(monkeypatch, "SEC001", _crashing)
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    write_file(tmp_path, ".guardlint.yaml", config + "\n")
    result = invoke("scan", str(tmp_path), "-f", "json", *args)
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    assert [(f["rule_id"], f["severity"]) for f in findings] == [("GL002", "high")]


def test_severity_words_in_any_case(tmp_path):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    result = invoke("scan", str(tmp_path), "--severity", "HIGH", "--fail-on", "Critical")
    assert result.exit_code == 1, result.output
    assert "SEC001" in result.output


def test_usage_errors_exit_2_without_traceback(tmp_path):
    for args in (
        ("scan", str(tmp_path / "missing")),
        ("scan", str(tmp_path), "--rule", "NOPE001"),
        ("scan", str(tmp_path), "--fail-on", "severe"),
        ("explain", "XYZ999"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output


def test_sarif_output_file_and_format_from_extension(tmp_path):
    write_file(tmp_path, "src/cm.yaml", CONFIGMAP)
    out = tmp_path / "out.sarif"
    result = invoke("scan", str(tmp_path / "src"), "--output", str(out))
    assert result.exit_code == 1
    log = json.loads(out.read_text())
    assert log["version"] == "2.1.0"
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["SEC001"]
    assert not list(tmp_path.glob(".guardlint-*.tmp"))


def test_text_report_shows_file_rule_and_summary(tmp_path):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    output = invoke("scan", str(tmp_path), "--no-color").output
    assert "SEC001" in output and "CRITICAL" in output and "Summary" in output
    assert "\x1b[" not in output
    assert "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" not in output


def test_rules_explain_version():
    rules = json.loads(invoke("rules", "--format", "json").output)
    assert {"GL001", "SEC001"} <= {r["id"] for r in rules}
    explained = invoke("explain", "sec001").output
    assert "Why this matters" in explained and "Bad example" in explained
    assert invoke("version").output.strip() == f"guardlint {__version__}"


def test_report_file_gets_ordinary_permissions(tmp_path):
    import os
    import stat

    write_file(tmp_path, "src/cm.yaml", CONFIGMAP)
    out = tmp_path / "report.json"
    previous = os.umask(0o022)
    try:
        invoke("scan", str(tmp_path / "src"), "--output", str(out))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def _command(*args: str) -> subprocess.CompletedProcess:
    """`python -m guardlint ARGS` (the console script's function, guardlint.__main__.run)."""
    return subprocess.run(
        [sys.executable, "-m", "guardlint", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_the_command_writes_its_whole_report_to_a_pipe_and_exits_with_the_scan_s_status():
    """run() leaves out the interpreter's teardown, not the end of what was written."""
    found = _command("scan", "fixtures/dockerfile", "--format", "json")
    assert found.returncode == 1, found.stderr
    assert len(found.stdout) > 100_000  # far beyond any pipe or stream buffer
    assert json.loads(found.stdout)["summary"]["findings"] > 100
    assert _command("scan", "fixtures/dockerfile", "--fail-on", "never", "-q").returncode == 0
    usage = _command("scan", "--format", "nope")
    assert usage.returncode == 2 and "Invalid value" in usage.stderr


def test_a_command_error_reaches_standard_error_before_the_exit():
    failed = _command("explain", "NOPE999")
    assert failed.returncode == 2 and "NOPE999" in failed.stderr
