"""A per-file time budget, so one pathological file cannot stall the whole scan.

POSIX only: SIGALRM interrupts the Python code scanning the file (the parser's loops, a rule's
regular expression) in the main thread of the process doing the work, which is the scanning
process itself or a worker of the process pool. Elsewhere (Windows, a non-main thread) the
budget is not enforced and the file is scanned to the end.
"""

from __future__ import annotations

# signal's own C module: signal.py builds three enums as it loads (1% of a small scan).
import _signal as signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_FILE_TIMEOUT = 30.0  # seconds; the corpus' slowest file takes well under one
# What a file whose budget ran out while its rules ran has left to make the findings of the
# rules that finished, as a part of its budget: making them costs a small part of finding them
# (guardlint.engine.making). A stop among the secret rules gives the others as much again to
# run (guardlint.engine.evaluation), and a file whose time runs out while its findings are made
# has as much again to withhold the details of the rest (guardlint.engine.making): a file costs
# at most its budget and three times this.
GRACE_FRACTION = 0.25
MIN_GRACE = 1.0  # seconds: a normal file's findings take milliseconds, even on a busy machine


class FileTimeout(BaseException):
    """The file's budget ran out. A BaseException so that no `except Exception` in a parser
    or a rule can swallow it and go on spending time."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"scanning took longer than {seconds:g} s")
        self.seconds = seconds


def grace_seconds(seconds: float | None) -> float | None:
    """The grace budget of a file whose budget of `seconds` ran out."""
    return max(seconds * GRACE_FRACTION, MIN_GRACE) if seconds else None


def budget_enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise FileTimeout in the body once `seconds` of elapsed (wall-clock) time have passed, which
    bounds what the file costs the scan however the machine is shared (None or <= 0: no budget)."""
    if not seconds or seconds <= 0 or not budget_enforceable():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise FileTimeout(seconds)

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:  # someone else's timer was running: give back what is left
            remaining = max(previous_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, remaining, previous_interval)
