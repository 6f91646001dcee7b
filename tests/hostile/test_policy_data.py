"""Configuration and policies are data, never code: a scanned repository's own `.guardlint.yaml`
can load its own rule packs, so their templates, YAML and shapes are checked when they load
(exit 2 naming the file, line and rule) and can never read the scanner's memory, run code,
stall the scan or make a report huge."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from guardlint.checks.template import MAX_FIELD_CHARS
from guardlint.model.findings import MAX_MESSAGE_CHARS
from guardlint.rulebook import load_rulebook
from guardlint.rulebook.validation import RuleError
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import run_cli

MARKER = "GUARDLINT_TEST_MARKER"
MARKER_VALUE = "marker-3f9c1d-never-in-any-output"
# A chain that `str.format` follows from the old `_Fields` mapping to os.environ.
ENVIRON_READ = f"{{subject.__missing__.__globals__[re].enum.sys.modules[os].environ[{MARKER}]}}"
COMPOSE = "services:\n  web:\n    image: nginx:1.27\n"


def policy(rule_id: str = "EVIL001", **match: object) -> str:
    """A custom pack of one Compose rule; `match` adds to or replaces its match keys."""
    rule = {
        "id": rule_id,
        "name": "any-service",
        "title": "Any service",
        "severity": "high",
        "category": "Policy:Container/Any",
        "kinds": ["compose"],
        "description": "Reports every Compose service, to carry a message template.",
        "remediation": "Nothing to fix: a test rule.",
        "match": {"select": "$.services.*", "where": {"path": "image", "exists": True}, **match},
    }
    return yaml.safe_dump({"pack": "evil", "rules": [rule]}, sort_keys=False, width=1000)


def hostile_repository(root: Path, pack: str) -> Path:
    """A repository whose own config loads its own policy directory."""
    write_file(root, ".guardlint.yaml", "rule_dirs: [policies]\n")
    write_file(root, "policies/evil.yaml", pack)
    write_file(root, "compose.yaml", COMPOSE)
    return root


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("key", ["message", "resource"])
def test_a_template_cannot_read_the_environment(tmp_path, key):
    pack = policy(**{key: ENVIRON_READ})
    hostile_repository(tmp_path, pack)
    completed = subprocess_scan(tmp_path, "--output-dir", "reports", *formats())
    everything = completed.stdout + completed.stderr
    assert MARKER_VALUE not in everything
    assert completed.returncode == 2
    where = f"policies/evil.yaml:{line_of(pack, key + ':')}: rule EVIL001: match: {key}: "
    assert where in everything
    assert "attribute and index access are not allowed" in everything
    assert not (tmp_path / "reports").exists()  # no report is written


def formats() -> list[str]:
    return [arg for fmt in ("text", "json", "sarif", "markdown", "junit") for arg in ("-f", fmt)]


def subprocess_scan(cwd: Path, *args: str):
    os.environ[MARKER] = MARKER_VALUE
    try:
        return run_cli("scan", ".", *args, cwd=cwd, timeout=60)
    finally:
        del os.environ[MARKER]


def test_a_huge_format_spec_is_refused_when_the_pack_loads(tmp_path):
    hostile_repository(tmp_path, policy(message="{name:>50000000}"))
    completed = run_cli("scan", ".", "-f", "json", cwd=tmp_path)
    assert completed.returncode == 2
    assert "{name:>50000000}: format specs are not allowed" in completed.stderr
    assert len(completed.stdout) + len(completed.stderr) < 2_000


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{subject[image][0]}", "{subject[image][0]}: attribute and index access are not allowed"),
        ("{subject.image}", "{subject.image}: attribute and index access are not allowed"),
        ("{name.__class__}", "{name.__class__}: attribute and index access are not allowed"),
        ("{value[0]}", "{value[0]}: attribute and index access are not allowed"),
        ("{name!r}", "{name!r}: conversions are not allowed"),
        ("{value!s:>10}", "{value!s}: conversions are not allowed"),
        ("{value:>10}", "{value:>10}: format specs are not allowed"),
        ("{name:{value}}", "{name:{value}}: format specs are not allowed"),
        ("{token}", "unknown field {token}; the fields are {name}, {value}"),
        ("{}", "unknown field {};"),
        ("{0}", "unknown field {0};"),
        ("Service {name", "expected '}' before end of string; write {{ or }} for a literal brace"),
        ("a } b", "Single '}' encountered"),
        (["a list"], "message: must be a string"),
        ("x" * (MAX_MESSAGE_CHARS + 1), f"longer than {MAX_MESSAGE_CHARS:,} characters"),
    ],
)
def test_templates_other_than_text_and_documented_fields_are_refused(tmp_path, template, problem):
    pack = policy(message=template)
    write_file(tmp_path, "evil.yaml", pack)
    with pytest.raises(RuleError) as caught:
        load_rulebook([str(tmp_path)])
    where = f"{tmp_path / 'evil.yaml'}:{line_of(pack, 'message:')}: rule EVIL001: match: message: "
    assert str(caught.value).startswith(where)
    assert problem in str(caught.value)


def test_documented_fields_and_braces_still_render(tmp_path):
    message = (
        "{{literal}} name={name} value={value} key={key} kind={kind} path={path} "
        "resource={resource} image={subject[image]} missing=[{subject[nothing]}]"
    )
    write_file(tmp_path / "rules", "ok.yaml", policy(locate="image", message=message))
    write_file(tmp_path / "repo", "compose.yaml", COMPOSE)
    result = run_scan(tmp_path / "repo", rule_dirs=[str(tmp_path / "rules")])
    assert [f.message for f in findings_of(result, "EVIL001")] == [
        "{literal} name=web value=nginx:1.27 key=image kind=compose path=compose.yaml "
        "resource=compose.yaml image=nginx:1.27 missing=[]"
    ]


def test_substituted_values_and_messages_have_a_length_cap(tmp_path):
    long_image = "registry.example.com/" + "a" * 5_000
    write_file(tmp_path / "rules", "long.yaml", policy(message="{subject[image]} " * 40))
    write_file(tmp_path / "repo", "compose.yaml", f"services:\n  web:\n    image: {long_image}\n")
    result = run_scan(tmp_path / "repo", rule_dirs=[str(tmp_path / "rules")])
    [finding] = findings_of(result, "EVIL001")
    clipped = long_image[: MAX_FIELD_CHARS - 1] + "\u2026"
    assert len(finding.message) == MAX_MESSAGE_CHARS
    assert finding.message.startswith(f"{clipped} {clipped} ")
    assert finding.message.endswith("\u2026")


def test_a_policy_tag_constructs_nothing(tmp_path):
    tagged = "description: !!python/object/apply:os.system ['touch pwned']"
    pack = policy().replace("description: Reports every Compose service, to carry a message "
                            "template.", tagged)  # fmt: skip
    hostile_repository(tmp_path, pack)
    completed = run_cli("scan", ".", cwd=tmp_path)
    assert completed.returncode == 2
    where = f"evil.yaml:{line_of(pack, tagged)}: rule EVIL001"
    assert f"{where}: description: must be a string" in completed.stderr
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("examples: [1, 2]", "examples: must be a map of strings"),
        ("examples: {bad: 5}", "examples: must be a map of strings"),
        ("references: 5", "references: must be a list of strings"),
        ("cwe: {a: 1}", "cwe: must be a list of strings or integers"),
        ("options: [1]", "options: must be a map"),
        ("precision: [high]", "precision: must be a string"),
        ("example_filename: {a: 1}", "example_filename: must be a string"),
        ("option_types: [1]", "option_types: must be a map"),
        ("option_types: {level: string}", "option_types: level: not an option of the rule"),
    ],
)
def test_a_value_of_the_wrong_shape_is_an_error_not_a_traceback(tmp_path, extra, problem):
    pack = policy() + f"  {extra}\n"
    hostile_repository(tmp_path, pack)
    completed = run_cli("scan", ".", cwd=tmp_path)  # asserts that there is no traceback
    assert completed.returncode == 2
    assert f"evil.yaml:{line_of(pack, extra)}: rule EVIL001: {problem}" in completed.stderr


@pytest.mark.parametrize(
    ("default", "declared", "problem"),
    [
        ("low", "word", "unknown type 'word'"),
        ("low", "{one_of: []}", "one_of: must be a list of strings or numbers"),
        ("low", "{one_of: [{a: 1}]}", "one_of: must be a list of strings or numbers"),
        ("[]", "{list: {map: string}}", "must be boolean, integer, number, string, {list: TYPE}"),
        ("low", "{list: string, one_of: [low]}", "must be boolean, integer, number, string"),
        ("lowest", "{one_of: [low, high]}", "must be one of low, high"),
        ("[1]", "{list: string}", "each item must be a string, not 1"),
    ],
)
def test_a_declared_option_type_is_checked_with_its_default(tmp_path, default, declared, problem):
    declaration = f"option_types: {{level: {declared}}}"
    pack = policy() + f"  options: {{level: {default}}}\n  {declaration}\n"
    hostile_repository(tmp_path, pack)
    completed = run_cli("scan", ".", cwd=tmp_path)
    assert completed.returncode == 2
    where = f"evil.yaml:{line_of(pack, declaration)}: rule EVIL001"
    assert f"{where}: option_types: level: {problem}" in completed.stderr


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("check: storage", "custom rules are declarative: use match, not check"),
        ("template: service-entry", "custom rules are declarative: use match, not template"),
    ],
)
def test_a_repositorys_pack_cannot_name_python_checks_or_templates(tmp_path, code, problem):
    """Check templates fill their messages with `str.format` and read their own params: only
    guardlint's packs may use them, as only they may name Python checks."""
    pack = policy().replace("  match:", f"  {code}\n  match:", 1)
    hostile_repository(tmp_path, pack)
    completed = run_cli("scan", ".", cwd=tmp_path)
    assert completed.returncode == 2
    assert f"rule EVIL001: {problem}" in completed.stderr


