"""--jobs: how a pool of workers ends: finished, killed, or with a worker gone."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from guardlint.parallel import in_order
from tests.conftest import ROOT


def _square(number: int) -> int:
    return number * number


def test_a_pool_whose_every_result_was_taken_is_shut_down_and_joined_when_closed():
    """The cached scan takes exactly as many results as it scans files, then closes the pool's
    generator at its last result. That was a shutdown without waiting: the command's os._exit
    could come before the workers were told to stop, and they waited for work forever."""
    results = in_order(_square, list(range(50)), jobs=2)
    taken = [next(results) for _ in range(50)]
    results.close()
    assert taken == [n * n for n in range(50)]
    assert multiprocessing.active_children() == []


def terminated_while_idle(number: int) -> int:
    """Work whose worker is sent SIGTERM, as a cancelled CI job sends it to the process group,
    once it has handed its result back, while it waits for more."""
    if number == 0:
        os.kill(os.getpid(), signal.SIGTERM)
    return number


def lost(number: int, reason: str) -> str:
    return f"{number}: {reason}"


def test_a_worker_sent_sigterm_ends_without_a_traceback_and_its_items_are_worked_on_again():
    """A stray SIGTERM to a worker alone: the items it had are worked on again, each in a
    process of its own, whose SIGTERM is not the scan's handler either; the item that sends it
    again is lost, the others are all there."""
    code = (
        "import signal\nfrom guardlint.cli import _on_signal\nfrom guardlint.parallel import "
        "in_order\nfrom tests.test_parallel_shutdown import lost, terminated_while_idle\n"
        "signal.signal(signal.SIGTERM, _on_signal)\n"
        "print(list(in_order(terminated_while_idle, list(range(50)), jobs=2, lost=lost)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stderr == ""
    ended = "0: the process scanning it was killed by signal 15 (Terminated)"
    assert done.stdout.strip() == repr([ended, *range(1, 50)])


def test_a_pool_a_worker_left_has_ended_when_the_error_is_raised():
    """The pool's manager thread ends a pool whose worker died: it closes its wake-up pipe as it
    ends. Left running after the error, it raced the interpreter's exit hook, which writes to
    that pipe without a lock: "OSError: [Errno 9] Bad file descriptor" on stderr, about one run
    in 200 (the test above, flaky in CI). No thread of the pool is left to race."""
    with pytest.raises(BrokenProcessPool):
        list(in_order(terminated_while_idle, list(range(50)), jobs=2))
    pool_threads = [thread for thread in threading.enumerate()
                    if type(thread).__name__ == "_ExecutorManagerThread"]  # fmt: skip
    assert pool_threads == []
    assert multiprocessing.active_children() == []


def announced_and_slow(number: int) -> int:
    """Work that says which process took it (one write: print's two could interleave with the
    other process's), then, in a worker, takes a minute."""
    os.write(1, f"{os.getpid()}\n".encode())
    if multiprocessing.parent_process() is not None:
        time.sleep(60)
    return number


def test_workers_end_when_the_scan_process_is_killed():
    """A scan killed outright (SIGKILL, the OOM killer) ran no shutdown: its workers waited for
    work forever, holding its standard output open, so a CI step reading it never ended."""
    code = (
        "from guardlint.parallel import in_order\nfrom tests.test_parallel_shutdown import "
        "announced_and_slow\nlist(in_order(announced_and_slow, list(range(4)), jobs=2))\n"
    )
    scan = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=ROOT)
    announced = [int(scan.stdout.readline())]
    while announced[-1] == scan.pid:  # the scan process's own items, until a worker's
        announced.append(int(scan.stdout.readline()))
    scan.kill()
    scan.wait()
    deadline = time.monotonic() + 30
    try:
        while True:  # the output to its end: no worker holds it open
            ready, _, _ = select.select([scan.stdout], [], [], max(0, deadline - time.monotonic()))
            assert ready, "the workers kept the output open"
            if os.read(scan.stdout.fileno(), 4096) == b"":
                break
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(announced[-1], signal.SIGKILL)
        scan.stdout.close()


def retried_slowly(number: int) -> int:
    """Work whose worker ends on item 1, and whose item 2, worked on again in a process of its
    own, says so (with its pid) and takes a minute."""
    if multiprocessing.parent_process() is not None and number == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    if multiprocessing.parent_process() is not None and number == 2:
        os.write(1, f"{os.getpid()}\n".encode())
        time.sleep(60)
    return number


def test_a_scan_sent_sigterm_while_it_works_on_items_again_ends_at_once():
    """A cancelled CI job's SIGTERM to the process group ends the scan, and the process working
    on items again with it, without a traceback."""
    code = (
        "import signal\nfrom guardlint.cli import _on_signal\nfrom guardlint.parallel import "
        "in_order\nfrom tests.test_parallel_shutdown import lost, retried_slowly\n"
        "signal.signal(signal.SIGTERM, _on_signal)\ntry:\n"
        "    list(in_order(retried_slowly, list(range(50)), jobs=2, lost=lost))\n"
        "except BaseException as exc:\n    print(type(exc).__name__)\n"
    )
    scan = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    retrying = int(scan.stdout.readline())
    os.killpg(scan.pid, signal.SIGTERM)
    stdout, stderr = scan.communicate(timeout=30)
    assert (stdout.strip(), stderr) == ("Interrupted", "")
    with pytest.raises(ProcessLookupError):  # ended, and reaped
        os.kill(retrying, 0)
