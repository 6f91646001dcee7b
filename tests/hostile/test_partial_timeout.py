"""A file whose time budget runs out while its rules run keeps the findings of the rules that
finished (guardlint.engine.evaluation), redacted of every secret the file holds, and a GL001
that says which rules' findings are missing. The budget runs out where a test says: a check
raises FileTimeout, as SIGALRM's handler does (guardlint.engine.budget)."""

from __future__ import annotations

import json

import pytest

from guardlint.engine.budget import FileTimeout
from guardlint.engine.rule_runner import RuleRunner
from tests.conftest import (
    FIXTURES,
    findings_of,
    replace_check,
    report_text,
    run_scan,
    write_file,
)
from tests.hostile.conftest import parse_error

TOKENS = ("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", "ghp_R3sT9kLmN2pQ8vX4zA6bC1dE5fG7hJ0iK2mO")
# Each token shares its line with another rule's finding: K8S012's image (line 9), and K8S014's
# literal password (line 14), where only SEC001 finds the token.
POD = f"""apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx:latest  # pull with {TOKENS[0]}
      securityContext:
        privileged: true  # guardlint:ignore K8S001 -- needs the host's devices
      env:
        - name: DB_PASSWORD
          value: "Zq8rTn4vWx2pLk7m"  # or {TOKENS[1]}
"""
STOPPED = "Stopped scanning pod.yaml at its kubernetes document 1: scanning took longer than 30 s"


def _out_of_time(real_check):
    def check(document, rule):
        raise FileTimeout(30)

    return check


def _scan_stopped_at(tmp_path, monkeypatch, rule_id: str, text: str = POD, **options):
    replace_check(monkeypatch, rule_id, _out_of_time)
    write_file(tmp_path, "pod.yaml", text)
    return run_scan(tmp_path, jobs=1, **options)


def _shows_no_token(result, tokens: tuple[str, ...] = TOKENS) -> None:
    # Each token, and its parts: a report must not quote a secret in pieces either.
    parts = [part for token in tokens for part in (token, token[4:16], token[-12:])]
    sarif = json.loads(report_text("sarif", result))
    # Not its rules' help, whose examples hold some of these tokens.
    sarif_results = json.dumps([run["results"] for run in sarif["runs"]])
    for report in (report_text("json", result), sarif_results):
        assert not [part for part in parts if part in report]


WITHHELD = (
    "{} found a problem here; its details are withheld because the secret rules did not "
    "finish on this file within its time budget."
)


def _withheld(result) -> dict[str, list[int]]:
    """The lines of each rule's findings whose details are withheld, each checked to say
    nothing the file says."""
    lines: dict[str, list[int]] = {}
    for finding in result.findings:
        if not finding.properties.get("detailsWithheld"):
            continue
        assert finding.message == WITHHELD.format(f"{finding.rule_id} ({finding.rule_name})")
        assert finding.resource == "kubernetes document 1" and finding.snippet == ""
        assert finding.properties == {"detailsWithheld": True}
        lines.setdefault(finding.rule_id, []).append(finding.region.start_line)
    return lines


def test_findings_of_rules_that_finished_are_kept_when_a_later_rule_runs_out(tmp_path, monkeypatch):
    result = _scan_stopped_at(tmp_path, monkeypatch, "K8S013")
    # K8S001 ran before the budget ran out: its finding stays, suppressed as written.
    (privileged,) = findings_of(result, "K8S001")
    assert privileged.region.start_line == 11 and privileged.suppression is not None
    (latest,) = findings_of(result, "K8S012")
    assert latest.snippet == "image: nginx:latest  # pull with <redacted>"
    assert not findings_of(result, "K8S013")
    # Every secret rule ran first: SEC001 reports the token it alone finds, and defers to
    # K8S014 on the password's line as in a complete scan.
    assert [f.region.start_line for f in findings_of(result, "SEC001")] == [9]
    assert [f.region.start_line for f in findings_of(result, "K8S014")] == [14]
    error = parse_error(result, "pod.yaml")
    assert error.message.startswith(STOPPED + "; the findings of the rules that finished are")
    assert "those of rule K8S013 and every rule after it are missing (K8S013, K8S015" in (
        error.message
    )
    missing = error.properties["missingRules"]
    assert missing[0] == "K8S013" and "K8S001" not in missing and "SEC001" not in missing
    assert result.files["scanned"] == 1
    _shows_no_token(result)


