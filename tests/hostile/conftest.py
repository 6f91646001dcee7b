"""Helpers for the hostile-input suite: a control file whose finding must survive every
hostile neighbour, and exact assertions on the GL001 a hostile file must produce."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from guardlint.engine.scan import ScanResult
from guardlint.model.findings import Finding
from tests.conftest import findings_of, processor_seconds, run_scan, write_file

# A pure-Python loop and the processor seconds it takes on the machines the time budgets were
# set on.
_REFERENCE_LOOP, _REFERENCE_SECONDS = 2_000_000, 0.05


def _slowdown() -> float:
    """How many times slower than those machines this one's processor runs (never below 1): the
    best of three runs of the reference loop. A slow runner must not fail the budgets, nor must
    a fast one let a slower algorithm through."""

    def once() -> float:
        started, total = processor_seconds(), 0
        for number in range(_REFERENCE_LOOP):
            total += number
        return processor_seconds() - started

    return max(1.0, min(once() for _ in range(3)) / _REFERENCE_SECONDS)


SLOWDOWN = _slowdown()

# A GitHub token in a ConfigMap: SEC001 on line 7, whatever else is in the tree.
CONTROL_NAME = "control.yaml"
CONTROL = """apiVersion: v1
kind: ConfigMap
metadata:
  name: tools
  namespace: ci
data:
  github: 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
"""
CONTROL_SECRET = "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"


def add_control(directory: Path) -> Path:
    return write_file(directory, CONTROL_NAME, CONTROL)


def _outline(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return sorted((f.rule_id, f.region.start_line, f.message) for f in findings)


@functools.cache
def _control_alone() -> list[tuple[str, int, str]]:
    with tempfile.TemporaryDirectory() as directory:
        add_control(Path(directory))
        outline = _outline(run_scan(directory).findings)
    assert outline, "the control file must have findings to lose"
    return outline


def assert_control_scanned(result: ScanResult) -> None:
    """The hostile neighbour cost the control file nothing: it has exactly the findings it
    has when scanned alone (whatever the packs report on it), and nothing crashed."""
    mine = [f for f in result.findings if f.path == CONTROL_NAME]
    assert mine and _outline(mine) == _control_alone()
    assert not findings_of(result, "GL002")


def parse_error(result: ScanResult, path: str) -> Finding:
    """The one GL001 finding on `path` (and no other GL001 anywhere)."""
    errors = findings_of(result, "GL001")
    assert [f.path for f in errors] == [path], [f.message for f in errors]
    return errors[0]


def assert_read_to_the_limit(
    directory: Path, name: str, text: str, one_more: str, rule_id: str, line: int
) -> None:
    """`text`, exactly at a limit, is read in full: no note, and its last part's `rule_id`
    finding at `line`; `one_more`, one past it, is cut there: a note at `line`, no finding."""
    write_file(directory, name, text)
    result = run_scan(directory, jobs=1)
    assert not findings_of(result, "GL001")
    assert [f.region.start_line for f in findings_of(result, rule_id)] == [line]
    write_file(directory, name, one_more)
    result = run_scan(directory, jobs=1)
    assert parse_error(result, name).region.start_line == line
    assert not findings_of(result, rule_id)


def assert_judged_alike_past_the_limit(
    directory: Path, name: str, text: str, one_more: str, rule_ids: set[str], line: int
) -> None:
    """`text`, exactly at a limit, is read in full (no note); `one_more`, one past it, is cut
    at `line` (a note there) and still gives the same `rule_ids` findings, with their
    severities: padding a file past the limit loses nothing read before the cut."""
    found = []
    for written in (text, one_more):
        write_file(directory, name, written)
        result = run_scan(directory, jobs=1)
        notes = findings_of(result, "GL001")
        assert [note.region.start_line for note in notes] == ([line] if found else [])
        found.append(
            sorted(
                (f.rule_id, f.region.start_line, f.severity.name)
                for f in result.findings
                if f.rule_id in rule_ids
            )
        )
    assert found[0] == found[1] and {rule for rule, _, _ in found[0]} == rule_ids


def run_cli(
    *args: str, cwd: Path, timeout: float = 120, prefix: Sequence[str] = ()
) -> subprocess.CompletedProcess:
    """`guardlint ARGS` in a subprocess, as a user runs it; never a traceback."""
    completed = subprocess.run(
        [*prefix, sys.executable, "-m", "guardlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed
