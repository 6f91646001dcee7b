"""A file whose time runs out while its findings are made, after its rules (a file of many
secrets: redaction, snippets, fingerprints and suppressions are linear in its hits), keeps the
findings made by then and reports the rest with their details withheld, within a grace budget
of their own (guardlint.engine.making); past it, a GL001 counts those left. The time runs out
where a test says: the Nth fingerprint, or the redactor, raises FileTimeout as SIGALRM's
handler does (guardlint.engine.budget)."""

from __future__ import annotations

import pytest

import guardlint.findings.make
from guardlint.engine.budget import FileTimeout
from guardlint.findings.redaction import Redactor
from tests.conftest import findings_of, replace_check, run_scan, write_file
from tests.hostile.conftest import parse_error
from tests.hostile.test_partial_timeout import POD, _out_of_time, _shows_no_token

CUT = "Stopped making the findings of pod.yaml: scanning took longer than 30 s; "
OUT_OF_TIME = (
    "{} found a problem here; its details are withheld because the file's time budget ran "
    "out before its findings were made."
)
# The rules and lines of a complete scan's findings of POD (K8S011 has two on line 8, whose
# details tell them apart: with their details withheld, they are one).
COMPLETE = {("K8S018", 6), ("K8S012", 9), ("K8S013", 9), ("SEC001", 9), ("K8S001", 11)}
COMPLETE |= {("K8S014", 14)} | {
    (rule_id, 8) for rule_id in ("K8S002", "K8S003", "K8S009", "K8S010", "K8S011", "K8S015")
}
COMPLETE |= {("K8S017", 8)}


def _fingerprints_run_out(monkeypatch, *calls: int, failure: BaseException | None = None) -> None:
    """The time runs out (or `failure` is raised) in the fingerprint of each of `calls` (1: the
    file's first)."""
    real = guardlint.findings.make.fingerprint
    count = 0

    def fingerprint(*args):
        nonlocal count
        count += 1
        if count in calls:
            raise failure or FileTimeout(30)
        return real(*args)

    monkeypatch.setattr(guardlint.findings.make, "fingerprint", fingerprint)


def _scan(tmp_path, text: str = POD):
    write_file(tmp_path, "pod.yaml", text)
    return run_scan(tmp_path, jobs=1)


def _out_of_time_findings(result) -> list[tuple[str, int]]:
    """The rule and line of each finding made without details after the cut, each checked to
    say nothing the file says."""
    found = []
    for finding in result.findings:
        if finding.message == OUT_OF_TIME.format(f"{finding.rule_id} ({finding.rule_name})"):
            assert finding.properties == {"detailsWithheld": True} and finding.snippet == ""
            assert finding.resource in ("kubernetes document 1", "the file's text")
            assert finding.suppression is None
            found.append((finding.rule_id, finding.region.start_line))
    return sorted(found)


def _rules_and_lines(result) -> set[tuple[str, int]]:
    return {(f.rule_id, f.region.start_line) for f in result.findings if f.rule_id != "GL001"}


def test_a_stop_while_the_findings_are_made_keeps_them_all(tmp_path, monkeypatch):
    # The secret rules' two findings are made first; the time runs out in the third.
    _fingerprints_run_out(monkeypatch, 3)
    result = _scan(tmp_path)
    assert _rules_and_lines(result) == COMPLETE
    (password,) = findings_of(result, "K8S014")
    assert password.snippet == 'value: "<redacted>"  # or <redacted>'
    (token,) = findings_of(result, "SEC001")
    assert token.snippet == "image: nginx:latest  # pull with <redacted>"
    rest = _out_of_time_findings(result)
    assert len(rest) == len(COMPLETE) - 2 and ("K8S001", 11) in rest
    # Its suppression was not applied: reported, and counted, as a problem.
    (privileged,) = findings_of(result, "K8S001")
    assert privileged.suppression is None and privileged in result.active_findings
    error = parse_error(result, "pod.yaml")
    assert error.message == (
        CUT + "2 are reported as found, 12 with their details withheld; its inline "
        "suppressions were not all applied, so a finding one covers may be reported "
        "unsuppressed, and one that gives no reason is not reported (GL003)."
    )
    assert error.properties == {
        "reason": "scanning took longer than 30 s",
        "findingsWithheld": 12,
        "findingsMissing": 0,
    }
    _shows_no_token(result)


def test_a_stop_before_the_first_finding_withholds_every_detail(tmp_path, monkeypatch):
    def add(*args):
        raise FileTimeout(30)

    monkeypatch.setattr(Redactor, "add", add)
    result = _scan(tmp_path)
    assert _rules_and_lines(result) == COMPLETE == set(_out_of_time_findings(result))
    assert parse_error(result, "pod.yaml").message.startswith(
        CUT + "0 are reported as found, 14 with their details withheld;"
    )
    _shows_no_token(result)


def test_past_the_grace_budget_the_findings_left_are_counted(tmp_path, monkeypatch):
    # Out of time in the third finding, and again in the fifth withheld one.
    _fingerprints_run_out(monkeypatch, 3, 8)
    result = _scan(tmp_path)
    assert len(_out_of_time_findings(result)) == 4
    assert len(_rules_and_lines(result)) == 6
    error = parse_error(result, "pod.yaml")
    assert error.message.startswith(
        CUT + "2 are reported as found, 4 with their details withheld, 8 are missing;"
    )
    assert error.properties["findingsMissing"] == 8
    _shows_no_token(result)


@pytest.mark.parametrize(("failure", "told"), [(FileTimeout(6), "6 s"), (KeyError("half"), "30 s")])
def test_a_stop_among_the_rules_then_in_the_findings_keeps_both_notes(
    tmp_path, monkeypatch, failure, told
):
    # Past the stop in K8S013, out of its grace budget or at a check's cache left half made.
    replace_check(monkeypatch, "K8S013", _out_of_time)
    _fingerprints_run_out(monkeypatch, 3, failure=failure)
    result = _scan(tmp_path)
    notes = findings_of(result, "GL001")
    (stop,) = [note for note in notes if "missingRules" in note.properties]
    (cut,) = [note for note in notes if "findingsWithheld" in note.properties]
    assert "those of rule K8S013 and every rule after it are missing" in stop.message
    missing = stop.properties["missingRules"]
    assert _rules_and_lines(result) == {rule for rule in COMPLETE if rule[0] not in missing}
    assert cut.message.startswith(CUT.replace("30 s", told) + "2 are reported as found, ")
    _shows_no_token(result)


def test_a_stop_among_the_secret_rules_then_in_the_findings_shows_no_line(tmp_path, monkeypatch):
    replace_check(monkeypatch, "SEC001", _out_of_time)
    _fingerprints_run_out(monkeypatch, 2)
    result = _scan(tmp_path)
    assert all(f.snippet == "" for f in result.findings)
    (password,) = findings_of(result, "K8S014")
    assert password.region.start_line == 14
    assert ("K8S001", 11) in _out_of_time_findings(result)
    assert len(findings_of(result, "GL001")) == 2
    _shows_no_token(result)
