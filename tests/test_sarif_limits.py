"""SARIF within GitHub code scanning's documented limits, for built-in and custom rules alike,
and the check (tools/sarif_check.py) that holds every log to them."""

from __future__ import annotations

import copy
import gzip
import json

import pytest
import yaml
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.report import sarif_limits
from guardlint.report.sarif import build_log
from tests.conftest import run_scan, write_file
from tools.sarif_check import github_notes, github_problems, main

LONG_WORDS = " ".join(f"word{index}" for index in range(2_000))  # no sentence end: 15 KB


def custom_pack(directory, **fields) -> str:
    """A pack of one rule, LONG001, that fires on any Dockerfile; `fields` replace its own."""
    rule = {
        "id": "LONG001",
        "name": "long-rule",
        "title": "A rule with long texts",
        "severity": "medium",
        "category": "Policy:Container/LongText",
        "kinds": ["dockerfile"],
        "description": "Short.",
        "remediation": "None needed.",
        "match": {
            "select": "$.stages[*]",
            "where": {"path": "image", "exists": True},
            "locate": "image",
        },
        **fields,
    }
    pack = {"pack": "long", "rules": [rule]}
    write_file(directory, "long.yaml", yaml.safe_dump(pack))
    return str(directory)


def scan_log(tmp_path, **fields) -> tuple[dict, dict]:
    """The SARIF log of a scan of one Dockerfile with the pack, and LONG001's descriptor."""
    packs = custom_pack(tmp_path / "packs", **fields)
    write_file(tmp_path / "src", "Dockerfile", "FROM python:3.12\n")
    log = build_log(run_scan(tmp_path / "src", rule_dirs=[packs]))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    return log, next(rule for rule in rules if rule["id"] == "LONG001")


def test_every_built_in_rule_fits(tmp_path):
    write_file(tmp_path, "values.yaml", "replicas: 1\n")
    log = build_log(run_scan(tmp_path), all_rules=True)
    assert github_problems(log) == []
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert len(rule["fullDescription"]["text"]) <= sarif_limits.MAX_DESCRIPTION, rule["id"]


def test_a_long_description_is_cut_after_a_sentence_and_the_help_keeps_it(tmp_path, rulebook):
    rule = rulebook.get("IAM005")  # 1,483 characters
    assert len(rule.description) > sarif_limits.MAX_DESCRIPTION
    write_file(tmp_path, "values.yaml", "replicas: 1\n")
    log = build_log(run_scan(tmp_path), all_rules=True)
    descriptor = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "IAM005")
    text = descriptor["fullDescription"]["text"]
    assert text.endswith(". \u2026") and rule.description.startswith(text[: -len(" \u2026")])
    assert " ".join(rule.description.split()) in " ".join(descriptor["help"]["text"].split())
    assert rule.description.split()[-1] in descriptor["help"]["markdown"]


def test_a_custom_rules_long_texts_are_cut_at_a_word(tmp_path):
    name = "-".join(["part"] * 100)  # 499 characters of kebab-case
    log, descriptor = scan_log(
        tmp_path,
        name=name,
        title=LONG_WORDS,
        description=LONG_WORDS,
        cwe=[f"CWE-{number}" for number in range(1, 40)],
    )
    assert github_problems(log) == []
    assert len(descriptor["name"]) <= sarif_limits.MAX_RULE_NAME
    assert descriptor["name"] == "-".join(["part"] * 50) + "\u2026"
    for key in ("shortDescription", "fullDescription"):
        text = descriptor[key]["text"]
        assert len(text) <= sarif_limits.MAX_DESCRIPTION
        head = text.removesuffix(" \u2026")
        assert head != text and LONG_WORDS.startswith(head + " ")  # whole words, then " …"
    assert LONG_WORDS in descriptor["help"]["text"] and LONG_WORDS in descriptor["help"]["markdown"]
    cwes = [f"CWE-{number}" for number in range(1, 8)]
    assert descriptor["properties"]["tags"] == ["security", "long", "Policy", *cwes]


def test_every_rule_is_listed_unless_github_would_reject_so_many(tmp_path, monkeypatch):
    write_file(tmp_path, "Dockerfile", "FROM python:3.12\n")
    result = run_scan(tmp_path)
    fired = {finding.rule_id for finding in result.findings}
    assert len(build_log(result, all_rules=True)["runs"][0]["tool"]["driver"]["rules"]) > len(fired)
    monkeypatch.setattr(sarif_limits, "MAX_RULES", len(result.rules) - 1)
    log = build_log(result, all_rules=True)
    assert {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]} == fired
    assert github_problems(log) == []
    args = ["scan", str(tmp_path), "-o", str(tmp_path / "o.sarif"), "--sarif-all-rules"]
    ran = CliRunner().invoke(cli, args)
    assert (
        f"--sarif-all-rules: GitHub code scanning rejects a log of more than "
        f"{len(result.rules) - 1:,} rules; this one lists only the rules that fired" in ran.stderr
    )


@pytest.fixture(scope="module")
def one_result(tmp_path_factory) -> dict:
    directory = tmp_path_factory.mktemp("one")
    write_file(directory, "Dockerfile", "FROM python:3.12\n")
    log = build_log(run_scan(directory))
    assert log["runs"][0]["results"]
    return log


