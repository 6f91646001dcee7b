"""Shared test helpers: scan a path or a snippet and look at the findings."""

from __future__ import annotations

import datetime
import functools
import resource
import time
import unittest.mock
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import guardlint.engine.rule_runner
import guardlint.parse.lookups
import guardlint.rulebook
from guardlint.checks.registry import Check
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import ScanResult, scan
from guardlint.model.findings import Finding
from guardlint.model.rules import Rule
from guardlint.parse.yaml_loader import read_compiled
from guardlint.report import reporter
from guardlint.rulebook import compiled_packs, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# A manifest whose only secret sits in a comment, so SEC001 (and no pack rule) reports it.
CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: tools
  namespace: ci
data:
  # release token (rotated?): 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
  mode: release
"""


# The day every test judges end of life by (the date the data tables were last verified):
# fixtures and rule examples name runtimes and images that end on a known future date, so a
# suite judged by the real day would start failing then. A test of another day pins its own
# (monkeypatch over this one, or the rule's `as_of` option).
TEST_DAY = datetime.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    """Every scan of a test judges by TEST_DAY (worker processes forked by the scan inherit
    it); a subprocess started by a test runs on the real day."""
    monkeypatch.setattr(guardlint.parse.lookups, "_current_day", lambda: TEST_DAY)


# What the rulebook reads the built-in packs' compiled file with (tests that test it use this).
READ_COMPILED_PACKS = guardlint.rulebook._compiled_packs


@functools.cache
def _built_in_packs_compiled() -> dict[str, bytes]:
    with unittest.mock.patch.object(guardlint.rulebook, "_compiled_packs", dict):
        return read_compiled(compiled_packs())  # each pack validated from its YAML


@pytest.fixture(autouse=True)
def packs_compiled_as_in_a_wheel(monkeypatch):
    """Scans load the built-in packs as an installed wheel does, from packs compiled once per
    test process: a source checkout has none, and validating every pack again was ~50 ms of
    each scan (nine tenths of a small one). tests/test_wheel.py checks that both ways give the
    same rules."""
    monkeypatch.setattr(guardlint.rulebook, "_compiled_packs", _built_in_packs_compiled)


def packs_compiled_once():
    """packs_compiled_as_in_a_wheel for a module- or session-scoped fixture's scans, which run
    before any test's own fixtures (a context manager)."""
    return unittest.mock.patch.object(
        guardlint.rulebook, "_compiled_packs", _built_in_packs_compiled
    )


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook()


def processor_seconds() -> float:
    """The processor time of this process and of its children that ended (a CLI run, a scan's
    pool workers): what a test's time limit measures. The limits guard against quadratic time;
    the wall time also counts whatever else runs on the same cores meanwhile (the other test
    workers, a busy CI host)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def run_scan(*paths: str | Path, **options) -> ScanResult:
    """Scan paths with all rules (or those named in `only_rules`)."""
    return scan(ScanOptions(paths=[str(p) for p in paths], **options))


def report_text(output_format: str, result: ScanResult, **options) -> str:
    """The report in `output_format` as text: the JSON formats render UTF-8 bytes, decoded
    strictly here."""
    report = reporter(output_format)(result, **options)
    return report if isinstance(report, str) else report.decode("utf-8")


def findings_of(result_or_path, rule_id: str) -> list[Finding]:
    result = result_or_path if isinstance(result_or_path, ScanResult) else run_scan(result_or_path)
    return [f for f in result.findings if f.rule_id == rule_id]


def lines_of(result_or_path, rule_id: str) -> list[int]:
    return sorted(f.region.start_line for f in findings_of(result_or_path, rule_id))


def replace_check(monkeypatch, rule_id: str, make: Callable[[Check], Check]) -> None:
    """For the rest of the test, scans run `make(the rule's real check)` for `rule_id` (worker
    processes forked by the scan inherit it)."""
    real_check_for = guardlint.engine.rule_runner.check_for

    def check_for(rule: Rule) -> Check:
        real = real_check_for(rule)
        return make(real) if rule.id == rule_id else real

    monkeypatch.setattr(guardlint.engine.rule_runner, "check_for", check_for)


def before_check_on(rel_path: str, effect: Callable[[], object]) -> Callable[[Check], Check]:
    """For replace_check: the real check, after `effect()` (a sleep, a raise) on one file."""

    def make(real_check: Check) -> Check:
        def check(document, rule):
            if document.rel_path == rel_path:
                effect()
            return real_check(document, rule)

        return check

    return make


def write_file(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_template_pack(
    directory: Path,
    kind: str,
    template: str,
    params: dict,
    options: dict | None = None,
    severity: str = "low",
) -> Path:
    """packs/test.yaml: a pack of the tests' own with one rule, TST001, on documents of `kind`,
    that uses `template` with `params` (and rule `options`)."""
    rule = {
        "id": "TST001",
        "name": "test-template",
        "title": "A rule of the tests",
        "severity": severity,
        "category": "Policy:Test/Template",
        "description": "A rule of the tests' own pack.",
        "remediation": "None needed.",
        "template": template,
        "params": params,
        "options": options or {},
    }
    pack = {"pack": "test", "kinds": [kind], "rules": [rule]}
    return write_file(directory, "packs/test.yaml", yaml.safe_dump(pack))


# A template head with a condition that is always false (Never) and one a parameter decides
# (Maybe): resources under `Condition: Never` are never created.
NEVER_OR_MAYBE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String}
Conditions:
  Never: !Equals [a, b]
  Maybe: !Equals [!Ref Env, prod]
Resources:
"""
