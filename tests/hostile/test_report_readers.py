"""Each report stays what its reader can read, whatever a scanned repository holds: JUnit XML
that parses, a GitLab report within its schema's limits, a CI log in which the text report
starts no workflow command, and no part of a secret a custom rule's message cut short."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from guardlint.report.markup import literal
from guardlint.rulebook import load_pack
from guardlint.rulebook.validation import RuleError
from tests.conftest import processor_seconds, write_file
from tests.hostile.conftest import run_cli

TOKEN = "ghp_" + "Zq8Rk2Lm5Xv7Nw3Pt9Bd4Hj6Fs1Gc0YaUeTo"


def _pack(rule: dict, name: str = "acme") -> str:
    rule = {"id": "ACME001", "name": "a-rule", "title": "A rule", "severity": "high",
            "category": "Policy:Container/Rule", "kinds": ["compose"], "description": "d",
            "remediation": "r", **rule}  # fmt: skip
    return yaml.safe_dump({"pack": name, "rules": [rule]}, allow_unicode=True)


def _starts_a_workflow_command(text: str) -> bool:
    """Whether a line starts with `::` after its blanks, as the runner reads a log. (Not
    `^\\s*::` in MULTILINE: from each blank line it reads every blank line after it.)"""
    return any(line.lstrip().startswith("::") for line in text.splitlines())


def test_junit_parses_whatever_a_reason_a_message_or_a_path_holds(tmp_path):
    reasons = {"ctrl": "reviewed \x01 ok", "nonchar": "reviewed \uffff ok"}
    for name, reason in reasons.items():
        write_file(tmp_path, f"{name}/Dockerfile",
                   f"# guardlint:ignore-file DKR002 -- {reason}\nFROM ubuntu:latest\n")  # fmt: skip
    write_file(tmp_path, "message/Dockerfile", "FROM ubuntu:latest\ufffe\n")
    write_file(tmp_path, "odd\ufffe/Dockerfile", "FROM ubuntu:latest\n")
    done = run_cli("scan", str(tmp_path), "-q", "-f", "junit", cwd=tmp_path)
    report = ET.fromstring(done.stdout)
    skipped = {s.get("message") for s in report.iter("skipped")}
    assert {"suppressed: reviewed \\x01 ok", "suppressed: reviewed \\uffff ok"} <= skipped
    assert any(case.get("file") == "odd\\ufffe/Dockerfile" for case in report.iter("testcase"))


@pytest.mark.parametrize("name", ["evil\x01\x1b[31mpack", "bad\ufffe", "x" * 101, "line\nbreak"])
def test_a_pack_name_is_printable_text(tmp_path, name):
    path = write_file(tmp_path, "pack.yaml", _pack({"match": {"select": "$.services.*",
                      "where": {"path": "image", "exists": True}}}, name))  # fmt: skip
    with pytest.raises(RuleError, match=r"pack: .* is not a name"):
        load_pack(path, custom=True)


def test_the_text_report_starts_no_workflow_command_in_a_ci_log(tmp_path):
    for directory in ("::add-mask::a", "::stop-commands::b", "c ##[error]forged"):
        write_file(tmp_path, f"{directory}/Dockerfile", "FROM ubuntu:latest\n")
    for compact in ([], ["--compact"]):
        text = run_cli("scan", str(tmp_path), "--no-color", *compact, cwd=tmp_path).stdout
        assert "Dockerfile" in text
        assert not _starts_a_workflow_command(text) and "##[" not in text
        assert "\\x3a:add-mask::a/Dockerfile" in text and "c \\x23#[error]forged" in text


@pytest.mark.parametrize(
    "output_format", ["json", "sarif", "asff", "gitlab-sast", "gitlab-codequality", "html", "junit"]
)
def test_a_report_printed_to_a_ci_log_starts_no_workflow_command(tmp_path, output_format):
    """The runner takes `##[` anywhere in a line, or `::` at its start, for a command
    (`##[add-mask]`, `::stop-commands::`): a report on standard output, in a job's log, writes
    the character as an escape its own format reads back as itself. (JUnit lists a rule's
    findings in a file one a line, each starting with the file's path.)"""
    forged = "c ##[add-mask]forged"
    services = {name: {"image": "nginx:1.27", "privileged": True} for name in (forged, "other")}
    for directory in (forged, "::stop-commands::x"):
        write_file(tmp_path, f"{directory}/compose.yaml", yaml.safe_dump({"services": services}))
    done = run_cli("scan", str(tmp_path), "-q", "-f", output_format, cwd=tmp_path)
    assert "##[" not in done.stdout and not _starts_a_workflow_command(done.stdout)
    if output_format == "junit":
        report = ET.fromstring(done.stdout)
        assert f"{forged}/compose.yaml" in {case.get("file") for case in report.iter("testcase")}
        assert any(forged in failure.get("message") for failure in report.iter("failure"))
        lines = [line for f in report.iter("failure") for line in f.text.splitlines()]
        assert any(line.startswith("::stop-commands::x/compose.yaml:") for line in lines)
    elif output_format != "html":  # read back as written: the message quotes the service
        quoted = literal(forged) if output_format == "gitlab-sast" else forged  # markdown there
        written = json.dumps(json.loads(done.stdout), ensure_ascii=False)
        assert json.dumps(quoted, ensure_ascii=False)[1:-1] in written


def test_no_part_of_a_secret_survives_a_custom_rules_field_cut_short(tmp_path):
    """A template cuts each field to 200 characters before the findings are made: the start
    of a secret left before the cut was shown."""
    note = "x" * 185 + " " + TOKEN
    write_file(tmp_path, "docker-compose.yml", yaml.safe_dump(
        {"services": {"web": {"image": "nginx:1.27", "environment": {"NOTE": note}}}}))  # fmt: skip
    write_file(tmp_path, "policies/p.yaml", _pack({"match": {
        "select": "$.services.*.environment", "where": {"path": "NOTE", "exists": True},
        "locate": "NOTE", "message": "m {value}", "resource": "r {subject[NOTE]}"}}))  # fmt: skip
    done = run_cli("scan", ".", "--rules", "policies", "-f", "json", cwd=tmp_path)
    (finding,) = [f for f in json.loads(done.stdout)["findings"] if f["rule_id"] == "ACME001"]
    assert finding["message"].endswith("<redacted>\u2026")
    assert finding["resource"].endswith("<redacted>\u2026")
    runs = {TOKEN[i : i + 6] for i in range(len(TOKEN) - 5)}
    assert not [run for run in runs if run in done.stdout]


def test_a_gitlab_vulnerability_description_stays_within_the_schema_limit(tmp_path):
    write_file(tmp_path, "docker-compose.yml", "services:\n  web:\n    image: nginx:1.27\n")
    write_file(tmp_path, "policies/p.yaml", _pack({"description": "d" * 1_200_000, "match": {
        "select": "$.services.*", "where": {"path": "image", "exists": True}}}))  # fmt: skip
    done = run_cli("scan", ".", "--rules", "policies", "-f", "gitlab-sast", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["vulnerabilities"]
    assert all(len(v["description"]) <= 1_048_576 for v in report["vulnerabilities"])


def test_explain_and_notes_start_no_workflow_command_in_a_ci_log(tmp_path):
    """Rule documentation, errors and notes may quote a repository's pack or config."""
    forged = "fine\n::warning file=README.md::Approved\n  ::add-mask::x ##[error]forged"
    write_file(tmp_path, "policies/p.yaml", _pack({"description": forged, "match": {
        "select": "$.services.*", "where": {"path": "image", "exists": True}}}))  # fmt: skip
    explained = run_cli("explain", "ACME001", "--rules", "policies", cwd=tmp_path).stdout
    baseline = "base\n::add-mask::b ##[group].json"
    write_file(tmp_path, "repo/.guardlint.yaml", yaml.safe_dump({"baseline": baseline}))
    write_file(tmp_path, "repo/Dockerfile", "FROM ubuntu:latest\n")
    run_cli("scan", ".", "-q", cwd=tmp_path / "repo")  # no baseline file: refused, quoted
    noted = run_cli("scan", ".", cwd=tmp_path / "repo").stderr
    for shown in (explained, noted):
        assert "add-mask" in shown
        assert not _starts_a_workflow_command(shown) and "##[" not in shown


def test_explain_reads_a_description_of_many_blank_lines_in_linear_time(tmp_path):
    """Each blank line's search for a `::` after its blanks read every blank line after it."""
    description = "  ::warning::forged\n" + "\n" * 100_000 + "end"
    write_file(tmp_path, "policies/p.yaml", _pack({"description": description, "match": {
        "select": "$.services.*", "where": {"path": "image", "exists": True}}}))  # fmt: skip
    started = processor_seconds()
    explained = run_cli("explain", "ACME001", "--rules", "policies", cwd=tmp_path, timeout=60)
    assert processor_seconds() - started < 10
    assert "\\x3a:warning::forged" in explained.stdout
    assert not _starts_a_workflow_command(explained.stdout)
