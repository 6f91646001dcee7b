"""SEC001 on secrets that a JSON string or a double-quoted YAML scalar spells with escapes
(`\\/` for `/`, `\\u0067` for `g`): found in what the string reads as, located on the string as
written, and never shown in either spelling."""

from __future__ import annotations

import json

import pytest

from guardlint.report import REPORTERS, reporter
from tests.conftest import findings_of, lines_of, run_scan, write_file

TOKEN = "ghp_R4nD0mT0k3nZ8qW2eY6uI1oP5aS9dF3gH7jK"
HIGH_ENTROPY = "Wk9Xr2PqL7vN3mT8sY1uZ5bC4dF6gH0jK2lM9nQa"


def _template(*entries: str) -> str:
    """A JSON template whose Metadata holds the entries, one a line (lines 3 on)."""
    body = ",\n".join(f"  {entry}" for entry in entries)
    return '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}},\n "Metadata": {\n' + body + "\n}}\n"


def _spelled(text: str) -> str:
    """`text` as a JSON encoder that escapes slashes writes it, one character as `\\uXXXX`."""
    middle = len(text) // 2
    return (text[:middle] + f"\\u{ord(text[middle]):04x}" + text[middle + 1 :]).replace("/", "\\/")


@pytest.mark.parametrize(
    "entry",
    [
        f'"token": "{_spelled(TOKEN)}"',
        f'"token": "\\u0067{TOKEN[1:]}"',
        f'"db": "{_spelled("postgres://app:Xk8s9dLq2PzWq7Rt@db.internal/app")}"',
        '"hook": "https:\\/\\/hooks.slack.com\\/services\\/T4F2K9QW1\\/B07RZL3M2PX\\/'
        'Qm8rT2vX9kLp4WnZ7cYb3HdF"',
        f'"db_password": "{_spelled(HIGH_ENTROPY)}"',
        f'"env": "AWS_SECRET_ACCESS_KEY={_spelled(HIGH_ENTROPY)}"',
    ],
)
def test_a_secret_spelled_with_escapes_is_found_on_its_line(tmp_path, entry):
    write_file(tmp_path, "template.json", _template('"a": "b"', entry))
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == [4]


def test_in_a_double_quoted_yaml_scalar(tmp_path):
    text = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        f'Description: "Mirror of {_spelled("https://ci:Xk8s9dLq2PzWq7Rt@nexus.example.com/r")}"\n'
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    )
    write_file(tmp_path, "template.yaml", text)
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == [2]


@pytest.mark.parametrize(
    "entry",
    [
        # stand-ins, spelled with escapes
        f'"db": "{_spelled("postgres://app:changeme@db/app")}"',
        '"key": "AKIA\\u0049OSFODNN7EXAMPLE"',
        '"token": "ghp_xxxxxxxxxxxxxxxxxx\\u0078xxxxxxxxxxxxxxxxx"',
        '"db_password": "\\u0024{DB_PASSWORD}"',
        # escapes that spell nothing secret
        '"url": "https:\\/\\/example.com\\/a\\/b", "dir": "C:\\\\Users\\\\token"',
        '"note": "-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----"',
        # an escaped backslash: the string spells `\\u004e` itself, which breaks the token
        '"k": "\'ghp_wWPw5k4aXcaT4f\\\\u004eP0UcnZwJUVFk6LO0pINUx\'"',
    ],
)
def test_no_secret_spelled_with_escapes(tmp_path, entry):
    write_file(tmp_path, "template.json", _template('"a": "b"', entry))
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []


def test_a_secret_written_verbatim_beside_escapes_is_one_finding(tmp_path):
    write_file(tmp_path, "template.json", _template(f'"u": "https:\\/\\/x.io", "t": "{TOKEN}"'))
    (found,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    column = _template(f'"u": "https:\\/\\/x.io", "t": "{TOKEN}"').splitlines()[2].index(TOKEN)
    assert (found.region.start_column, found.region.end_column) == (column + 1, column + 41)


def test_the_finding_points_at_the_string_as_written(tmp_path):
    spelled = _spelled(TOKEN)
    text = _template(f'"token": "{spelled}"')
    write_file(tmp_path, "template.json", text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    column = text.splitlines()[2].index(spelled) + 1
    assert (found.region.start_column, found.region.end_column) == (column, column + len(spelled))
    assert found.properties == {"secretType": "GitHub Token"}


def _runs(text: str) -> set[str]:
    """Each 6-character run of `text`, as is and JSON-escaped."""
    runs = {text[start : start + 6] for start in range(len(text) - 5)}
    return runs | {json.dumps(run)[1:-1] for run in runs}


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_neither_spelling_shows_in_any_report(tmp_path, output_format):
    url = "postgres://app:Xk8s9dLq2PzWq7Rt@db.internal/app"
    write_file(
        tmp_path,
        "template.json",
        _template(
            f'"token": "{_spelled(TOKEN)}"',
            f'"db": "{_spelled(url)}"',
            f'"db_password": "{_spelled(HIGH_ENTROPY)}"',
        ),
    )
    result = run_scan(tmp_path, only_rules={"SEC001", "CFN022"})
    assert lines_of(result, "SEC001") == [3, 4, 5]
    rendered = reporter(output_format)(result, all_rules=True)
    secret_runs = _runs(TOKEN) | _runs(_spelled(TOKEN)) | _runs("Xk8s9dLq2PzWq7Rt")
    secret_runs |= _runs(HIGH_ENTROPY) | _runs(_spelled(HIGH_ENTROPY))
    assert sorted(run for run in secret_runs if run in rendered) == []