def test_a_stop_among_the_secret_rules_keeps_their_findings_without_lines(tmp_path, monkeypatch):
    # K8S014 finished, SEC001 did not: the token on K8S014's line is known to no rule.
    result = _scan_stopped_at(tmp_path, monkeypatch, "SEC001")
    (password,) = findings_of(result, "K8S014")
    assert password.snippet == "" and password.region.start_line == 14
    assert not findings_of(result, "SEC001")
    # The other rules ran on: their findings say where, and which rule, nothing else.
    withheld = _withheld(result)
    assert withheld["K8S001"] == [11] and withheld["K8S012"] == [9]
    assert {f.rule_id for f in result.findings} == {"K8S014", "GL001", *withheld}
    # Suppressed inline as in a complete scan.
    (privileged,) = findings_of(result, "K8S001")
    assert privileged.suppression is not None
    error = parse_error(result, "pod.yaml")
    assert error.message == (
        "Stopped scanning pod.yaml at the file's text: scanning took longer than 30 s; the "
        "findings of the secret rules that finished are reported, those of rule SEC001 and "
        "every secret rule after it are missing (SEC001); the other rules ran on within an "
        "extra budget, and their findings are reported with their details withheld, as the "
        "secrets only an unfinished rule would have found are not known."
    )
    assert error.properties["missingRules"] == ["SEC001"]
    _shows_no_token(result)


ARGS_TOKEN = "ghp_Vb7nQ2xLp9Rt4Kw8Zc3Mf6Hj1Sd5Ga0Ye2Ui"
# Only SEC001 finds the token in the args; K8S001 judges the same container.
PRIVILEGED_WITH_TOKEN = f"""apiVersion: v1
kind: Pod
metadata:
  name: sync
spec:
  containers:
    - name: sync
      image: registry.example.com/sync:1.4.2
      args: ["--pull", "https://x-access-token:{ARGS_TOKEN}@github.com/acme/sync.git"]
      securityContext:
        privileged: true
"""


def test_padding_the_secret_rules_out_of_time_hides_no_misconfiguration(tmp_path, monkeypatch):
    result = _scan_stopped_at(tmp_path, monkeypatch, "SEC001", PRIVILEGED_WITH_TOKEN)
    (privileged,) = findings_of(result, "K8S001")
    assert privileged.suppression is None and privileged.region.start_line == 11
    assert _withheld(result)["K8S001"] == [11]
    assert "missing (SEC001)" in parse_error(result, "pod.yaml").message
    # Its fingerprint hashes no line: it differs from a complete scan's.
    monkeypatch.undo()
    complete = run_scan(tmp_path, jobs=1)
    (whole,) = findings_of(complete, "K8S001")
    assert whole.fingerprint != privileged.fingerprint
    assert (whole.severity, whole.category) == (privileged.severity, privileged.category)
    _shows_no_token(result, (ARGS_TOKEN,))


def _fails(failure: BaseException):
    def make(real_check):
        def check(document, rule):
            raise failure

        return check

    return make


# Past the extra budget, or a crash: the rules from there on are missing, no GL002.
@pytest.mark.parametrize("failure", [FileTimeout(7.5), KeyError("half made")])
def test_the_other_rules_after_a_stop_among_the_secret_rules_stop_cleanly(
    tmp_path, monkeypatch, failure
):
    replace_check(monkeypatch, "K8S013", _fails(failure))
    result = _scan_stopped_at(tmp_path, monkeypatch, "SEC001")
    withheld = _withheld(result)
    assert withheld["K8S001"] == [11] and "K8S013" not in withheld and "K8S015" not in withheld
    assert not findings_of(result, "GL002")
    error = parse_error(result, "pod.yaml")
    assert error.message.endswith(
        "as the secrets only an unfinished rule would have found are not known; those of rule "
        "K8S013 and every rule after it are missing (K8S013, K8S015,"
        + error.message.split("(K8S013, K8S015,", 1)[1]
    )
    missing = error.properties["missingRules"]
    assert missing[:3] == ["SEC001", "K8S013", "K8S015"] and "K8S001" not in missing
    _shows_no_token(result)


