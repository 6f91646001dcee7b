"""Baselines: accept today's findings by fingerprint, report only new ones afterwards."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from tests.conftest import write_file

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    privileged: true
  cache:
    image: redis:7
    network_mode: host
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def active_json(*args: str) -> list[dict]:
    result = invoke("scan", "-f", "json", *args)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    return [f for f in report["findings"] if "suppression" not in f]


def test_create_then_scan_reports_nothing_old(tmp_path):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    before = active_json()
    assert before
    created = invoke("baseline", "create", "--output", "accepted.json")
    assert created.exit_code == 0, created.output
    baseline = json.loads((tmp_path / "accepted.json").read_text())
    assert baseline["version"] == 1
    assert sorted(e["fingerprint"] for e in baseline["findings"]) == sorted(
        f["fingerprint"] for f in before
    )
    result = invoke("scan", "--baseline", "accepted.json")
    assert result.exit_code == 0
    assert f"{len(before)} finding(s) in the baseline accepted.json not reported" in result.stderr
    assert f"{len(before)} in the baseline" in result.stdout


def test_fingerprints_survive_line_shifts_and_new_findings_are_reported(tmp_path):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    assert invoke("baseline", "create").exit_code == 0
    shifted = (
        "# Production stack.\n# Owned by the platform team.\n\n"
        + COMPOSE.replace("  cache:\n", "  # the cache\n  cache:\n    restart: always\n")
        + "  admin:\n    image: adminer:4\n    privileged: true\n"
    )
    write_file(tmp_path, "compose.yaml", shifted)
    new = active_json("--baseline", ".guardlint-baseline.json")
    assert new, "the new service's findings must be reported"
    assert {f["resource"] for f in new} == {"service admin"}
    assert invoke("scan", "-q", "--baseline", ".guardlint-baseline.json").exit_code == 1


def test_baselined_findings_stay_in_sarif_as_external_suppressions(tmp_path):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    assert invoke("baseline", "create").exit_code == 0
    result = invoke("scan", "-f", "sarif", "--baseline", ".guardlint-baseline.json")
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert results
    for item in results:
        assert item["suppressions"] == [
            {"kind": "external", "justification": "accepted in baseline .guardlint-baseline.json"}
        ]


def test_baseline_from_config(tmp_path):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    assert invoke("baseline", "create", "-o", "ci/baseline.json").exit_code == 0
    write_file(tmp_path, ".guardlint.yaml", "baseline: ci/baseline.json\nfail_on: info\n")
    assert invoke("scan", "-q").exit_code == 0


def test_inline_suppressed_findings_are_not_baselined(tmp_path):
    write_file(
        tmp_path, "compose.yaml", COMPOSE.replace("true", "true  # guardlint:ignore CMP001 -- x")
    )
    assert invoke("baseline", "create").exit_code == 0
    baseline = json.loads((tmp_path / ".guardlint-baseline.json").read_text())
    assert "CMP001" not in {e["rule_id"] for e in baseline["findings"]}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "baseline file not found"),
        ("{not json", "baseline is not valid JSON"),
        ('{"findings": {}}', "not a guardlint baseline"),
        ("[]", "not a guardlint baseline"),
    ],
)
def test_unusable_baseline_exits_2(tmp_path, content, expected):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    if content is not None:
        write_file(tmp_path, "b.json", content)
    result = invoke("scan", "--baseline", "b.json")
    assert result.exit_code == 2
    assert expected in result.output
