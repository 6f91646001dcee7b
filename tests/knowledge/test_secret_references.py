"""Values under secret-looking names that say where the secret is kept, not what it is; and
a secret under a name no word list knows."""

from __future__ import annotations

import pytest

from guardlint.knowledge.credentials import environment_credential, is_literal_credential
from guardlint.knowledge.secret_references import names_a_location
from tests.conftest import findings_of, run_scan, write_file

# (name, value) as real projects write them: a Secrets Manager name or Vault path a script
# fetches, a key file's path, a URL without credentials.
REFERENCES = [
    ("DB_SECRET", "prod/db-credentials"),
    ("NPM_TOKEN_SECRET", "ci/npm"),
    ("DB_PASSWORD_SECRET", "prod/AppBeta/MySQL"),
    ("APP_SECRET", "secret/data/app"),
    ("GOOGLE_APPLICATION_CREDENTIALS", "secrets/gcp-sa.json"),
    ("JWT_PRIVATE_KEY", "keys/jwt_private.pem"),
    ("SSL_PRIVATE_KEY", "server.key"),
    ("AUTH_SECRET", "https://vault.example.com/v1/secret/data/app"),
    ("DB_PASSWORD", "~/.pgpass"),
    ("API_TOKEN", "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:api-AbCdEf"),
    ("DB_SECRET", "${ENVIRONMENT}/db-credentials"),
    ("VAULT_SECRET", "secret/data/{{ .Release.Name }}/db"),
    ("DB_SECRET", "prod/db-credentials:password"),
]
# Literal secrets, some of them with a `/` as base64 has.
SECRETS = [
    ("DB_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8uWm3LX"),
    ("APP_SECRET", "Zx9vB7nM5qW3eR1tY8uI6oP4aS2d"),
    ("DB_PASSWORD", "P@ss/w0rd"),
    ("WEBHOOK_SECRET", "https://example.com/hooks/T0123ABCD/aBcD1234efGH5678ijKL"),
    ("DB_PASSWORD", "hunter2.txt!"),
]


@pytest.mark.parametrize(("name", "value"), REFERENCES)
def test_locations_of_a_secret_are_no_credential(name, value):
    assert not is_literal_credential(name, value)
    assert environment_credential(name, value) is None


@pytest.mark.parametrize(("name", "value"), SECRETS)
def test_random_text_with_slashes_is_still_a_credential(name, value):
    assert not names_a_location(value)
    assert is_literal_credential(name, value)


def test_a_url_with_a_password_or_a_query_is_no_location():
    assert names_a_location("https://vault.example.com")
    assert not names_a_location("postgres://app:S3cr3tPa55@db:5432/app")
    assert not names_a_location("postgres://app:secret@db/app")
    assert not names_a_location("https://api.example.com/v1?token=abc")
    assert not names_a_location("a/" * 300)  # longer than any store's name


def _dockerfile(name, value):
    return "Dockerfile", f"FROM alpine:3.20\nENV {name}={value}\n"


def _compose(name, value):
    return (
        "compose.yaml",
        f"services:\n  app:\n    image: x:1.0\n    environment:\n      {name}: {value}\n",
    )


def _pod(name, value):
    return "pod.yaml", (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n"
        "  containers:\n  - name: a\n    image: nginx:1.27\n    env:\n"
        f"    - name: {name}\n      value: {value}\n"
    )


def _buildspec(name, value):
    return "buildspec.yml", (
        f"version: 0.2\nenv:\n  variables:\n    {name}: {value}\n"
        "phases:\n  build:\n    commands:\n      - make\n"
    )


def _lambda(name, value):
    return "template.yaml", (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n"
        "    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: app.handler\n      Role: arn:aws:iam::123456789012:role/r\n"
        "      Code: {ZipFile: 'def handler(e, c): pass'}\n"
        f"      Environment:\n        Variables:\n          {name}: {value}\n"
    )


PACKS = [
    (_dockerfile, "DKR004"),
    (_compose, "CMP007"),
    (_pod, "K8S014"),
    (_buildspec, "CBD002"),
    (_lambda, "CFN015"),
]


@pytest.mark.parametrize(("write", "rule"), PACKS)
def test_every_pack_tells_a_secrets_location_from_the_secret(tmp_path, write, rule):
    for index, (name, value) in enumerate(REFERENCES[:4] + SECRETS[:2]):
        name_and_text = write(name, value)
        write_file(tmp_path / str(index), *name_and_text)
    found = findings_of(run_scan(tmp_path, only_rules={rule, "SEC001"}), rule)
    assert sorted(f.path.split("/")[-2] for f in found) == ["4", "5"]


@pytest.mark.parametrize(("write", "rule"), PACKS)
def test_every_pack_finds_the_password_of_a_connection_string(tmp_path, write, rule):
    # a name no word list knows: the value's own `Password=` tells
    value = '"Server=db;Database=app;User Id=sa;Password=Sup3rS3cret!;"'
    name, text = write("ConnectionStrings__Default", value)
    write_file(tmp_path, name, text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={rule}), rule)
    assert found.region.start_line == text.count("\n", 0, text.index("Password=")) + 1