def test_pack_level_values_of_the_wrong_shape_are_errors(tmp_path):
    write_file(tmp_path, "evil.yaml", "pack: evil\nkinds: 5\nrules: []\n")
    with pytest.raises(RuleError, match=r"evil\.yaml:2: kinds: must be a list of strings"):
        load_rulebook([str(tmp_path)])


def test_a_rule_id_or_name_with_a_trailing_newline_is_refused(tmp_path):
    write_file(
        tmp_path, "evil.yaml", policy().replace("name: any-service", 'name: "any-service\\n"')
    )
    with pytest.raises(RuleError, match="is not kebab-case"):
        load_rulebook([str(tmp_path)])
    write_file(tmp_path, "evil.yaml", policy().replace("id: EVIL001", 'id: "EVIL001\\n"'))
    with pytest.raises(RuleError, match="invalid or missing rule id"):
        load_rulebook([str(tmp_path)])


WHERE = "    where:\n      path: image\n      exists: true\n"
ANCHORS = "".join(
    ["  options:\n    x-anchors:\n    - &a0 {exists: true}\n"]
    + [f"    - &a{n} {{all: [*a{n - 1}, *a{n - 1}, *a{n - 1}]}}\n" for n in range(1, 21)]
)
# Validating or evaluating this predicate used to visit its 3**20 leaves one by one.
ALIAS_BOMB = (
    policy().replace("  match:\n", ANCHORS + "  match:\n").replace(WHERE, "    where: *a20\n")
)
# A predicate that contains itself used to recurse until Python gave up (a traceback).
RECURSIVE = policy().replace(WHERE, "    where: &w {all: [{exists: true}, *w]}\n")