def test_a_stop_at_the_first_rule_leaves_only_withheld_findings(tmp_path, monkeypatch):
    result = _scan_stopped_at(tmp_path, monkeypatch, "K8S014")
    withheld = _withheld(result)
    assert withheld["K8S001"] == [11]
    assert {f.rule_id for f in result.findings} == {"GL001", *withheld}
    assert result.findings[0].properties["missingRules"] == ["K8S014", "K8S025", "SEC001"]
    _shows_no_token(result)


@pytest.mark.parametrize("rule_id", ["K8S013", "SEC001"])
def test_a_partial_outcome_is_not_cached(tmp_path, monkeypatch, rule_id):
    cache = str(tmp_path / "cache")
    scanned = tmp_path / "scanned"
    stopped = _scan_stopped_at(scanned, monkeypatch, rule_id, cache_dir=cache)
    assert not findings_of(stopped, rule_id)
    monkeypatch.undo()
    again = run_scan(scanned, jobs=1, cache_dir=cache)
    assert findings_of(again, rule_id) and not findings_of(again, "GL001")
    assert not _withheld(again)


@pytest.mark.parametrize("rule_id", ["K8S014", "SEC001", "K8S001", "K8S013", "K8S028"])
def test_a_partial_scan_reports_a_subset_of_the_complete_one(tmp_path, monkeypatch, rule_id):
    write_file(tmp_path / "whole", "pod.yaml", POD)
    complete = run_scan(tmp_path / "whole", jobs=1)
    partial = _scan_stopped_at(tmp_path / "cut", monkeypatch, rule_id)

    def shown(result, details: bool):
        return {
            (
                f.rule_id,
                f.region.start_line,
                f.message if details else "",
                f.snippet if details else "",
            )
            for f in result.findings
            if f.rule_id != "GL001" and (details or not f.properties.get("detailsWithheld"))
        }

    def where(result):
        return {(f.rule_id, f.region.start_line) for f in result.findings if f.rule_id != "GL001"}

    # Before every secret rule ran, the secret rules' findings have no snippets and the other
    # rules' no details, but every finding is one of the complete scan's.
    details = rule_id not in ("K8S014", "SEC001")
    assert shown(partial, details) <= shown(complete, details)
    assert where(partial) <= where(complete)
    _shows_no_token(partial)


def test_every_rule_whose_hits_name_secrets_says_it_finds_secrets(tmp_path, monkeypatch):
    """A rule that names secrets without `finds_secrets` would run among the others, so that a
    finding kept by a stop before it could show a secret it would have found."""
    naming: dict[str, bool] = {}
    real_hits = RuleRunner.hits

    def hits(runner, rule, document):
        found = real_hits(runner, rule, document)
        if any(hit.secret_values for hit in found):
            naming[rule.id] = rule.finds_secrets
        return found

    monkeypatch.setattr(RuleRunner, "hits", hits)
    run_scan(FIXTURES, jobs=1)
    # bandit's password test (CFN030), which no fixture holds.
    template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Worker:\n"
    template += "    Type: AWS::Serverless::Function\n"
    template += "    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src}\n"
    write_file(tmp_path, "template.yaml", template)
    write_file(tmp_path, "src/app.py", 'password = "Zx9pQ7rT2vLm4Kw8"\n')
    run_scan(tmp_path, root=str(tmp_path), jobs=1)
    assert {"CFN030", "K8S014", "SEC001"} <= naming.keys()
    assert [rule_id for rule_id, declared in naming.items() if not declared] == []
