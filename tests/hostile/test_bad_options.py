"""Issue 11, class 7: bad options and odd files give exit 2 and a message, never a traceback
and never a scan in which every file is a crash report (GL002): numeric options on the command
line and in the config, baselines, a pyproject.toml that is not ours, rule packs and their
JSONPaths."""

from __future__ import annotations

import pytest
import yaml

from guardlint.checks.match import MAX_PATH_DEPTH, MAX_PATH_LENGTH
from guardlint.config.limits import MAX_JOBS
from tests.conftest import write_file
from tests.hostile.conftest import add_control, run_cli
from tests.test_custom_rules import VALID_RULE


def refused(completed, *fragments: str) -> None:
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    for fragment in fragments:
        assert fragment in completed.stderr, completed.stderr


def scanned(completed) -> None:
    """The scan ran to its end: the control file's finding decides the exit code."""
    assert completed.returncode == 1, (completed.stdout, completed.stderr)
    assert "GL002" not in completed.stdout


# --- numeric options --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [".inf", ".nan", "1.0e+10", "-.inf"])
def test_file_timeout_out_of_range_in_yaml_config(tmp_path, value):
    add_control(tmp_path)
    write_file(tmp_path, ".guardlint.yaml", f"fail_on: high\nfile_timeout: {value}\n")
    completed = run_cli("scan", ".", cwd=tmp_path)
    refused(completed, ".guardlint.yaml:2: file_timeout: ", "positive number of seconds")


@pytest.mark.parametrize("value", ["inf", "nan", "1e10"])
def test_file_timeout_out_of_range_in_pyproject(tmp_path, value):
    add_control(tmp_path)
    write_file(tmp_path, "pyproject.toml", f"[tool.guardlint]\nfile_timeout = {value}\n")
    completed = run_cli("scan", ".", cwd=tmp_path)
    refused(completed, "pyproject.toml:2: file_timeout: ")


@pytest.mark.parametrize("value", ["inf", "nan", "1e10", "1e999"])
def test_file_timeout_out_of_range_on_the_command_line(tmp_path, value):
    add_control(tmp_path)
    completed = run_cli("scan", ".", "--file-timeout", value, cwd=tmp_path)
    refused(completed, "'--file-timeout'", "0 (no limit) or a number of seconds from 0.1 to 3,600")


def test_file_timeout_at_its_bounds_is_accepted(tmp_path):
    add_control(tmp_path)
    scanned(run_cli("scan", ".", "--file-timeout", "3600", cwd=tmp_path))
    scanned(run_cli("scan", ".", "--file-timeout", "0", cwd=tmp_path))  # no limit
    # A repository's config may shorten the budget (never lift it), to a fraction too; not so
    # tight that a loaded machine times the control file out.
    write_file(tmp_path, ".guardlint.yaml", "file_timeout: 1.5\n")
    scanned(run_cli("scan", ".", cwd=tmp_path))


@pytest.mark.parametrize("value", ["2GB", "100000GB", "9" * 5000])
def test_huge_max_file_size(tmp_path, value):
    add_control(tmp_path)
    refused(run_cli("scan", ".", "--max-file-size", value, cwd=tmp_path), "'--max-file-size'")
    write_file(tmp_path, ".guardlint.yaml", f"max_file_size: {value}\n")
    refused(run_cli("scan", ".", cwd=tmp_path), ".guardlint.yaml:1: max_file_size: ")


def test_max_file_size_of_1gb_is_accepted(tmp_path):
    add_control(tmp_path)
    scanned(run_cli("scan", ".", "--max-file-size", "1GB", cwd=tmp_path))


def test_absurd_number_of_jobs(tmp_path):
    add_control(tmp_path)
    refused(run_cli("scan", ".", "--jobs", "100000", cwd=tmp_path), "'--jobs'")
    scanned(run_cli("scan", ".", "--jobs", str(MAX_JOBS), cwd=tmp_path))


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("CMP009: {ports: 5}", "options: CMP009 ports: must be a map"),
        (
            "CMP009: {ports: {ssh: SSH}}",
            "options: CMP009 ports: each key must be a whole number, not 'ssh'",
        ),
        (
            "CMP005: {socket_names: [3]}",
            "options: CMP005 socket_names: each item must be a string, not 3",
        ),
        (
            "CFN009: {ports: [22, nine]}",
            "options: CFN009 ports: each item must be a whole number, not 'nine'",
        ),
        ("DKR019: {as_of: soon}", "options: DKR019 as_of: must be a date (YYYY-MM-DD)"),
        ('CFN003: {require_kms: "false"}', "options: CFN003 require_kms: must be true or false"),
        ("CFN003: {require_kms: [1]}", "options: CFN003 require_kms: must be true or false"),
        (
            "IAM012: {exfiltration_combinations: [[ec2:CreateSnapshot, 1]]}",
            "options: IAM012 exfiltration_combinations: each item: each item must be a string,"
            " not 1",
        ),
        (
            "IAM012: {exfiltration_combinations: [ec2:CreateSnapshot]}",
            "options: IAM012 exfiltration_combinations: each item must be a list,"
            " not 'ec2:CreateSnapshot'",
        ),
        # Declared types (option_types): the items of an empty list, a closed set of words.
        (
            "CFN030: {min_confidence: hgih}",
            "options: CFN030 min_confidence: must be one of low, medium, high",
        ),
        (
            "CFN030: {min_confidence: [high]}",
            "options: CFN030 min_confidence: must be one of low, medium, high",
        ),
        (
            "CFN030: {skip_tests: [B101, 602]}",
            "options: CFN030 skip_tests: each item must be a string, not 602",
        ),
        (
            "CFN030: {skip_tests: [[B101]]}",
            "options: CFN030 skip_tests: each item must be a string, not ['B101']",
        ),
        (
            "K8S020: {internal_annotations: {a: [{b: c}]}}",
            "options: K8S020 internal_annotations: each value: each item must be a string,"
            " not {'b': 'c'}",
        ),
    ],
)
def test_rule_option_of_the_wrong_shape(tmp_path, options, expected):
    """A rule would crash on every file with it (GL002): it is refused where it is written."""
    add_control(tmp_path)
    write_file(tmp_path, "Dockerfile", "FROM python:3.12\nUSER app\n")
    write_file(
        tmp_path, "compose.yaml", "services:\n  db:\n    image: redis:7\n    ports: [2375:2375]\n"
    )
    write_file(tmp_path, ".guardlint.yaml", f"options:\n  {options}\n")
    refused(run_cli("scan", ".", cwd=tmp_path), f".guardlint.yaml:2: {expected}")


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            '[project]\nname = "x"\n\n[tool.guardlint.options.CFN003]\nrequire_kms = "false"\n',
            "pyproject.toml:5: options: CFN003 require_kms: must be true or false",
        ),
        (
            '[tool.guardlint.options.CFN030]\nskip_tests = ["B101"]\nmin_confidence = "hihg"\n',
            "pyproject.toml:3: options: CFN030 min_confidence: must be one of low, medium, high",
        ),
    ],
)
def test_rule_option_of_the_wrong_type_in_pyproject_names_its_line(tmp_path, toml, expected):
    add_control(tmp_path)
    write_file(tmp_path, "pyproject.toml", toml)
    refused(run_cli("scan", ".", cwd=tmp_path), expected)


def test_rule_options_in_their_documented_spellings_are_accepted(tmp_path):
    add_control(tmp_path)
    write_file(
        tmp_path,
        "pyproject.toml",
        '[tool.guardlint.options.CMP009.ports]\n"22" = "SSH"\n'
        "[tool.guardlint.options.DKR019]\nas_of = 2024-01-01\n",
    )
    scanned(run_cli("scan", ".", cwd=tmp_path))


