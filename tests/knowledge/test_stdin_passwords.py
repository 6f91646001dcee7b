"""Passwords fed to a command's standard input as written (guardlint/knowledge/stdin_passwords.py):
single-quoted with `$` (a `$` is a `$` there), and here-strings given to chpasswd, `passwd
--stdin` or a `--password-stdin` login, found through find_secrets as every pack reads them."""

from __future__ import annotations

import pytest

from guardlint.knowledge.secrets import find_secrets


def _found(line: str) -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in find_secrets(line)]


@pytest.mark.parametrize(
    "line,password",
    [
        # inside single quotes a `$` is a `$`: the password is written in the file
        ("echo 'app:pa$$word9Xq' | chpasswd", "pa$$word9Xq"),
        ("printf 'app:Pa$sw0rd`Q\\n' | sudo chpasswd", "Pa$sw0rd`Q"),
        ("chpasswd <<< 'app:pa$$word9Xq'", "pa$$word9Xq"),
        ("echo 'S3cr$tPassw0rd' | docker login -u me --password-stdin registry.example.com",
         "S3cr$tPassw0rd"),
        ("echo 'S3cr$tPassw0rd' | podman login -u me --password-stdin quay.io", "S3cr$tPassw0rd"),
        ("printf 'S3cr$tPassw0rd' | oras login -u me --password-stdin r.io", "S3cr$tPassw0rd"),
        ("echo 'S3cr$tPassw0rd' | helm registry login r.io -u me --password-stdin",
         "S3cr$tPassw0rd"),
        ("echo 'S3cr$tPassw0rd' | passwd --stdin app", "S3cr$tPassw0rd"),
        # a here-string is the program's standard input as much as a pipe is
        ("docker login -u me --password-stdin r.io <<< 'S3cr$tPassw0rd'", "S3cr$tPassw0rd"),
        ('skopeo login --password-stdin -u me quay.io <<< "S3cretPass1"', "S3cretPass1"),
        ("passwd --stdin app <<< S3cretPass1", "S3cretPass1"),
        ("sudo nerdctl login -u me --password-stdin r.io <<<S3cretPass1 && echo ok",
         "S3cretPass1"),
    ],
)  # fmt: skip
def test_passwords_fed_to_standard_input_as_written(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        "echo 'app:$PASSWORD' | chpasswd",  # a variable's name in capitals, filled in by convention
        'chpasswd <<< "app:pre$SUFFIX"',  # not the `pre` the expansion follows
        'chpasswd <<< "app:$PASSWORD"',
        "chpasswd <<< app:pa$word9Xq",
        'echo "S3cr$tPassw0rd" | docker login -u me --password-stdin r.io',  # $t expands
        "echo 'S3cr$(cat /run/secrets/pw)' | docker login -u me --password-stdin r.io",
        'docker login -u me --password-stdin r.io <<< "$REGISTRY_PASSWORD"',
        "docker login -u me --password-stdin r.io < /run/secrets/pw",
        "cat <<< 'S3cretPass1' && docker login -u me --password-stdin r.io",  # not its input
        "grep -q x <<< 'S3cretPass1' | docker login --password-stdin r.io",
    ],
)
def test_standard_input_without_a_literal_password(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line",
    [
        "echo 'S3cretPass1' | sudo -S apt-get update",  # sudo's own password
        "echo S3cretPass1 | sudo --stdin -u app whoami",
        "echo 'S3cretPass1' | htpasswd -i -c /etc/nginx/.htpasswd admin",
        "echo 'S3cretPass1' | htpasswd -Bic /etc/nginx/.htpasswd admin",
        "htpasswd -c -i /etc/nginx/.htpasswd admin <<< 'S3cretPass1'",
        "echo 'S3cretPass1' | docker secret create db_password -",
        "printf 'S3cretPass1' | podman secret create db_password -",
        "echo 'S3cretPass1' | openssl rsa -in k.pem -passin stdin -out k2.pem",
        "openssl pkcs12 -export -in c.pem -out c.p12 -passout stdin <<< S3cretPass1",
    ],
)
def test_other_programs_that_read_a_password_from_standard_input(line):
    assert _found(line) == [("Command-line Password", "S3cretPass1")]


@pytest.mark.parametrize(
    "line",
    [
        "echo 'S3cretPass1' | htpasswd -c /etc/nginx/.htpasswd admin",  # prompts at the terminal
        "echo 'S3cretPass1' | sudo tee /etc/motd",
        "echo 'S3cretPass1' | docker secret create db_password ./pw.txt",
        "echo 'S3cretPass1' | openssl rsa -in k.pem -passin file:pw.txt",
        'echo "$SUDO_PASSWORD" | sudo -S apt-get update',
        "cat /run/secrets/pw | docker secret create db_password -",
    ],
)
def test_other_programs_given_no_literal_password(line):
    assert _found(line) == []
