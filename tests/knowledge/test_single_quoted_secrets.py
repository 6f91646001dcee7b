"""A command line's password in single quotes is what the program gets, `$` and all (the
Kubernetes documentation's `--from-literal=password='S!B\\*d$zDsb='`): found; a variable or a
substitution in it is still filled in elsewhere."""

from __future__ import annotations

import pytest

from guardlint.knowledge.secrets import find_secrets
from tests.conftest import run_scan, write_file

LITERAL = [
    ("kubectl create secret generic db --from-literal=password='S!B\\*d$zDsb='", "S!B\\*d$zDsb="),
    ("mysql -uroot -p'Hx9$vQ2mZ7' -e 'select 1'", "Hx9$vQ2mZ7"),
    ("curl -u 'admin:Pa$$w0rd' https://example.com", "Pa$$w0rd"),
    ("sshpass -p 'Pa$$w0rd1' ssh host", "Pa$$w0rd1"),
    ("PGPASSWORD='Pa$$w0rd' psql -h db", "Pa$$w0rd"),
    ("aws configure set aws_secret_access_key 'Hx9$vQ2mZ7kLpRt'", "Hx9$vQ2mZ7kLpRt"),
]
FILLED_IN = [
    'mysql -uroot -p"Hx9$vQ2mZ7"',  # the shell expands $vQ2mZ7 in double quotes
    "mysql -uroot -p'$DB_PASSWORD'",
    "mysql -uroot -p'pre$DB_PASSWORD'",  # a variable's name in capitals, which Compose fills in
    "kubectl create secret generic db --from-literal=password='$(DB_PASSWORD)'",
    "kubectl create secret generic db --from-literal=password='pre${password}'",
    "curl -u 'admin:$PASSWORD' https://example.com",
    "PGPASSWORD='$PW' psql -h db",
]


@pytest.mark.parametrize(("line", "password"), LITERAL)
def test_a_single_quoted_password_with_a_dollar_is_found(line, password):
    assert password in [match.value for match in find_secrets(line)]


@pytest.mark.parametrize("line", FILLED_IN)
def test_a_variable_in_quotes_is_filled_in_elsewhere(line):
    assert find_secrets(line) == []


def test_single_quoted_passwords_are_reported_in_every_pack(tmp_path):
    lines = [line for line, _ in LITERAL] + FILLED_IN
    write_file(tmp_path, "Dockerfile", "FROM alpine:3.20\n" + "".join(f"RUN {x}\n" for x in lines))
    args = "".join("      - '" + x.replace("'", "''") + "'\n" for x in lines)
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "  - name: c\n    image: nginx:1.27\n    command: [sh, -c]\n    args:\n" + args,
    )
    found = run_scan(tmp_path, only_rules={"DKR004", "K8S014", "SEC001"}).findings
    reported = {(f.rule_id, f.path.rsplit("/", 1)[-1], f.region.start_line) for f in found}
    expected = {("DKR004", "Dockerfile", 2 + i) for i in range(len(LITERAL))}
    expected |= {("K8S014", "pod.yaml", 11 + i) for i in range(len(LITERAL))}
    assert reported == expected
