"""CMP007 (checks/compose/secrets.py): a secret written into a service."""

from __future__ import annotations

import json

import pytest

from tests.checks.compose import scan_compose, service
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

CATCHES = [
    "environment:\n  POSTGRES_PASSWORD: Sup3rS3cretPassw0rd",
    "environment:\n  - API_TOKEN=tk_9f8e7d6c5b4a3210",
    "environment:\n  ADMIN_PASSWORD: ${ADMIN_PASSWORD:-Adm1nPassw0rd!}",
    "build:\n  context: .\n  args:\n    NPM_TOKEN: npm_7Hq2ZtR9kWm4XpL8vNb3cYs6JdF1gQe5Uo0A",
    "command: [run, --token, 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]",
    "environment:\n  GOOGLE_API_KEY: QZ4T8KX2MW7RLP9B",
    # A password on the command line, in shell form or across the words of exec form.
    "command: redis-server --requirepass R3disPassw0rd",
    'command: ["redis-server", "--requirepass", "R3disPassw0rd"]',
    "command:\n  - redis-server\n  - --requirepass\n  - R3disPassw0rd",
    "entrypoint: [redis-server, --masterauth, R3disPassw0rd]",
    'healthcheck:\n  test: ["CMD", "mysqladmin", "ping", "-uroot", "-pR00tPassw0rd"]',
    'healthcheck:\n  test: ["CMD-SHELL", "redis-cli -a R3disPassw0rd ping"]',
    # the entrypoint's program, then the command's options
    "entrypoint: [mysql]\ncommand: [-uroot, -pR00tPassw0rd, -e, 'select 1']",
    'entrypoint: ["htpasswd", "-Bbn"]\ncommand: ["admin", "Adm1nPassw0rd"]',
    # A lifecycle hook's environment and exec-form command are the service's too.
    "post_start:\n  - command: ./init.sh\n    environment:\n      - ADMIN_PASSWORD=Adm1nPassw0rd",
    "pre_stop:\n  - command: ./flush.sh\n    environment:\n      DB_PASSWORD: Sup3rS3cretPassw0rd",
    "post_start:\n  - command: [mysql, -uroot, -pR00tPassw0rd, -e, 'select 1']",
]
DOESNT_CATCH = [
    "environment:\n  DB_PASSWORD: ${DB_PASSWORD}",
    "environment:\n  DB_PASSWORD: ${DB_PASSWORD:?set it}",
    "environment:\n  SMTP_PASSWORD: ${SMTP_PASSWORD:-changeme}",
    "environment:\n  POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
    "environment:\n  - DB_PASSWORD",
    "environment:\n  DB_PASSWORD:",
    "environment:\n  - MYSQL_ALLOW_EMPTY_PASSWORD=1",
    'environment:\n  MYSQL_RANDOM_ROOT_PASSWORD: "yes"',
    "environment:\n  GOOGLE_API_KEY: GOOGLE_API_KEY_VAL",
    "environment:\n  - TOKEN=REPLACE_WITH_TOKEN",
    'command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]',
    'command: ["redis-server", "--requirepass", "$$REDIS_PASSWORD"]',
    'healthcheck:\n  test: ["CMD", "mysqladmin", "ping", "-h", "localhost"]',
    'command: [sh, -c, "mysql -p"]',
    "post_start:\n  - command: ./init.sh\n    environment:\n      - DB_PASSWORD=${DB_PASSWORD}",
]


@pytest.mark.parametrize("body", CATCHES)
def test_catches(tmp_path, body):
    assert lines_of(scan_compose(tmp_path, service(body), "CMP007"), "CMP007")


@pytest.mark.parametrize("body", DOESNT_CATCH)
def test_doesnt_catch(tmp_path, body):
    assert lines_of(scan_compose(tmp_path, service(body), "CMP007"), "CMP007") == []