def with_results(log: dict, count: int) -> dict:
    """`log` with `count` results (copies of its first)."""
    log = copy.deepcopy(log)
    run = log["runs"][0]
    run["results"] = [run["results"][0]] * count
    return log


def test_the_check_reports_every_limit_a_log_exceeds(one_result):
    log = with_results(one_result, 1)
    run = log["runs"][0]
    rule = run["tool"]["driver"]["rules"][0]
    rule["name"] = "x" * 256
    rule["shortDescription"]["text"] = "y" * 1025
    rule["fullDescription"]["text"] = "z" * 1025
    rule["properties"]["tags"] = [f"t{index}" for index in range(11)]
    result = run["results"][0]
    result["locations"] = result["locations"] * 11
    result["relatedLocations"] = result["locations"] * 100
    problems = " | ".join(github_problems(log))
    for expected in (
        "name is 256 characters",
        "shortDescription.text is 1,025 characters",
        "fullDescription.text is 1,025 characters",
        "11 tags",
        "11 locations",
        "1,111 locations of every kind",
    ):
        assert expected in problems
    assert github_problems(with_results(one_result, sarif_limits.MAX_RESULTS + 1))[-1] == (
        "25,001 results in a run: GitHub rejects more than 25,000"
    )
    assert github_problems(with_results(one_result, sarif_limits.MAX_RESULTS)) == []


def test_the_check_notes_what_github_would_leave_out(one_result):
    assert github_notes(with_results(one_result, sarif_limits.STORED_RESULTS)) == []
    assert github_notes(with_results(one_result, sarif_limits.STORED_RESULTS + 1)) == [
        "5,001 results in a run: GitHub stores only the 5,000 it ranks first by severity"
    ]
    log = with_results(one_result, 1)
    result = log["runs"][0]["results"][0]
    result["relatedLocations"] = result["locations"] * 100
    assert github_notes(log) == ["result 0: 101 locations of every kind, GitHub shows 100"]


def test_the_check_refuses_a_file_too_large_to_upload(one_result, tmp_path, monkeypatch, capsys):
    schema = tmp_path / "schema.json"
    schema.write_text("{}")
    sarif = tmp_path / "log.sarif"
    sarif.write_text(json.dumps(one_result))
    assert main([str(sarif), str(schema)]) == 0
    size = len(gzip.compress(sarif.read_bytes(), compresslevel=6))
    monkeypatch.setattr(sarif_limits, "MAX_GZIPPED_BYTES", size - 1)
    assert main([str(sarif), str(schema)]) == 1
    assert f"{size:,} bytes gzip-compressed" in capsys.readouterr().err


def test_a_scan_warns_when_github_would_not_take_every_result(tmp_path, monkeypatch):
    write_file(tmp_path, "Dockerfile", "FROM python:3.12\nFROM node:20\n")
    monkeypatch.setattr(sarif_limits, "STORED_RESULTS", 1)
    out = tmp_path / "out.sarif"
    ran = CliRunner().invoke(cli, ["scan", str(tmp_path), "-o", str(out), "--fail-on", "never"])
    results = len(json.loads(out.read_text())["runs"][0]["results"])
    assert ran.exit_code == 0 and results > 1
    assert (
        f"guardlint: the SARIF log holds {results} results: GitHub code scanning stores only "
        "the 1 it ranks first by severity" in ran.stderr
    )
    monkeypatch.setattr(sarif_limits, "MAX_RESULTS", 1)
    ran = CliRunner().invoke(cli, ["scan", str(tmp_path), "-o", str(out), "--fail-on", "never"])
    assert "GitHub code scanning rejects an upload of more than 1;" in ran.stderr
    assert len(json.loads(out.read_text())["runs"][0]["results"]) == results  # none dropped
    quiet = ["scan", str(tmp_path), "-o", str(out), "--fail-on", "never", "--quiet"]
    assert CliRunner().invoke(cli, quiet).stderr == ""
    json_out = ["scan", str(tmp_path), "-f", "json", "-o", str(tmp_path / "o.json")]
    assert "GitHub" not in CliRunner().invoke(cli, [*json_out, "--fail-on", "never"]).stderr


def test_merge_warns_too(tmp_path, monkeypatch):
    write_file(tmp_path, "Dockerfile", "FROM python:3.12\nFROM node:20\n")
    shard = tmp_path / "s.sarif"
    CliRunner().invoke(cli, ["scan", str(tmp_path), "-o", str(shard), "-q", "--fail-on", "never"])
    monkeypatch.setattr(sarif_limits, "STORED_RESULTS", 1)
    ran = CliRunner().invoke(cli, ["merge", str(shard), "-o", str(tmp_path / "all.sarif")])
    assert ran.exit_code == 0 and "GitHub code scanning stores only the 1" in ran.stderr


def test_upload_warnings_count_the_compressed_size(one_result, monkeypatch):
    assert sarif_limits.upload_warnings(1, "{}") == []
    monkeypatch.setattr(sarif_limits, "MAX_GZIPPED_BYTES", 8)
    (warning,) = sarif_limits.upload_warnings(1, json.dumps(one_result))
    assert "bytes gzip-compressed: GitHub code scanning rejects an upload of more than 8" in warning
