"""--jobs: a worker process that ends (a crash on a file, the OOM killer) loses no other result."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from guardlint.parallel import in_order
from guardlint.parallel.retries import MAX_ENDED_PROCESSES
from tests.conftest import ROOT
from tests.test_parallel import _generated_tree

KILLED = "the process scanning it was killed by signal 9 (Killed)"


def _killing_some(number: int) -> int:
    if number in (1, 5) or number >= 1000:  # in the pool's first chunks: never this process's
        os.kill(os.getpid(), signal.SIGKILL)
    return number


def _lost(number: int, reason: str) -> tuple[int, str]:
    return number, reason


def test_items_whose_process_ends_again_are_lost_and_the_others_kept_in_order():
    results = list(in_order(_killing_some, list(range(60)), jobs=2, lost=_lost))
    assert results == [0, (1, KILLED), 2, 3, 4, (5, KILLED), *range(6, 60)]
    assert multiprocessing.active_children() == []


def test_processes_ending_on_many_items_are_retried_only_so_many_times():
    """15 items that end their process, in the pool's first two chunks (of 14 items): the
    retries end once MAX_ENDED_PROCESSES processes ended, the last killers are not retried."""
    items = list(range(1000, 1015)) + list(range(6, 200))
    results = list(in_order(_killing_some, items, jobs=2, lost=_lost))
    killers = results[:15]
    assert all(isinstance(result, tuple) for result in killers)
    assert sum(reason == KILLED for _, reason in killers) == MAX_ENDED_PROCESSES - 1
    assert "not scanned" in killers[-1][1]
    assert multiprocessing.active_children() == []


SCAN = """import multiprocessing, os, signal, sys, time
import guardlint.engine.runner as runner
scan = runner._scan_file
killers = tuple(name for name in sys.argv[1].split(",") if name)
stalled = os.environ.get("STALLED_PID_FILE")
def killing(source, rules):
    if source.rel_path.endswith(killers):
        os.kill(os.getpid(), signal.SIGKILL)
    worker = multiprocessing.parent_process() is not None
    if stalled and worker and source.rel_path.endswith("svc00/compose.yaml"):
        try:  # the first worker to scan it (of the pool's first chunk) waits to be killed
            os.write(os.open(stalled, os.O_WRONLY | os.O_CREAT | os.O_EXCL), b"%d" % os.getpid())
            time.sleep(60)
        except FileExistsError:
            pass
    return scan(source, rules)
runner._scan_file = killing
from guardlint.cli import main
sys.argv = ["guardlint", "scan", *sys.argv[2:]]
main()
"""


def _scan(
    tree: Path,
    out: Path,
    jobs: int,
    killers: str = "",
    env: dict[str, str] | None = None,
    extra: list[str] | None = None,
) -> subprocess.Popen:
    command = [sys.executable, "-c", SCAN, killers, str(tree), "-f", "json", "-o", str(out)]
    return subprocess.Popen(
        [*command, "-q", "--jobs", str(jobs), *(extra or [])],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def _ended(scan: subprocess.Popen) -> tuple[int, str]:
    _, stderr = scan.communicate(timeout=300)
    return scan.returncode, stderr


def _findings(out: Path) -> list[tuple[str, str, str]]:
    found = json.loads(out.read_text())["findings"]
    return [(item["rule_id"], item["path"], item["message"]) for item in found]


def test_a_file_that_kills_the_process_scanning_it_is_gl001_and_no_other_finding_is_lost(
    tmp_path,
):
    tree = tmp_path / "tree"
    _generated_tree(tree, 12)
    killers = ["svc00/Dockerfile", "svc00/compose.yaml"]  # the first files: the pool's
    assert _ended(_scan(tree, tmp_path / "one.json", 1)) == (1, "")
    assert _ended(_scan(tree, tmp_path / "two.json", 2, ",".join(killers))) == (1, "")
    expected = [item for item in _findings(tmp_path / "one.json") if item[1] not in killers]
    lost = [("GL001", path, f"Could not scan {path}: {KILLED}; its findings are missing.")
            for path in killers]  # fmt: skip
    assert sorted(_findings(tmp_path / "two.json")) == sorted(expected + lost)


def test_a_worker_killed_from_outside_loses_no_finding(tmp_path):
    """The OOM killer or a stray SIGKILL: the file it was scanning is scanned again."""
    tree = tmp_path / "tree"
    _generated_tree(tree, 12)
    stalled = tmp_path / "stalled"
    scan = _scan(tree, tmp_path / "two.json", 2, env={"STALLED_PID_FILE": str(stalled)})
    deadline = time.monotonic() + 120
    while not (stalled.exists() and stalled.read_text()):
        assert time.monotonic() < deadline and scan.poll() is None, "no worker scanned the file"
        time.sleep(0.05)
    os.kill(int(stalled.read_text()), signal.SIGKILL)
    assert _ended(scan) == (1, "")
    assert _ended(_scan(tree, tmp_path / "one.json", 1)) == (1, "")
    assert _findings(tmp_path / "two.json") == _findings(tmp_path / "one.json")


def test_a_lost_files_gl001_is_not_cached_as_its_outcome(tmp_path):
    tree = tmp_path / "tree"
    _generated_tree(tree, 12)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    killed = _scan(tree, tmp_path / "lost.json", 2, "svc00/compose.yaml", extra=cache)
    assert _ended(killed) == (1, "")
    assert _ended(_scan(tree, tmp_path / "again.json", 2, extra=cache)) == (1, "")
    assert _ended(_scan(tree, tmp_path / "one.json", 1)) == (1, "")
    assert "GL001" in {rule for rule, path, _ in _findings(tmp_path / "lost.json")
                       if path.endswith("svc00/compose.yaml")}  # fmt: skip
    assert _findings(tmp_path / "again.json") == _findings(tmp_path / "one.json")
