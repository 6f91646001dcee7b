"""Quoting in the instructions Docker substitutes variables in, as BuildKit's lexer reads them:
`'$VAR'` and `\\$VAR` are literal, `"$VAR"` is substituted; the rules that read substituted
values (DKR001, DKR004, DKR010, DKR015, DKR017, DKR018) see what the build sees."""

from __future__ import annotations

import pytest

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of

HEADER = "FROM alpine:3.22\nARG ROOT=root\nARG SSH=22\nENV KEY=id_rsa OFF=0 WORD=s3cr3t-Pa55w0rd\n"


def _lines(tmp_path, body: str, rule: str) -> list[int]:
    return lines_of(scan_dockerfile(tmp_path, HEADER + body + "\n", rule), rule)


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("USER '$ROOT'", "DKR001"),
        ("USER \\$ROOT", "DKR001"),
        ("USER '${ROOT}:0'", "DKR001"),
        ("EXPOSE '$SSH'", "DKR010"),
        ("COPY '$KEY' /root/.ssh/", "DKR015"),
        ("COPY \\$KEY /root/.ssh/", "DKR015"),
        ('COPY ["\'$KEY\'", "/root/.ssh/"]', "DKR015"),
        ("ENV PYTHONHTTPSVERIFY='$OFF'", "DKR017"),
        ("ENV NODE_TLS_REJECT_UNAUTHORIZED=\\$OFF", "DKR017"),
        ("ENV DB_PASSWORD='$WORD'", "DKR004"),
        ("ARG API_TOKEN='${WORD}'", "DKR004"),
    ],
)
def test_a_variable_in_single_quotes_or_escaped_is_literal(tmp_path, body, rule):
    assert _lines(tmp_path, body, rule) == []


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ('USER "$ROOT"', "DKR001"),
        ('USER "${ROOT}":0', "DKR001"),
        ('USER "${MISSING:-root}"', "DKR001"),
        ('EXPOSE "$SSH"', "DKR010"),
        ("EXPOSE '22'/tcp", "DKR010"),
        ('EXPOSE "${MISSING:-22}"', "DKR010"),
        ('COPY "$KEY" /root/.ssh/', "DKR015"),
        ('COPY ["${KEY}", "/root/.ssh/"]', "DKR015"),
        ('ENV PYTHONHTTPSVERIFY="$OFF"', "DKR017"),
        ("ENV NODE_TLS_REJECT_UNAUTHORIZED=${OFF}", "DKR017"),
        ('ENV DB_PASSWORD="$WORD"', "DKR004"),
        ("ENV DB_PASSWORD='pa$$w0rd-s3cr3t'", "DKR004"),
    ],
)
def test_a_variable_in_double_quotes_or_bare_is_substituted(tmp_path, body, rule):
    assert _lines(tmp_path, body, rule) == [5]


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("USER ro\\ot", "DKR001"),
        ("USER \\0:0", "DKR001"),
        ("EXPOSE 2\\2", "DKR010"),
        ("COPY id_rs\\a /root/.ssh/", "DKR015"),
        ("COPY \\.env /app/", "DKR015"),
    ],
)
def test_an_escape_without_a_variable_is_read_as_the_build_reads_it(tmp_path, body, rule):
    # BuildKit drops the escape character before any character outside quotes: `ro\ot` is root.
    assert _lines(tmp_path, body, rule) == [5]


def test_a_literal_dollar_in_single_quotes_is_the_secret_reported(tmp_path):
    result = scan_dockerfile(tmp_path, HEADER + "ENV DB_PASSWORD='pa$$w0rd-s3cr3t'\n", "DKR004")
    [finding] = findings_of(result, "DKR004")
    assert finding.properties == {"variable": "DB_PASSWORD"}
    # Located at the value as written: inside the quotes, on the ENV's line.
    assert (finding.region.start_line, finding.region.start_column) == (5, 18)


@pytest.mark.parametrize(
    "modifier",
    ["${PATHNAME##*/}", "${PATHNAME#/root/.ssh/}", "${PATHNAME/\\/root\\/.ssh\\//}"],
)
def test_pattern_modifiers_are_applied(tmp_path, modifier):
    body = f"ENV PATHNAME=/root/.ssh/id_rsa\nCOPY {modifier} /keys/"
    assert _lines(tmp_path, body, "DKR015") == [6]


def test_workdir_in_quotes_is_the_directory_files_are_removed_from(tmp_path):
    body = 'ENV APP=/srv\nWORKDIR "$APP"\nCOPY id_rsa ./\nRUN rm /srv/id_rsa'
    result = scan_dockerfile(tmp_path, HEADER + body + "\n", "DKR018")
    assert lines_of(result, "DKR018") == [8]
    literal = "ENV APP=/srv\nWORKDIR '$APP'\nCOPY id_rsa ./\nRUN rm /srv/id_rsa"
    assert lines_of(scan_dockerfile(tmp_path, HEADER + literal + "\n", "DKR018"), "DKR018") == []
