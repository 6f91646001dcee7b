"""Redaction of detected secrets: what tests/hostile/test_secret_matrix.py does not show one
output byte at a time (fingerprints, bandit's messages, continued Dockerfile lines)."""

from __future__ import annotations

import pytest

from guardlint.findings.redaction import REDACTED, Redactor
from guardlint.model.documents import Region
from guardlint.parse.dockerfile_text import InstructionText
from tests.conftest import findings_of, report_text, run_scan, write_file

PASSWORDS = ("Zx9pQ7rT2vLm4Kw8", "Hb3nY6sD8fJq1Pe5")
TOKENS = ("ghp_Q7vK2mX9pL4rT8wN3bY6cF1hJ5dS0aZeUgVi", "ghp_R8mZq2LxW7vN3pKt9YbC4dFh6JsA1eUo5iGg")
SAM_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src}
"""


def _fingerprints(tmp_path, files: dict[str, str]) -> dict[tuple[str, str, int], str]:
    for name, text in files.items():
        write_file(tmp_path, name, text)
    result = run_scan(tmp_path, root=str(tmp_path), jobs=1)
    return {(f.path, f.rule_id, f.region.start_line): f.fingerprint for f in result.findings}


def _project(password: str, token: str) -> dict[str, str]:
    return {
        # DKR008 reports the line DKR004 finds the password on.
        "Dockerfile": "FROM python:3.12-slim\n"
        f"RUN curl -u admin:{password} https://get.example.com/install.sh | sh\nUSER app\n",
        # The service's name is the token: every finding of the service has it as resource.
        "compose.yaml": f"services:\n  {token}:\n    image: x:1\n    privileged: true\n",
        # bandit's B105 on a CodeUri file: its fingerprint key quotes the code line.
        "template.yaml": SAM_TEMPLATE,
        "src/app.py": f'password = "{password}"\n',
    }


def test_fingerprints_never_depend_on_a_secret_value(tmp_path):
    first = _fingerprints(tmp_path / "a", _project(PASSWORDS[0], TOKENS[0]))
    second = _fingerprints(tmp_path / "b", _project(PASSWORDS[1], TOKENS[1]))
    assert {rule for _, rule, _ in first} >= {"DKR004", "DKR008", "CMP001", "CFN030"}
    shared = [where for where in first if where[1] != "SEC001"]  # SEC001 keys on a digest
    assert [first[where] for where in shared] == [second.get(where) for where in shared]


def test_a_resource_that_is_a_secret_is_masked(tmp_path):
    write_file(tmp_path, "compose.yaml", _project(*PASSWORDS[:1], TOKENS[0])["compose.yaml"])
    privileged = findings_of(run_scan(tmp_path), "CMP001")
    assert [f.resource for f in privileged] == [f"service {REDACTED}"]
    assert TOKENS[0] not in privileged[0].message


def test_a_bandit_password_over_several_lines_is_redacted_from_the_message(tmp_path):
    write_file(tmp_path, "template.yaml", SAM_TEMPLATE)
    write_file(tmp_path, "src/app.py", 'password = "Zx9pQ7rT\\n2vLm4Kw8"\n')
    (finding,) = findings_of(run_scan(tmp_path, root=str(tmp_path)), "CFN030")
    assert finding.properties["banditTestId"] == "B105"
    assert "Zx9pQ7" not in finding.message and "2vLm4K" not in finding.message
    assert finding.message.endswith(f"'{REDACTED}'")


def test_an_instruction_reads_as_docker_joins_its_lines():
    lines = ["RUN curl -H 'token ghp_Q7vK2mX9\\", "# a comment Docker skips", "", "pL4r' x"]
    text = InstructionText(lines, 1, 4, "\\")
    assert text.text == "RUN curl -H 'token ghp_Q7vK2mX9pL4r' x"
    assert text.region_of("ghp_Q7vK2mX9pL4r") == Region(1, 20, 4, 5)
    assert text.region_of("absent") is None


VALUE = PASSWORDS[0]
ESCAPED = "Zx9p\\u0051" + VALUE[5:]  # JSON and YAML read \u0051 as the "Q" it replaces


@pytest.mark.parametrize("written", [VALUE, ESCAPED])
def test_a_snippet_loses_the_secret_text_where_it_is_written(written):
    line = f'  key: "{written}" # note'
    column = line.index('"') + 1
    scalar = Region(1, column, 1, column + len(written) + 2)  # as the YAML parser gives it
    redactor = Redactor()
    redactor.add("f.yaml", [VALUE], [scalar], lambda n: line)
    assert redactor.snippet("f.yaml", 1, line) == f'  key: "{REDACTED}" # note'


def test_a_line_that_spells_a_secret_in_escapes_goes_whole():
    redactor = Redactor()
    redactor.add("a.json", [VALUE], [Region(2)], lambda n: "")
    assert redactor.snippet("a.json", 5, f'  "other": "{ESCAPED}",') == REDACTED
    assert redactor.snippet("a.json", 5, '  "other": "fine",') == '  "other": "fine",'


def test_every_line_of_a_folded_secret_loses_its_part():
    lines = ["key: Zx9pQ7rT", "  2vLm4Kw8  # the rest"]
    redactor = Redactor()
    redactor.add("f.yaml", ["Zx9pQ7rT 2vLm4Kw8"], [Region(1, 6, 2, 11)], lambda n: lines[n - 1])
    assert redactor.snippet("f.yaml", 1, lines[0]) == f"key: {REDACTED}"
    assert redactor.snippet("f.yaml", 2, lines[1]) == f"  {REDACTED}  # the rest"


# Two secrets in one value: a token detect-secrets knows, and a high-entropy key it finds only
# by the name before it. The pack's secret rule reports the line for the token; SEC001 gives way
# to it there, but what it found is still redacted. Before SEC001 looked past a line's first
# detector hit, the key was found by nothing and shown in every snippet of the line.
_AWS_SECRET = "Wk9Xr2PqL7vN3mT8sY1uZ5bC4dF6gH0jK2lM9nQa"
_TWO_SECRETS = f"export T={TOKENS[0]}; export AWS_SECRET_ACCESS_KEY={_AWS_SECRET}"
_TWO_SECRETS_FILES = {
    "Dockerfile": f'FROM alpine:3.20\nENV SCRIPT="{_TWO_SECRETS}"\nRUN {_TWO_SECRETS}\n',
    "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n"
    "  containers:\n  - name: a\n    image: nginx:1.27\n    env:\n    - name: SCRIPT\n"
    f'      value: "{_TWO_SECRETS}"\n',
    "template.yaml": "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n"
    f'      Code:\n        ZipFile: "{_TWO_SECRETS}"\n',
    "compose.yaml": f'services:\n  app:\n    image: x:1.0\n    command: "{_TWO_SECRETS}"\n',
}


@pytest.mark.parametrize("output_format", ["json", "sarif", "text", "markdown"])
def test_no_report_shows_either_of_two_secrets_in_one_value(tmp_path, output_format):
    for name, text in _TWO_SECRETS_FILES.items():
        write_file(tmp_path, name, text)
    result = run_scan(tmp_path, root=str(tmp_path), jobs=1)
    rendered = report_text(output_format, result, all_rules=True)
    assert TOKENS[0] not in rendered and _AWS_SECRET not in rendered
    reported = {f.path for f in result.findings if f.category.endswith("/HardcodedSecret")}
    assert reported == set(_TWO_SECRETS_FILES)


def test_a_file_of_many_secrets_builds_one_automaton_for_its_findings(monkeypatch):
    """The names, snippet and decoded searches of a file whose secrets are all long and spelled
    as is look for the same texts: one automaton (each is built in time linear in all the
    secrets; a file may hold 100,000), none for the decoded values when no line escapes."""
    import guardlint.findings.literals as literals

    built = []
    real = literals.Literals.__init__

    def counting(self, texts):
        built.append(1)
        real(self, texts)

    monkeypatch.setattr(literals.Literals, "__init__", counting)
    secrets = [f"Zq{index:04d}xW7vN3pKt9YbC4dFh" for index in range(50)]
    lines = [f"  KEY_{index}: {secret}" for index, secret in enumerate(secrets)]
    redactor = Redactor()
    for number, (line, secret) in enumerate(zip(lines, secrets, strict=True), 1):
        column = line.index(secret) + 1
        region = Region(number, column, number, column + len(secret))
        redactor.add("a.yaml", [secret], [region], lambda n: lines[n - 1])
    for number, line in enumerate(lines, 1):
        assert secrets[number - 1] not in redactor.shown("a.yaml", number, line).snippet
    assert redactor.text(f"a {secrets[3]} b") == f"a {REDACTED} b"
    assert len(built) == 1
    # An escape on a line: the decoded values (here the same texts) are looked for, and found.
    escaped = "  KEY: " + secrets[5].replace("Zq", "Z\\u0071")
    assert redactor.snippet("a.yaml", 99, escaped) == REDACTED
    assert len(built) == 1
