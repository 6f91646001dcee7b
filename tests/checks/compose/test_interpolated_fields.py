"""Every value of a Compose file is read as Compose reads it, interpolated: a default
(`${PRIV:-true}`) is what runs when the variable is unset, in any field a rule reads."""

from __future__ import annotations

from tests.conftest import run_scan, write_file

SERVICE = """\
services:
  app:
    image: nginx:1.27
    privileged: {privileged}
    user: {user}
    pid: {pid}
    network_mode: {network}
    cap_add: [{capability}]
    security_opt: [{option}]
"""
PLAIN = {"privileged": "true", "user": "root", "pid": "host", "network": "host",
         "capability": "SYS_ADMIN", "option": "seccomp=unconfined"}  # fmt: skip


def _rules(directory, **values) -> set[str]:
    write_file(directory, "compose.yaml", SERVICE.format(**values))
    return {finding.rule_id for finding in run_scan(directory).findings}


def test_defaults_are_read_in_every_field(tmp_path):
    plain = _rules(tmp_path / "plain", **PLAIN)
    assert {"CMP001", "CMP002", "CMP003", "CMP004", "CMP010", "CMP013"} <= plain
    defaults = {name: f'"${{{name.upper()}:-{value}}}"' for name, value in PLAIN.items()}
    assert _rules(tmp_path / "defaults", **defaults) == plain


def test_unset_variables_without_defaults_are_not_judged(tmp_path):
    unset = {name: f'"${{{name.upper()}}}"' for name in PLAIN}
    assert not {"CMP001", "CMP002", "CMP003", "CMP004", "CMP010", "CMP013"} & _rules(
        tmp_path, **unset
    )


def test_an_escaped_dollar_is_a_literal_dollar(tmp_path):
    escaped = {**PLAIN, "user": '"$${USER:-root}"'}
    assert "CMP013" not in _rules(tmp_path, **escaped)


def _scan_project(directory, compose: str, dotenv: str, name: str = "compose.yaml"):
    write_file(directory, name, compose)
    write_file(directory, ".env", dotenv)
    return run_scan(directory).findings


def test_the_env_file_beside_the_compose_file_gives_its_variables(tmp_path):
    """`docker compose` interpolates the project directory's .env file: its values are read
    in every field, before an inline default."""
    values = {name: f'"${{{name.upper()}}}"' for name in PLAIN}
    dotenv = "".join(f"{name.upper()}={value}\n" for name, value in PLAIN.items())
    write_file(tmp_path / "set", "compose.yaml", SERVICE.format(**values))
    write_file(tmp_path / "set", ".env", dotenv)
    rules = {"CMP001", "CMP002", "CMP003", "CMP004", "CMP010", "CMP013"}
    assert rules <= {finding.rule_id for finding in run_scan(tmp_path / "set").findings}
    defaults = {name: f'"${{{name.upper()}:-{value}}}"' for name, value in PLAIN.items()}
    write_file(tmp_path / "unset", "compose.yaml", SERVICE.format(**defaults))
    safe = "PRIVILEGED=false\nUSER=1000\nPID=private\nNETWORK=bridge\nCAPABILITY=CHOWN\n"
    write_file(tmp_path / "unset", ".env", safe + "OPTION=no-new-privileges:true\n")
    assert not rules & {finding.rule_id for finding in run_scan(tmp_path / "unset").findings}


def test_an_image_tag_from_the_env_file(tmp_path):
    latest = _scan_project(
        tmp_path / "a", 'services:\n  web:\n    image: "nginx:${TAG}"\n', "TAG=latest\n"
    )
    assert [finding.rule_id for finding in latest if finding.rule_id == "CMP008"] == ["CMP008"]
    pinned = 'services:\n  web:\n    image: "nginx:${TAG:-latest}"\n'
    assert "CMP008" not in {
        f.rule_id for f in _scan_project(tmp_path / "b", pinned, "TAG=1.27.2\n")
    }
    empty = _scan_project(tmp_path / "c", pinned, "TAG=\n")  # `:-` gives the default for empty
    assert "CMP008" in {finding.rule_id for finding in empty}


def test_an_env_file_elsewhere_is_not_the_project_s(tmp_path):
    write_file(tmp_path, ".env", "PRIV=true\n")
    write_file(
        tmp_path / "app",
        "compose.yaml",
        'services:\n  a:\n    image: a:1\n    privileged: "${PRIV}"\n',
    )
    assert "CMP001" not in {finding.rule_id for finding in run_scan(tmp_path / "app").findings}


def test_a_secret_the_env_file_gives_is_not_a_literal_of_the_compose_file(tmp_path):
    """`${DB_PASSWORD}` is interpolation, whatever the .env file holds (CMP007's contract)."""
    compose = (
        "services:\n  db:\n    image: postgres:16.4\n    environment:\n"
        "      POSTGRES_PASSWORD: ${DB_PASSWORD}\n"
        "      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app\n"
        "    command: [redis-server, --requirepass, '${DB_PASSWORD}']\n"
    )
    dotenv = "DB_PASSWORD=Vq8rT2mK9wLxZ4pN\n"
    assert "CMP007" not in {finding.rule_id for finding in _scan_project(tmp_path, compose, dotenv)}


def test_the_override_file_merged_in_is_interpolated_with_the_same_env_file(tmp_path):
    write_file(
        tmp_path, "compose.override.yaml", 'services:\n  web:\n    read_only: "${RO:-false}"\n'
    )
    found = _scan_project(tmp_path, "services:\n  web:\n    image: nginx:1.27\n", "RO=true\n")
    assert "CMP012" not in {finding.rule_id for finding in found}
