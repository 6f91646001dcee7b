"""A file whose secret rules did not finish (guardlint.engine.evaluation) shows nothing of its
text in a finding made after its rules, nor in a suppression's reason: the redactor does not
know the secrets only an unfinished rule would have found. GL003, a parse note and a crashed
rule's GL002 each quote the file; in such a file each has its details withheld
(guardlint.findings.withheld). SEC001's check raises FileTimeout, as SIGALRM's handler does
(guardlint.engine.budget)."""

from __future__ import annotations

import guardlint.engine.runner
from guardlint.parse.text import ParseError
from tests.conftest import findings_of, replace_check, run_scan, write_file
from tests.hostile.test_partial_timeout import _out_of_time, _shows_no_token

TOKEN = "ghp_Lq3Wz8Rt5Yx2Mn7Kp4Vb9Cd6Fg1Hj0As3De5"
WITHHELD = (
    "{} found a problem here; its details are withheld because the secret rules did not "
    "finish on this file within its time budget."
)


def _stopped_secret_rules(tmp_path, monkeypatch, name: str, text: str):
    replace_check(monkeypatch, "SEC001", _out_of_time)
    write_file(tmp_path, name, text)
    return run_scan(tmp_path, jobs=1)


def _withheld(finding, line: int) -> None:
    assert finding.message == WITHHELD.format(f"{finding.rule_id} ({finding.rule_name})")
    assert finding.properties == {"detailsWithheld": True} and finding.snippet == ""
    assert finding.region.start_line == line


def test_gl003_after_a_stop_among_the_secret_rules_quotes_nothing(tmp_path, monkeypatch):
    # Only SEC001 would find the token, in the construct path a GL003 names the resource by.
    template = f"""Resources:
  Logs:
    Type: AWS::S3::Bucket
    Metadata:
      aws:cdk:path: Stack/{TOKEN}/Logs
      guardlint:
        ignore: [S3001]
"""
    result = _stopped_secret_rules(tmp_path, monkeypatch, "template.yaml", template)
    (missing_reason,) = findings_of(result, "GL003")
    _withheld(missing_reason, 7)
    assert missing_reason.resource == "template.yaml"
    _shows_no_token(result, (TOKEN,))


def test_a_suppression_reason_after_a_stop_among_the_secret_rules_is_withheld(
    tmp_path, monkeypatch
):
    # The reason is the file's text, beside a suppression without one.
    pod = f"""apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:latest  # guardlint:ignore K8S012
      securityContext:
        privileged: true  # guardlint:ignore K8S001 -- pulled with {TOKEN}
"""
    result = _stopped_secret_rules(tmp_path, monkeypatch, "pod.yaml", pod)
    (privileged,) = findings_of(result, "K8S001")
    assert privileged.suppression.justification == (
        "withheld because the secret rules did not finish on this file within its time budget"
    )
    (latest,) = findings_of(result, "K8S012")
    assert latest.suppression.justification == ""
    (missing_reason,) = findings_of(result, "GL003")
    _withheld(missing_reason, 8)
    _shows_no_token(result, (TOKEN,))


def test_a_parse_note_after_a_stop_among_the_secret_rules_quotes_nothing(tmp_path, monkeypatch):
    # A parser's note that quotes the file: none does now, but none may ever show a secret.
    real_parse_file = guardlint.engine.runner.parse_file

    def parse_file(source, max_bytes):
        parsed = real_parse_file(source, max_bytes)
        parsed.notes.append(ParseError(f"a key {TOKEN} written twice", 2, 1))
        return parsed

    monkeypatch.setattr(guardlint.engine.runner, "parse_file", parse_file)
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: []\n"
    result = _stopped_secret_rules(tmp_path, monkeypatch, "pod.yaml", pod)
    notes = [f for f in findings_of(result, "GL001") if "missingRules" not in f.properties]
    assert len(notes) == 1
    _withheld(notes[0], 2)
    _shows_no_token(result, (TOKEN,))


def test_a_crash_after_a_stop_among_the_secret_rules_quotes_nothing(tmp_path, monkeypatch):
    def crashes(real_check):
        def check(document, rule):
            raise KeyError(f"no value for {TOKEN}")

        return check

    replace_check(monkeypatch, "K8S014", crashes)
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: []\n"
    result = _stopped_secret_rules(tmp_path, monkeypatch, "pod.yaml", pod)
    (crash,) = findings_of(result, "GL002")
    _withheld(crash, 1)
    _shows_no_token(result, (TOKEN,))
