"""Generated docs are current, CI runs exactly the README's test command, and CONTRIBUTING.md's
"add a rule" holds."""

from __future__ import annotations

import re
import textwrap

import yaml

from guardlint import docgen
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
