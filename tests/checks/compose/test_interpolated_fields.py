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