def test_declared_rule_option_types_accept_their_values_in_any_case(tmp_path):
    add_control(tmp_path)
    options = "CFN030: {min_confidence: HIGH, skip_tests: [B602]}"
    write_file(tmp_path, ".guardlint.yaml", f"options:\n  {options}\n")
    scanned(run_cli("scan", ".", cwd=tmp_path))


# --- baselines --------------------------------------------------------------------------------


def test_baseline_nested_200k_deep(tmp_path):
    add_control(tmp_path)
    write_file(
        tmp_path, "b.json", '{"version": 1, "findings": ' + "[" * 200_000 + "]" * 200_000 + "}"
    )
    refused(run_cli("scan", ".", "--baseline", "b.json", cwd=tmp_path), "nested too deeply")


@pytest.mark.parametrize(
    "entry", ['{"fingerprint": ["x"]}', '{"fingerprint": {"a": 1}}', '["x"]', '{"rule_id": "X"}']
)
def test_baseline_entry_of_the_wrong_type(tmp_path, entry):
    add_control(tmp_path)
    write_file(tmp_path, "b.json", '{"version": 1, "findings": [' + entry + "]}")
    completed = run_cli("scan", ".", "--baseline", "b.json", cwd=tmp_path)
    refused(completed, "b.json: findings[0] is not a map with a fingerprint string")


# --- pyproject.toml ---------------------------------------------------------------------------

DEEP_TOML = "x = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize(
    "content", [b'[project]\nname = "caf\xe9"\n', DEEP_TOML.encode(), b"[project\n", b"x = 1" * 9]
)
def test_a_broken_pyproject_that_is_not_ours_is_no_config(tmp_path, content):
    add_control(tmp_path)
    (tmp_path / "pyproject.toml").write_bytes(content)
    scanned(run_cli("scan", ".", cwd=tmp_path))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'[tool.guardlint]\nfail_on = "caf\xe9"\n', "pyproject.toml: config file is not UTF-8"),
        (b"[tool.guardlint]\n" + DEEP_TOML.encode(), "invalid TOML: nested too deeply"),
        (b"[tool.guardlint]\nfail_on = \n", "pyproject.toml:2: invalid TOML"),
    ],
)
def test_a_broken_pyproject_that_mentions_guardlint_is_an_error(tmp_path, content, expected):
    add_control(tmp_path)
    (tmp_path / "pyproject.toml").write_bytes(content)
    refused(run_cli("scan", ".", cwd=tmp_path), expected)


# --- rule packs -------------------------------------------------------------------------------


def write_pack(directory, match_text: str) -> None:
    """A pack of one valid rule whose `match:` is the given YAML text."""
    rule = {key: value for key, value in VALID_RULE.items() if key != "match"}
    head = yaml.safe_dump({"pack": "acme", "rules": [rule]}, width=1000)
    match = "\n".join("  " + line for line in ["match:", *match_text.splitlines()])
    write_file(directory, "policies/acme.yaml", head + match + "\n")


def test_recursive_alias_in_a_policy(tmp_path):
    add_control(tmp_path)
    write_pack(tmp_path, "  where: &loop {not: *loop}")
    refused(run_cli("scan", ".", "--rules", "policies", cwd=tmp_path), "recursive alias")


def test_alias_bomb_in_a_policy(tmp_path):
    add_control(tmp_path)
    levels = ["  where:", "    all:", "      - &p0 {exists: true}"]
    levels += [f"      - &p{n} {{any: [{', '.join([f'*p{n - 1}'] * 10)}]}}" for n in range(1, 10)]
    write_pack(tmp_path, "\n".join(levels))
    completed = run_cli("scan", ".", "--rules", "policies", cwd=tmp_path, timeout=60)
    refused(completed, "alias bomb")


