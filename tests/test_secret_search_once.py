"""The secret search (detect-secrets' detectors, the patterns of the paths it goes down) is
loaded once, before the workers fork, while SEC001 reads every file (guardlint.checks.secrets'
`loaded_before_workers`): each worker met its first secret and loaded it all again."""

from __future__ import annotations

import os
import secrets
import string
from pathlib import Path

import pytest

from guardlint.checks.secrets import search_every_path
from guardlint.discover import discover
from guardlint.engine.hooks import worker_plan
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import RuleRunner
from guardlint.knowledge import detector_values, detectors
from guardlint.knowledge import secrets as knowledge_secrets
from guardlint.parse.text import DEFAULT_MAX_BYTES
from guardlint.rulebook import load_rulebook
from tests.conftest import write_file
from tests.forked import record_loads, rule_ids_of_scan_in_two_processes

PLAIN = "FROM python:3.12\nUSER app\n"


@pytest.fixture
def detector_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets a line with the process ID each time a process loads detect-secrets'
    detectors (forked workers inherit the patch)."""
    loads = tmp_path / "loads.txt"
    forget_detectors()
    record_loads(monkeypatch, detectors, "load", loads)
    yield loads
    forget_detectors()


def forget_detectors() -> None:
    """The detectors and the texts searched with them (the stand-in lines, searched again
    before the workers fork, would not load them again)."""
    detector_values._detectors.cache_clear()
    detectors.detectors.cache_clear()
    knowledge_secrets._remembered_secrets.cache_clear()


def test_a_scan_whose_worker_meets_the_secrets_loads_the_search_once_before_it_forks(
    tmp_path, detector_loads
):
    """The only secret is in the first file, the worker's: the Dockerfiles this process warms
    up on before the fork hold none."""
    tree = tmp_path / "tree"
    # A key no earlier search in this process has met (the search remembers texts it met).
    key = "AKIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))
    write_file(tree, "svc00/Dockerfile", f"FROM python:3.12\nENV AWS_ACCESS_KEY_ID={key}\n")
    for n in range(1, 60):
        write_file(tree, f"svc{n:02}/Dockerfile", PLAIN)
    assert "DKR004" in rule_ids_of_scan_in_two_processes(tree)  # the key, in an ENV
    assert detector_loads.read_text().split() == [str(os.getpid())]


@pytest.mark.parametrize(("skipped", "loaded"), [(set(), True), ({"SEC001"}, False)])
def test_the_search_is_loaded_before_the_workers_only_while_sec001_is_on(tmp_path, skipped, loaded):
    write_file(tmp_path, "svc/Dockerfile", PLAIN)
    write_file(tmp_path, "k8s/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n")
    runner = RuleRunner(load_rulebook(), ScanOptions(skip_rules=skipped))
    found = discover([str(tmp_path)], str(tmp_path))
    plan = worker_plan(found.files, runner.rules, DEFAULT_MAX_BYTES)
    assert (plan.before_fork.get(search_every_path) == [0, 1]) is loaded
