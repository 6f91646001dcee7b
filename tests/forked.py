"""Helpers for the tests of what a scan of several processes loads once, before its workers
fork (guardlint.engine.hooks' `loaded_before_workers`)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from guardlint.checks.secrets import search_every_path
from guardlint.discover import discover
from guardlint.engine.hooks import WorkerPlan, worker_plan
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import RuleRunner
from guardlint.engine.scan import scan
from guardlint.parse.text import DEFAULT_MAX_BYTES


def record_loads(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, log: Path) -> None:
    """Replace `module.name`, a functools.cache'd function of no argument, with one that adds a
    line with the process ID to `log` each time a process first calls it (forked workers
    inherit the patch, and what the parent's call cached)."""
    load = getattr(module, name).__wrapped__

    @functools.cache
    def recorded() -> object:
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return load()

    monkeypatch.setattr(module, name, recorded)


def rule_ids_of_scan_in_two_processes(tree: Path) -> list[str]:
    found = scan(ScanOptions(paths=[str(tree)], root=str(tree), jobs=2))
    return sorted({finding.rule_id for finding in found.findings})


def loaded_for(plan: WorkerPlan) -> list[Callable[[], object]]:
    """What a worker plan has built before the workers fork, but the secret search, which
    SEC001 has built for every file (tests/test_secret_search_once.py)."""
    return [load for load in plan.before_fork if load is not search_every_path]


def files_loading_before_workers(tree: Path, runner: RuleRunner) -> list[str]:
    """The files under `tree` that have a pack load something before the workers fork (but
    the secret search)."""
    found = discover([str(tree)], str(tree))
    return sorted(
        source.rel_path
        for source in found.files
        if loaded_for(worker_plan([source], runner.rules, DEFAULT_MAX_BYTES))
    )