def test_a_3000_level_jsonpath_is_refused_at_load(tmp_path):
    add_control(tmp_path)
    write_pack(tmp_path, f'  select: "${".a" * 3000}"\n  where: {{exists: true}}')
    completed = run_cli("scan", ".", "--rules", "policies", cwd=tmp_path)
    refused(completed, "invalid rule pack", f"is longer than {MAX_PATH_LENGTH:,} characters")


@pytest.mark.parametrize("where", ["select", "where", "locate"])
def test_a_jsonpath_that_descends_recursively_twice_is_refused_at_load(tmp_path, where):
    """`$..*..*..*..*` took each 24 KB manifest the whole file time budget (found by a fuzz
    run): each descent multiplies the work by the document's size."""
    add_control(tmp_path)
    nested = "$..*..*"
    paths = {"select": "$..containers", "locate": "$.spec", "where": "$.image"} | {where: nested}
    write_pack(
        tmp_path,
        f'  select: "{paths["select"]}"\n  locate: "{paths["locate"]}"\n'
        f'  where: {{path: "{paths["where"]}", exists: true}}',
    )
    completed = run_cli("scan", ".", "--rules", "policies", cwd=tmp_path, timeout=60)
    refused(completed, "invalid rule pack", "descends recursively (`..`) 2 times: at most 1")


@pytest.mark.parametrize(
    "path", ['$..[?(@.image =~ "(a|aa)+$")]', "$.services.*.`sub(/(a|aa)+$/, x)`"]
)
def test_a_jsonpath_regular_expression_is_refused_at_load(tmp_path, path):
    """jsonpath-ng runs these on Python's backtracking `re`: `(a|aa)+$` took one 170-byte pod
    past its 30-second budget (found by a fuzz run). `matches` runs on RE2."""
    add_control(tmp_path)
    write_pack(tmp_path, f"  select: '{path}'\n  where: {{exists: true}}")
    completed = run_cli("scan", ".", "--rules", "policies", cwd=tmp_path, timeout=60)
    refused(completed, "invalid rule pack", "uses a regular expression (`=~`, `sub()`)")


@pytest.mark.parametrize(
    ("path", "refusal"),
    [
        # str * int in one C call: 6 GB and past the time budget; 10**23 overflowed (GL002)
        ("$.services.a * $.services.b", "uses arithmetic"),
        # each step finds every value 8 (or 2) times: 4.4 GB before the time budget
        ("$.services" + "['a','a','a','a','a','a','a','a']" * 14, "named twice in one step"),
        ("$.services" + ".(a|a)" * 14, "uses a union (`|`)"),
        ("$.services.*.`parent`.*.`parent`.*.`parent`", "uses `parent`"),
    ],
)
def test_a_jsonpath_that_computes_or_finds_a_value_twice_is_refused_at_load(
    tmp_path, path, refusal
):
    add_control(tmp_path)
    write_pack(tmp_path, f'  select: "{path}"\n  where: {{exists: true}}')
    completed = run_cli("scan", ".", "--rules", "policies", cwd=tmp_path, timeout=60)
    refused(completed, "invalid rule pack", "acme.yaml:", refusal)


def test_a_jsonpath_that_descends_once_is_a_rule(tmp_path):
    add_control(tmp_path)
    write_pack(tmp_path, '  select: "$..services"\n  where: {path: "$..image", exists: true}')
    scanned(run_cli("scan", ".", "--rules", "policies", cwd=tmp_path, timeout=60))


def test_a_jsonpath_deeper_than_any_document_is_refused_at_load(tmp_path):
    add_control(tmp_path)
    deep = "$" + ".a" * MAX_PATH_DEPTH
    write_pack(tmp_path, f'  select: "{deep}"\n  where: {{exists: true}}')
    completed = run_cli("scan", ".", "--rules", "policies", cwd=tmp_path)
    refused(completed, "invalid rule pack", f"nests deeper than {MAX_PATH_DEPTH} levels")
