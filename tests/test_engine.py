"""The engine: parse errors, crashing rules, secret de-duplication, fingerprints, filters."""

from __future__ import annotations

import pytest

from guardlint.discover import kind_by_name
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.findings.make import fingerprint
from guardlint.model.rules import Severity
from guardlint.rulebook import load_rulebook
from tests.conftest import CONFIGMAP, findings_of, lines_of, replace_check, run_scan, write_file


def test_unparsable_file_is_a_finding_and_the_scan_goes_on(tmp_path):
    write_file(tmp_path, "broken.yaml", "apiVersion: v1\nkind: Pod\n  bad: [\n")
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    result = run_scan(tmp_path)
    (parse_error,) = findings_of(result, "GL001")
    assert parse_error.path == "broken.yaml" and parse_error.region.start_line == 3
    assert lines_of(result, "SEC001") == [7]
    assert result.files["unparsable"] == 1 and result.files["scanned"] == 1


def test_non_iac_yaml_is_skipped_silently(tmp_path):
    write_file(tmp_path, ".github/workflows/ci.yml", "on: push\njobs:\n  t:\n    runs-on: x\n")
    write_file(tmp_path, "values.yaml", "replicaCount: 1\nimage:\n  tag: latest\n")
    result = run_scan(tmp_path)
    assert result.findings == []
    assert result.files["skipped"] == 2 and result.files["scanned"] == 0


def test_a_crashing_rule_becomes_an_internal_error(tmp_path, monkeypatch):
    def explode(document, rule):
        raise RuntimeError("boom")

    replace_check(monkeypatch, "SEC001", lambda real_check: explode)
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    (crash,) = findings_of(run_scan(tmp_path), "GL002")
    assert "SEC001" in crash.message and crash.path == "cm.yaml"


def test_secret_is_redacted_from_snippet_and_never_in_the_fingerprint(tmp_path):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    (finding,) = findings_of(run_scan(tmp_path), "SEC001")
    assert "ghp_" not in finding.snippet and "<redacted>" in finding.snippet
    assert "secret_values" not in finding.properties


def test_fingerprint_survives_line_shifts(tmp_path):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    before = findings_of(run_scan(tmp_path), "SEC001")[0].fingerprint
    write_file(tmp_path, "cm.yaml", "# a comment\n\n" + CONFIGMAP)
    after = findings_of(run_scan(tmp_path), "SEC001")[0]
    assert after.region.start_line == 9 and after.fingerprint == before


def test_fingerprint_depends_on_rule_path_resource_and_snippet():
    base = fingerprint("R001", "a.yaml", "x", "line")
    assert base == fingerprint("R001", "a.yaml", "x", "  line  ")
    others = {
        fingerprint("R002", "a.yaml", "x", "line"),
        fingerprint("R001", "b.yaml", "x", "line"),
        fingerprint("R001", "a.yaml", "y", "line"),
        fingerprint("R001", "a.yaml", "x", "other"),
    }
    assert base not in others and len(others) == 4


def test_fingerprint_takes_each_run_of_any_whitespace_as_one_space():
    # Unicode's blanks too (an em space, an ideographic space, a file separator), as `\s` does.
    spaced = fingerprint("R001", "a.yaml", "x", "\u3000key:\t\u2003\x1c value \x0b")
    assert spaced == fingerprint("R001", "a.yaml", "x", "key: value")
    assert spaced != fingerprint("R001", "a.yaml", "x", "key:value")


def test_min_severity_and_rule_selection(tmp_path):
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    write_file(tmp_path, "broken.yaml", "apiVersion: v1\nkind: Pod\n  bad: [\n")
    only_critical = scan(ScanOptions(paths=[str(tmp_path)], min_severity=Severity.CRITICAL))
    assert {f.rule_id for f in only_critical.findings} == {"SEC001"}
    skipped = scan(ScanOptions(paths=[str(tmp_path)], skip_rules={"SEC001"}))
    assert {f.rule_id for f in skipped.findings} == {"GL001"}


@pytest.mark.parametrize(
    "name",
    ["Dockerfile", "api.Dockerfile", "Dockerfile.prod", "Containerfile", "Dockerfile-prod",
     "Dockerfile_dev", "containerfile-alpine-3"],
)  # fmt: skip
def test_dockerfiles_are_discovered_by_name(tmp_path, name):
    write_file(tmp_path, name, "FROM alpine:3.20\n")
    assert run_scan(tmp_path).files["scanned"] == 1


@pytest.mark.parametrize("name", ["dockerfile_lint.py", "Dockerfile-notes.md", "dockerfile-x.sh"])
def test_other_files_named_after_dockerfiles_are_not_read_as_one(name):
    assert kind_by_name(name) != "dockerfile"


def test_a_short_password_equal_to_a_name_does_not_blank_the_name_in_messages(tmp_path):
    compose = (
        "services:\n"
        "  mysql:\n"
        "    image: mysql:8.4\n"
        "    environment:\n"
        "      MYSQL_ROOT_PASSWORD: mysql\n"
    )
    write_file(tmp_path, "compose.yaml", compose)
    result = run_scan(tmp_path)
    (secret,) = findings_of(result, "CMP007")
    assert "mysql" not in secret.snippet
    assert any("mysql" in f.message for f in result.findings if f.rule_id != "CMP007")


def test_a_scanned_file_leaves_no_cycles_behind(tmp_path):
    """Workers scan with the cyclic collector off: a file's objects must be freed by
    reference counting (a parsed IAM policy pointed back at its document)."""
    import gc

    write_file(
        tmp_path,
        "template.yaml",
        "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Statement:\n"
        "          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com},"
        " Action: 'sts:AssumeRole'}\n"
        "      Policies:\n        - PolicyName: all\n          PolicyDocument:\n"
        "            Statement: [{Effect: Allow, Action: '*', Resource: '*'}]\n",
    )
    run_scan(tmp_path, jobs=1)  # imports and caches first
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = run_scan(tmp_path, jobs=1)
        gc.collect()
        leaked = [
            type(o).__name__ for o in gc.garbage if type(o).__module__.startswith("guardlint")
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert findings_of(result, "IAM001")
    assert leaked == []


def test_sec001_stays_silent_where_another_rule_reported_the_secret(tmp_path):
    """CFN018 (a secret parameter's Default) is not a /HardcodedSecret rule, but it names the
    value it found: SEC001 must not report the same line again."""
    write_file(
        tmp_path,
        "template.yaml",
        "Parameters:\n  GitHubToken:\n    Type: String\n    NoEcho: true\n"
        "    Default: 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\n"
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n",
    )
    result = run_scan(tmp_path)
    assert lines_of(result, "CFN018") == [5]
    assert lines_of(result, "SEC001") == []
    # The precedence is the rule's data (rules/secrets.yaml), which the engine reads.
    rulebook = load_rulebook()
    rulebook.by_id["SEC001"].defers_to_specific_secret_rules = False
    result = scan(ScanOptions(paths=[str(tmp_path)]), rulebook)
    assert lines_of(result, "SEC001") == [5]
