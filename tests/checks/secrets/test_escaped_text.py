"""SEC001 on secrets that a JSON string or a double-quoted YAML scalar spells with escapes
(`\\/` for `/`, `\\u0067` for `g`): found in what the string reads as, located on the string as
written, and never shown in either spelling."""

from __future__ import annotations

import json

import pytest

from guardlint.report import REPORTERS
from tests.conftest import findings_of, lines_of, report_text, run_scan, write_file

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
    rendered = report_text(output_format, result, all_rules=True)
    secret_runs = _runs(TOKEN) | _runs(_spelled(TOKEN)) | _runs("Xk8s9dLq2PzWq7Rt")
    secret_runs |= _runs(HIGH_ENTROPY) | _runs(_spelled(HIGH_ENTROPY))
    assert sorted(run for run in secret_runs if run in rendered) == []


# A double-quoted YAML scalar written over several lines: a line break escaped with `\` joins
# its lines, an unescaped one folds to a space, and its escapes spell the rest.
KEY_BODY = "MIIEowIBAAKCAQEAxq1LZ3Bz3m1r9qK2xY8pWqR7hN5Q3uF0hG4T2lYp8uK1zX9v"
FOLDED = {
    "escaped line break": f'token: "{TOKEN[:14]}\\\n    {TOKEN[14:]}"\n',
    "spelled on a next line": f'note: "rotate\n    \\x67{TOKEN[1:]} soon"\n',
    "key in escaped lines": 'key: "-----BEGIN RSA PRIVATE KEY-----\\n\\\n'
    f'  {KEY_BODY}\\n\\\n  -----END RSA PRIVATE KEY-----\\n"\n',
    "key in folded lines": 'key: "-----BEGIN RSA PRIVATE KEY-----\\n\n'
    f'  {KEY_BODY}\\n\n  -----END RSA PRIVATE KEY-----"\n',
    "url": 'db: "postgres://app:Xk8s9dLq\\\n    2PzWq7Rt@db.internal/app"\n',
    "secret name": f'db_password: "{HIGH_ENTROPY[:15]}\\\n    {HIGH_ENTROPY[15:]}"\n',
    "in a flow sequence": f'tokens: ["a", "{TOKEN[:20]}\\\n    {TOKEN[20:]}"]\n',
}


def _metadata(entry: str) -> str:
    """A YAML template whose Metadata holds `entry` (from line 3)."""
    indented = "".join(f"  {line}\n" for line in entry.splitlines())
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n"
        + indented
        + "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    )


@pytest.mark.parametrize("entry", FOLDED.values(), ids=FOLDED.keys())
def test_a_secret_in_a_scalar_over_several_lines_is_found_once_on_the_scalar(tmp_path, entry):
    text = _metadata(entry)
    write_file(tmp_path, "template.yaml", text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    lines = text.splitlines()
    last = 3 + entry.count("\n") - 1
    start = lines[2].rindex('"') + 1  # the quote that opens it
    end = lines[last - 1].rindex('"') + 2
    assert found.region == (3, start, last, end)


@pytest.mark.parametrize(
    "entry",
    [
        # a line break that is not escaped is a space: no token
        f'token: "{TOKEN[:14]}\n    {TOKEN[14:]}"\n',
        # stand-ins
        'db: "postgres://app:change\\\n    me@db/app"\n',
        'key: "AKIAIOSF\\\n    ODNN7EXAMPLE"\n',
        'db_password: "${DB_\\\n    PASSWORD}"\n',
        # a key's header alone, then prose
        'doc: "Looks for -----BEGIN RSA PRIVATE KEY-----\n    in the files given"\n',
        # plain and single-quoted scalars have no escapes
        f"token: {TOKEN[:14]}\\\n    {TOKEN[14:]}\n",
        f"token: '{TOKEN[:14]}\\\n    {TOKEN[14:]}'\n",
    ],
)
def test_no_secret_in_a_scalar_over_several_lines(tmp_path, entry):
    write_file(tmp_path, "template.yaml", _metadata(entry))
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []


def test_a_secret_written_on_a_line_of_such_a_scalar_keeps_its_place(tmp_path):
    text = _metadata(f'note: "first,\n    then {TOKEN} and\\x20more"\n')
    write_file(tmp_path, "template.yaml", text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    column = text.splitlines()[3].index(TOKEN) + 1
    assert found.region == (4, column, 4, column + len(TOKEN))


def test_a_dockerfile_is_not_read_as_yaml(tmp_path):
    # Docker keeps the next line's indentation: the label reads `ghp_R4nD0mT0k3n  Z8q...`.
    label = f'LABEL a="{TOKEN[:14]}\\\n  {TOKEN[14:]}"\n'
    write_file(tmp_path, "Dockerfile", f"FROM alpine:3.20\n{label}")
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_no_part_of_a_secret_over_several_lines_shows_in_any_report(tmp_path, output_format):
    """Every line of the scalar loses its text, also in another rule's finding on one of them
    (CFN022 on the queue Q2 written after the scalar ends)."""
    spelled = "\\x67" + TOKEN[1:20]
    text = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        f'Resources: {{Q: {{Type: AWS::SQS::Queue, Metadata: {{note: "{spelled}\\\n'
        f'    {TOKEN[20:]}"}}}}, Q2: {{Type: AWS::SQS::Queue}}}}\n'
    )
    write_file(tmp_path, "template.yaml", text)
    result = run_scan(tmp_path)
    assert lines_of(result, "SEC001") == [2] and lines_of(result, "CFN022") == [2, 3]
    rendered = report_text(output_format, result, all_rules=True)
    secret_runs = _runs(TOKEN) | _runs(spelled) | _runs(TOKEN[20:])
    assert sorted(run for run in secret_runs if run in rendered) == []
