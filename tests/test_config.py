"""Config files: .guardlint.yaml, [tool.guardlint], strict validation with file and line."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.config import ConfigError, load_config
from guardlint.config.files import find_config
from guardlint.config.starter import STARTER_CONFIG
from guardlint.engine.options import ScanOptions
from guardlint.model.rules import Severity
from guardlint.parse.text import DEFAULT_MAX_BYTES
from tests.conftest import ROOT, write_file

POLICIES = ROOT / "docs" / "examples" / "policies"
PRIVILEGED = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n"


def config_error(path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    return str(caught.value)


def validation_error(path, rulebook) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(str(path)).validate(rulebook)
    return str(caught.value)


def test_every_key_reaches_the_scan_options(tmp_path, rulebook):
    path = write_file(
        tmp_path,
        ".guardlint.yaml",
        "enable: [compose, SEC001]\n"
        "disable: [cmp011]\n"
        "severity: {CMP008: high}\n"
        "options:\n  CMP005: {socket_names: [docker.sock]}\n"
        "exclude: ['vendor/**']\n"
        "fail_on: medium\n"
        "min_severity: low\n"
        "max_file_size: 2MB\n"
        "file_timeout: 12.5\n"
        "rule_dirs: [policies]\n"
        "baseline: accepted.json\n",
    )
    config = load_config(str(path))
    config.validate(rulebook)
    options = ScanOptions(excludes=["cli/**"])
    config.apply(options, rulebook)
    compose_ids = {r.id for r in rulebook.rules if r.pack == "compose"}
    assert compose_ids and options.only_rules == compose_ids | {"SEC001"}
    assert options.skip_rules == {"CMP011"}
    assert options.severity_overrides == {"CMP008": Severity.HIGH}
    assert options.rule_options["CMP005"] == {"socket_names": ["docker.sock"]}
    assert options.excludes == ["vendor/**", "cli/**"]
    assert options.max_bytes == 2 * 1024 * 1024
    assert options.file_timeout == 12.5
    assert (config.fail_on, config.min_severity) == (Severity.MEDIUM, Severity.LOW)
    assert config.rule_dirs == [str(tmp_path / "policies")]
    assert config.baseline == str(tmp_path / "accepted.json")


def test_command_line_options_win_over_the_config(tmp_path, rulebook):
    config = load_config(str(write_file(tmp_path, "c.yaml", "enable: [SEC001]\n")))
    options = ScanOptions(only_rules={"CMP001"})
    config.apply(options, rulebook)
    assert options.only_rules == {"CMP001"}


def test_unknown_key_names_file_line_and_known_keys(tmp_path):
    path = write_file(tmp_path, ".guardlint.yaml", "exclude: []\n\nfail_onn: high\n")
    message = config_error(path)
    assert message.startswith(f"{path}:3: unknown key 'fail_onn'")
    assert "did you mean 'fail_on'" in message
    assert "known keys: baseline, cdk_assets, disable, enable, exclude, fail_on" in message


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("severity:\n  CMP001: low\n  CMP999: high\n", 3, "severity: unknown rule ID 'CMP999'"),
        ("disable:\n  - SEC001\n  - DKX001\n", 3, "'DKX001' is neither a rule ID nor a pack"),
        ("enable: [composer]\n", 1, "did you mean 'compose'"),
        ("options:\n  CMP001:\n    capabilitys: {}\n", 2, "rule CMP001 has no option"),
        ("options:\n  SEC001: {x: 1}\n", 2, "(its options: none)"),
    ],
)
def test_unknown_rule_ids_and_options_name_the_line(tmp_path, rulebook, text, line, expected):
    path = write_file(tmp_path, ".guardlint.yaml", text)
    message = validation_error(path, rulebook)
    assert message.startswith(f"{path}:{line}: ")
    assert expected in message


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("fail_on: severe\n", 1, "unknown severity 'severe'"),
        ("severity:\n  CMP001: urgent\n", 2, "unknown severity 'urgent'"),
        ("exclude: 3\n", 1, "exclude: must be a list of strings"),
        ("options:\n  CMP001: true\n", 2, "must be a map"),
        ("max_file_size: lots\n", 1, "is not a size"),
        (f"max_file_size: {'1' * 5000}\n", 1, "is more than 1GB"),  # int() refuses 4,300 digits
        ("file_timeout: soon\n", 1, "is not a positive number of seconds"),
        ("file_timeout: 0\n", 1, "is not a positive number of seconds"),
        ("- fail_on\n", 1, "must be a map"),
        ("fail_on: [high\n", 2, "YAML syntax error"),
        ("exclude: [" + ", ".join(["x"] * 1001) + "]\n", 1, "1,001 patterns; at most 1,000"),
        (f"fail_on: high\nexclude: [{'a' * 1001}]\n", 2, "longer than 1,000 characters"),
        ('exclude: ["a\\0b"]\n', 1, "holds a NUL byte"),
    ],
)
def test_bad_values_name_the_line(tmp_path, text, line, expected):
    path = write_file(tmp_path, ".guardlint.yaml", text)
    message = config_error(path)
    assert message.startswith(f"{path}:{line}: ")
    assert expected in message


def test_pyproject_table(tmp_path, rulebook):
    path = write_file(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.guardlint]\nfail_on = "low"\nexclude = ["a/**"]\n\n'
        '[tool.guardlint.severity]\nCMP008 = "critical"\n',
    )
    assert find_config(str(tmp_path)) == str(path)
    config = load_config(str(path))
    config.validate(rulebook)
    assert config.fail_on == Severity.LOW
    assert config.severity == {"CMP008": Severity.CRITICAL}


def test_pyproject_errors_name_the_line(tmp_path, rulebook):
    path = write_file(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.guardlint]\nfail_on = "low"\nskip = ["x"]\n',
    )
    assert config_error(path).startswith(f"{path}:6: unknown key 'skip'")
    path.write_text('[tool.guardlint.severity]\nCMP001 = "low"\nCMP777 = "low"\n')
    assert validation_error(path, rulebook).startswith(f"{path}:3: severity: unknown rule ID")


def test_pyproject_without_our_table_is_no_config(tmp_path):
    write_file(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(str(tmp_path)) is None


def test_yaml_config_wins_over_pyproject(tmp_path):
    write_file(tmp_path, "pyproject.toml", '[tool.guardlint]\nfail_on = "low"\n')
    path = write_file(tmp_path, ".guardlint.yml", "fail_on: critical\n")
    assert find_config(str(tmp_path)) == str(path)


def test_empty_config_is_valid(tmp_path, rulebook):
    config = load_config(str(write_file(tmp_path, ".guardlint.yaml", "# nothing yet\n")))
    config.validate(rulebook)
    assert config.enable == [] and config.fail_on is None


def test_starter_config_is_valid(tmp_path, rulebook):
    config = load_config(str(write_file(tmp_path, ".guardlint.yaml", STARTER_CONFIG)))
    config.validate(rulebook)
    assert config.fail_on == Severity.HIGH
    assert config.max_file_size == DEFAULT_MAX_BYTES


def test_custom_rule_ids_are_known_once_their_directory_is_configured(tmp_path):
    write_file(tmp_path, "compose.yaml", PRIVILEGED)
    shutil.copytree(POLICIES, tmp_path / "policies")
    config = "rule_dirs: [policies]\nseverity:\n  ORG002: low\n"
    write_file(tmp_path, ".guardlint.yaml", config)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "-f", "json", "--rule", "ORG002"])
    assert result.exit_code == 0, result.output
    assert '"rule_id": "ORG002"' in result.output and '"severity": "low"' in result.output


# --- through the command line -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_typo_in_a_key_exits_2_with_file_line_and_known_keys(tmp_path):
    write_file(tmp_path, "compose.yaml", PRIVILEGED)
    write_file(tmp_path, ".guardlint.yaml", "fail_on: high\nexlude: ['x/**']\n")
    result = run_cli("scan")
    assert result.exit_code == 2
    assert ".guardlint.yaml:2: unknown key 'exlude' (did you mean 'exclude'?)" in result.output
    assert "known keys: baseline, cdk_assets, disable" in result.output


def test_config_found_at_the_scan_root_sets_fail_on(tmp_path):
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")  # CMP008 medium
    assert run_cli("scan", "-q").exit_code == 0
    write_file(tmp_path, ".guardlint.yaml", "fail_on: medium\n")
    assert run_cli("scan", "-q").exit_code == 1
    assert run_cli("scan", "-q", "--fail-on", "critical").exit_code == 0


def test_explicit_config_and_disable(tmp_path):
    write_file(tmp_path, "compose.yaml", PRIVILEGED)
    config = write_file(tmp_path, "ci/guardlint.yaml", "disable: [CMP001]\nfail_on: critical\n")
    assert run_cli("scan", "-q").exit_code == 1
    assert run_cli("scan", "-q", "--config", str(config)).exit_code == 0


def test_init_writes_a_starter_config_once(tmp_path):
    result = run_cli("init")
    assert result.exit_code == 0
    assert (tmp_path / ".guardlint.yaml").read_text() == STARTER_CONFIG
    again = run_cli("init")
    assert again.exit_code == 2 and "already exists" in again.output
    assert run_cli("init", "--force").exit_code == 0


def usage_snippets(language: str) -> list[str]:
    text = (ROOT / "docs" / "usage.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_config_snippets_in_the_usage_docs_are_valid(tmp_path, rulebook):
    (yaml_snippet,) = [s for s in usage_snippets("yaml") if s.startswith("# .guardlint.yaml")]
    (toml_snippet,) = usage_snippets("toml")
    for name, snippet in ((".guardlint.yaml", yaml_snippet), ("pyproject.toml", toml_snippet)):
        config = load_config(str(write_file(tmp_path, name, snippet)))
        config.validate(rulebook)
        assert config.fail_on == Severity.HIGH


@pytest.mark.parametrize("value", ["5", "true", "1.5", '""', "[]"])
def test_a_tool_guardlint_that_is_not_a_table_is_an_error(tmp_path, monkeypatch, value):
    write_file(tmp_path, "pyproject.toml", f'[project]\nname = "x"\n[tool]\nguardlint = {value}\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "."])
    assert result.exit_code == 2, result.output
    assert "pyproject.toml:4: tool.guardlint must be a table of keys" in result.output
    assert config_error(tmp_path / "pyproject.toml").endswith(
        "must be a table of keys (see `guardlint init`)"
    )


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (".guardlint.yaml", 'rule_dirs: ["a\\0b"]\n', 1),
        (".guardlint.yaml", 'exclude: [x]\nbaseline: "a\\0b"\n', 2),
        ("pyproject.toml", '[tool.guardlint]\nrule_dirs = ["a\\u0000b"]\n', 2),
    ],
)
def test_a_path_with_a_nul_byte_is_an_error(tmp_path, monkeypatch, name, text, line):
    write_file(tmp_path, name, text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "."])
    assert result.exit_code == 2, result.output
    assert f"{name}:{line}:" in result.output and "holds a NUL byte" in result.output
