"""A detected secret never reaches any output (issue 11, class 2).

The same two secrets, a GitHub token (found by detect-secrets) and a password (found by the
name it is given), are written in every way the file kinds allow: plain, with JSON and YAML
escapes, `''` in single quotes, folded or continued over lines, over Dockerfile continuations
with either escape character, and as Python literals bandit reads in Lambda inline code. One
scan of the whole tree is rendered in every format and as a baseline; no 6-character run of
either secret may appear in any of them, as is or escaped, while every secret is still
reported.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from html import escape as xml_escape

import pytest

from guardlint.report.baseline import render_baseline
from tests.conftest import report_text, run_scan, write_file
from tests.hostile.secret_matrix_files import FORMATS, RUN, SECRETS, SHOWN, tree

FILES = tree()
GROUPS = sorted({path.split("/", 1)[0] for path in FILES})  # one way of writing the secrets


def _render(result, output_format: str) -> str:
    if output_format == "baseline":
        return render_baseline(result.active_findings).decode("utf-8")
    return report_text(output_format, result, all_rules=True)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """One scan of every file; each group's findings rendered in every format."""
    top = tmp_path_factory.mktemp("matrix")
    for name, text in FILES.items():
        write_file(top, name, text)
    result = run_scan(top, jobs=1)
    outputs = {}
    for group in GROUPS:
        mine = dataclasses.replace(
            result,
            findings=[f for f in result.findings if f.path.startswith(f"{group}/")],
            file_kinds={p: k for p, k in result.file_kinds.items() if p.startswith(f"{group}/")},
        )
        for output_format in FORMATS:
            outputs[group, output_format] = _render(mine, output_format)
    return result, outputs


# -- what must not show ---------------------------------------------------------------------------


def _spellings(run: str) -> set[str]:
    """A run as the formats may write it: as is, JSON-escaped (ASCII or not), XML-escaped."""
    return {
        run,
        json.dumps(run)[1:-1],
        json.dumps(run, ensure_ascii=False)[1:-1],
        xml_escape(run, quote=True),
        xml_escape(run, quote=False).replace("'", "&apos;"),
    }


FORBIDDEN = sorted(
    {
        spelling
        for secret in SECRETS
        for start in range(len(secret) - RUN + 1)
        for spelling in _spellings(secret[start : start + RUN])
    }
)
_FORBIDDEN = re.compile("|".join(map(re.escape, FORBIDDEN)))


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("group", GROUPS)
def test_no_output_shows_any_part_of_a_secret(matrix, group, output_format):
    _, outputs = matrix
    rendered = outputs[group, output_format]
    assert rendered.strip()
    leaks = [rendered[max(0, m.start() - 60) : m.end() + 20] for m in _FORBIDDEN.finditer(rendered)]
    assert leaks == []


# -- ...while every secret is still reported -------------------------------------------------------

# Secret findings per file: every secret planted, once (the token in the suppression reason of
# the Compose file is SEC001's; bandit reports each of the three Python literals).
REPORTED = {
    "compose.yaml": {"CMP007": 3, "SEC001": 1},
    "pod.yaml": {"K8S014": 2},
    "pod.json": {"K8S014": 2},
    "template.yaml": {"CFN015": 2, "CFN018": 1, "CFN019": 1, "CFN030": 3},
    "template.json": {"CFN015": 2, "CFN018": 1, "CFN019": 1, "CFN030": 3},
    "Dockerfile": {"DKR004": 3},
    "buildspec.yml": {"CBD002": 2},
    "codebuild.yaml": {"CBD002": 2, "CBD008": 1},
    "project.json": {"CBD002": 2},
}
SECRET_RULE_IDS = {"SEC001"}.union(*REPORTED.values())


@pytest.mark.parametrize("path", sorted(p for p in FILES if p not in SHOWN))
def test_every_secret_is_still_reported(matrix, path):
    result, _ = matrix
    reported = Counter(f.rule_id for f in result.findings if f.path == path)
    name = path.rsplit("/", 1)[-1]
    # No IAM rule looks for secrets: SEC001 does, in the text as written and as its JSON
    # strings spell it (escapes decoded).
    expected = REPORTED.get(name, {"SEC001": 1})
    assert {rule: reported[rule] for rule in SECRET_RULE_IDS if reported[rule]} == expected


def test_findings_that_show_a_secret_are_kept_redacted(matrix):
    result, _ = matrix
    shown = [f for f in result.findings if f.path in SHOWN and f.rule_id not in SECRET_RULE_IDS]
    assert {f.path for f in shown} == set(SHOWN)
    named = [f for f in shown if f.path.startswith("names-")]
    assert named and all("<redacted>" in f.resource for f in named)
    quoting = [f for f in shown if "<redacted>" in f.message and f.path.startswith("quoted-")]
    assert {f.path for f in quoting} == {p for p in SHOWN if p.startswith("quoted-")}
