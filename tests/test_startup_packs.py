"""A scan builds the rules of the packs its files can use: a Dockerfile scan those of the
dockerfile, secrets and scan packs (with every superseded rule, which a suppression anywhere may
name), unless an option, the config, a baseline, a report or the result cache asks for every
rule. Whatever it builds, its reports are the same. A wheel's packs, validated at its build,
are loaded without the validation's module; a scan without a result cache, without any
of the cache's modules."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

from guardlint import rulebook as rulebook_module
from guardlint.model.rules import Rule
from guardlint.parse.yaml_loader import read_compiled
from guardlint.rulebook import compiled_packs, load_rulebook
from tests.conftest import write_file
from tests.test_startup import CUSTOM_PACK, DOCKERFILE, POD, imported_by

# The scan given as arguments, in a fresh interpreter, printing the packs of the rules (but the
# superseded ones) of the rulebooks it made.
_LOADED = """
import atexit, sys
from guardlint.rulebook import Rulebook
books, made = [], Rulebook.__post_init__
def recorded(self):
    made(self)
    books.append(self)
Rulebook.__post_init__ = recorded
atexit.register(lambda: print(",".join(sorted({r.pack for book in books for r in book.rules
                                               if not r.deprecated}))))
sys.argv = ["guardlint", *sys.argv[1:]]
from guardlint.cli import main
main()
"""
DOCKERFILE_PACKS = "dockerfile,scan,secrets"


def packs_loaded(tmp_path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.split()[-1]


def test_a_dockerfile_scan_loads_only_the_rules_of_the_packs_it_uses(tmp_path):
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "k8s/pod.yaml", POD)
    assert packs_loaded(tmp_path, "scan", "svc") == DOCKERFILE_PACKS
    assert packs_loaded(tmp_path, "scan", "svc", "-f", "json", "-o", "out.json") == DOCKERFILE_PACKS
    # The controls: a YAML file's kinds are known once it is parsed; options that need them all.
    every = {rule.pack for rule in load_rulebook().rules if not rule.deprecated}
    assert set(packs_loaded(tmp_path, "scan", ".").split(",")) == every
    write_file(tmp_path, "none/README.md", "nothing to scan\n")
    assert packs_loaded(tmp_path, "scan", "none") == "scan,secrets"
    for options in (["--sarif-all-rules", "-f", "sarif"], ["--skip-rule", "DKR001"],
                    ["--cache-dir", str(tmp_path.parent / "cache")]):  # fmt: skip
        assert set(packs_loaded(tmp_path, "scan", "svc", *options).split(",")) == every, options
    write_file(tmp_path, "svc/.guardlint.yaml", "severity: {CFN001: low}\n")
    assert set(packs_loaded(tmp_path, "scan", "svc").split(",")) == every


def _timeless(report: str) -> str:
    """A report without the times of its scan (JSON, SARIF, JUnit, GitLab's)."""
    return re.sub(r'"(duration_seconds|start_time|end_time)": [^,}]+|time="[0-9.]+"', "", report)


def test_a_scan_that_loads_fewer_rules_reports_the_same(tmp_path):
    """An empty directory of custom packs has the scan load every rule, and changes nothing
    else: the reports that list rules are the same."""
    write_file(
        tmp_path, "svc/Dockerfile", DOCKERFILE + "ENV GH=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\n"
    )
    write_file(tmp_path, "svc/broken/Dockerfile", "FROM\n")
    (tmp_path / "packs").mkdir()
    reports = {}
    for name, extra in (("some", []), ("every", ["--rules", "packs"])):
        args = ["scan", "svc", "--output-dir", name, *extra]
        args += [arg for fmt in ("json", "sarif", "junit", "gitlab-sast") for arg in ("-f", fmt)]
        subprocess.run([sys.executable, "-m", "guardlint", *args], cwd=tmp_path, check=False)
        reports[name] = {path.name: path.read_text() for path in (tmp_path / name).iterdir()}
    assert len(reports["some"]) == 4 and reports["some"].keys() == reports["every"].keys()
    for report, text in reports["some"].items():
        assert _timeless(text) == _timeless(reports["every"][report]), report


def test_the_rules_of_the_kinds_asked_for_are_those_of_the_whole_rulebook(monkeypatch):
    """From the packs' YAML and from a wheel's compiled packs alike."""
    every = load_rulebook()
    kinds = frozenset({"dockerfile", "file"})
    built, init = [], Rule.__init__

    def counted(rule: Rule, *args: Any, **fields: Any) -> None:
        init(rule, *args, **fields)
        built.append(rule)

    for compiled in ({}, read_compiled(compiled_packs())):
        monkeypatch.setattr(rulebook_module, "_compiled_packs", lambda compiled=compiled: compiled)
        monkeypatch.setattr(Rule, "__init__", counted)
        some = load_rulebook(kinds=kinds)
        monkeypatch.undo()
        assert [pack.name for pack in some.packs] == [pack.name for pack in every.packs]
        assert {r.pack for r in some.rules if not r.deprecated} == {"dockerfile", "secrets", "scan"}
        assert {r.id for r in some.rules if r.deprecated} == {
            r.id for r in every.rules if r.deprecated
        }
        assert all(rule == every.by_id[rule.id] for rule in some.rules)
    # The wheel's compiled packs: the rules left out are not even built.
    assert len(built) == len(every.rules) + len(some.rules)


_WHEEL_SCAN = """
import sys
from guardlint import rulebook
from guardlint.parse.yaml_loader import read_compiled
with open(sys.argv[1], "rb") as stored:
    compiled = read_compiled(stored.read())
rulebook._compiled_packs = lambda: compiled
sys.argv = ["guardlint", "scan", *sys.argv[2:], "-f", "json", "-o", "out.json"]
from guardlint.cli import main
try:
    main()
except SystemExit:
    pass
print("guardlint.rulebook.validation" in sys.modules)
"""


def test_a_wheel_s_scan_of_built_in_packs_imports_no_validation(tmp_path):
    """A wheel's packs were validated at its build: only a pack to validate imports it."""
    (tmp_path / "compiled.bin").write_bytes(compiled_packs())
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "policies/acme.yaml", CUSTOM_PACK)

    def validated(*args: str) -> str:
        run = [sys.executable, "-c", _WHEEL_SCAN, str(tmp_path / "compiled.bin"), *args]
        done = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=True)
        assert (tmp_path / "out.json").stat().st_size, done.stderr
        return done.stdout.split()[-1]

    assert validated("svc") == "False"
    assert validated("svc", "--rules", "policies") == "True"  # the control: a user's pack


def test_a_scan_without_a_cache_imports_none_of_the_cache_s_modules(tmp_path):
    """What keys a cache's entries (every rule digested), stores, packs and checks them, and
    gives their findings back, in the text, JSON and SARIF formats alike; the command line's
    `--cache-max-size` (its default in its help) needs none."""
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    cache_only = {f"guardlint.engine.{name}" for name in (
        "cached", "cache_context", "cache_observations", "outcome_entries", "result_cache",
        "scan_pack")}  # fmt: skip
    cache_only.add("guardlint.findings.records")
    for fmt in ("text", "json", "sarif"):
        args = ("scan", "svc", "-f", fmt, "-o", f"out.{fmt}")
        assert not imported_by(tmp_path, *args) & cache_only, fmt
    with_cache = imported_by(tmp_path, *args, "--cache-dir", str(tmp_path.parent / "cache"))
    assert cache_only <= with_cache  # the control
