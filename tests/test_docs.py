"""Generated docs are current, CI runs exactly the README's test command, and CONTRIBUTING.md's
"add a rule" holds."""

from __future__ import annotations

import re
import textwrap

import yaml

from guardlint import docgen
from guardlint.checks.templates import TEMPLATES
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from tests.conftest import ROOT, write_file


def test_rules_reference_and_readme_table_are_current():
    assert docgen.main(["--check"]) == 0, "run: python -m guardlint.docgen"


def readme_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_starts_with_the_two_commands():
    install_and_scan, install_and_test = readme_commands()
    assert install_and_scan.startswith("pip install . && guardlint scan")
    assert "pytest" in install_and_test


def test_ci_runs_the_readme_test_command():
    ci_script = (ROOT / ".ci" / "run").read_text()
    assert readme_commands()[1] in ci_script.splitlines()


def test_contributing_says_where_each_rules_check_lives(rulebook):
    """CONTRIBUTING.md's "add a rule" promises `check: FAMILY` in rules/PACK.yaml means the
    function is in the file named there, registered for the rule's ID: hold it to that."""
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    promised = re.search(r"means\s+`(guardlint/checks/\w+/\w+\.py)`", contributing).group(1)
    assert promised == "guardlint/checks/cloudformation/storage.py"
    for rule in rulebook.rules:
        if rule.check:
            path = ROOT / "guardlint" / "checks" / rule.pack.replace("-", "_") / f"{rule.check}.py"
            source = path.read_text()
            assert re.search(rf'\bcheck\([^)]*"{rule.id}"', source), (rule.id, path)


def test_contributings_example_rule_is_a_working_rule(tmp_path):
    """The rule CONTRIBUTING.md shows is real: it loads as a pack of its own (templates and
    their params checked), reports its bad example and leaves its good one alone."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    rule = yaml.safe_load(textwrap.dedent(block))[0]
    pack_path = write_file(
        tmp_path,
        "packs/example.yaml",
        yaml.safe_dump({"pack": "example", "kinds": ["cloudformation"], "rules": [rule]}),
    )
    rulebook = Rulebook(
        [*(load_pack(p) for p in pack_files(builtin_rules_dir())), load_pack(pack_path)]
    )
    for example, expected in (("bad", 1), ("good", 0)):
        path = write_file(tmp_path, f"{example}/template.yaml", rule["examples"][example])
        result = scan(ScanOptions(paths=[str(path)]), rulebook)
        assert len([f for f in result.findings if f.rule_id == rule["id"]]) == expected, example


def test_architectures_template_table_lists_each_template_and_its_rules(rulebook):
    text = (ROOT / "docs" / "architecture.md").read_text()
    rows = re.findall(r"^\s*\| `([\w-]+)` \| [^|]+ \| ([^|]+) \|$", text, re.M)
    # "K8S001, 002, 010" and "CFN006-009": the numbers, without the pack's prefix
    documented = {name: re.sub(r"[A-Z][A-Z0-9]*[A-Z]", "", rules) for name, rules in rows}
    using: dict[str, list[str]] = {}
    for rule in rulebook.rules:
        if rule.template:
            using.setdefault(rule.template, []).append(rule.id)
    assert set(documented) == set(using) == set(TEMPLATES)
    for name, ids in using.items():
        numbers = re.findall(r"\d+", documented[name])
        spans = [range(int(a), int(b) + 1) for a, b in re.findall(r"(\d+)-(\d+)", documented[name])]
        listed = {int(n) for n in numbers} | {n for span in spans for n in span}
        assert listed == {int(i[-3:]) for i in ids}, name
    declarative = sum(1 for rule in rulebook.rules if rule.template or rule.match)
    assert f"{declarative} of the {len(rulebook.rules)} rules are templates or `match`" in text