def test_interpolation_default_that_is_a_secret_fires(tmp_path):
    text = service(
        "environment:\n"
        "  DB_PASSWORD: ${DB_PASSWORD}\n"
        "  ADMIN_PASSWORD: ${ADMIN_PASSWORD:-Adm1nPassw0rd!}\n"
        "  SMTP_PASSWORD: ${SMTP_PASSWORD:-changeme}"
    )
    assert lines_of(scan_compose(tmp_path, text, "CMP007"), "CMP007") == [6]


def test_one_finding_per_line(tmp_path):
    text = service("environment:\n  GITHUB_TOKEN: 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")
    (finding,) = findings_of(scan_compose(tmp_path, text, "CMP007"), "CMP007")
    assert finding.properties == {"variable": "GITHUB_TOKEN"}


def test_secret_values_never_reach_the_report():
    result = run_scan(FIXTURES / "compose" / "CMP007")
    report = json.dumps([f.to_dict() for f in result.findings])
    for secret in (
        "Sup3rS3cretPassw0rd",
        "tk_9f8e7d6c5b4a3210",
        "w0rd-l1teral",
        "npm_7Hq2ZtR9kWm4XpL8vNb3cYs6JdF1gQe5Uo0A",
        "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",
        "9rT4xLw2Qz7v",
    ):
        assert secret not in report
    # The Compose rule reported these lines, so SEC001 stays silent on them.
    assert not findings_of(result, "SEC001")


def test_flags_and_the_variable_name_in_capitals_are_not_secrets():
    assert not findings_of(FIXTURES / "compose" / "CMP007" / "good-stand-ins", "CMP007")


ENV_FILE = "# settings\nLOG_LEVEL=info\nexport STRIPE_API_KEY='sk_live_4eC39HqLyjWDarjtT1zdp7dc'\n"
ENV_FILE_SETTINGS = [
    "env_file: app.env",
    "env_file: [./app.env]",
    "env_file:\n  - path: ./app.env\n    required: false",
    "env_file:\n  - ./missing.env\n  - {path: config/../app.env, format: raw}",
]


@pytest.mark.parametrize("setting", ENV_FILE_SETTINGS)
def test_a_literal_secret_in_an_env_file_the_service_loads(tmp_path, setting):
    """The variables of an env_file are the service's environment: a literal secret there is
    reported at the entry that names the file (the file itself is not a Compose file)."""
    write_file(tmp_path, "app.env", ENV_FILE)
    (finding,) = findings_of(scan_compose(tmp_path, service(setting), "CMP007"), "CMP007")
    lines = setting.split("\n")
    assert finding.region.start_line == 3 + next(  # the entry naming app.env
        number for number, line in enumerate(lines, 1) if "app.env" in line
    )
    assert finding.properties["variables"] == ["STRIPE_API_KEY"]
    assert "sk_live" not in finding.message


def test_a_known_credential_format_in_an_env_file(tmp_path):
    write_file(tmp_path, "db.env", "DATABASE_URL=postgres://app:Vq8rT2mK9wLxZ4pN@db:5432/app\n")
    found = scan_compose(tmp_path, service("env_file: db.env"), "CMP007")
    assert findings_of(found, "CMP007")[0].properties["variables"] == ["DATABASE_URL"]


@pytest.mark.parametrize(
    "text",
    [
        "DB_PASSWORD=${DB_PASSWORD}\nAPI_TOKEN=changeme\nLOG_LEVEL=debug\n",
        "DB_PASSWORD=\n# API_TOKEN=tk_9f8e7d6c5b4a3210\n",
    ],
)
def test_an_env_file_without_literal_secrets(tmp_path, text):
    write_file(tmp_path, "app.env", text)
    assert not findings_of(scan_compose(tmp_path, service("env_file: app.env"), "CMP007"), "CMP007")


def test_an_env_file_outside_the_scan_root_or_missing_is_not_read(tmp_path):
    write_file(tmp_path, "app.env", ENV_FILE)
    body = "env_file:\n  - ../app.env\n  - path: absent.env\n    required: false"
    found = scan_compose(tmp_path / "project", service(body), "CMP007")
    assert not findings_of(found, "CMP007")