@pytest.mark.parametrize(
    ("pack", "problem"),
    [(ALIAS_BOMB, "alias expansion to"), (RECURSIVE, "recursive alias (a node contains itself)")],
    ids=["alias-bomb", "recursive-alias"],
)
def test_alias_tricks_in_a_pack_fail_fast(tmp_path, pack, problem):
    hostile_repository(tmp_path, pack)
    completed = run_cli("scan", ".", cwd=tmp_path, timeout=30)
    assert completed.returncode == 2
    assert problem in completed.stderr


def test_a_fifo_in_the_policy_directory_is_refused_not_waited_on(tmp_path):
    hostile_repository(tmp_path, policy())
    os.mkfifo(tmp_path / "policies" / "wait.yaml")
    completed = run_cli("scan", ".", cwd=tmp_path, timeout=30)
    assert completed.returncode == 2
    assert "wait.yaml: cannot read: not a regular file" in completed.stderr


def test_a_legitimate_policy_in_the_repository_still_reports(tmp_path):
    hostile_repository(tmp_path, policy(message="Service {name} runs {subject[image]}."))
    completed = run_cli("scan", ".", "-f", "json", cwd=tmp_path)
    assert completed.returncode == 1
    report = json.loads(completed.stdout)
    assert [f["message"] for f in report["findings"] if f["rule_id"] == "EVIL001"] == [
        "Service web runs nginx:1.27."
    ]
