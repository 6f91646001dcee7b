"""What each process of a pooled scan runs: a worker's setup and its chunks of work, and the
garbage collection every process of a scan does between chunks (guardlint.parallel)."""

from __future__ import annotations

# signal's own C module: signal.py builds three enums as it loads (1% of a small scan).
import _signal as signal
import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# Parsing allocates hundreds of thousands of small containers that live until their file is
# done, and the cyclic GC keeps re-walking them: ~10% of a scan at the default threshold,
# still ~8% at a gen-0 threshold of 50,000. Reference counting frees a file's objects when it
# is done (the engine drops the documents' caches, which point back at them), so automatic
# collection is off during a scan; between chunks, a collection runs once this many new
# objects are alive, for the cycles libraries leave behind (a whole corpus stays below it).
GARBAGE_LIMIT = 1_000_000
# How often a worker looks whether the process that started it is still there.
PARENT_CHECK_SECONDS = 0.5

_worker_work: Callable[[Any], Any] | None = None


@contextlib.contextmanager
def collections_between_chunks() -> Iterator[None]:
    """No automatic collection inside; callers collect after each chunk (collect_garbage)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What survived (the scan's findings, hundreds of thousands of objects) goes to the
        # oldest generation, with what collect_garbage froze: the next young collection would
        # otherwise walk it all twice (0.18 s after a corpus scan) to find it all alive.
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def collect_garbage() -> None:
    """Collect once GARBAGE_LIMIT objects accumulated, then freeze the survivors (modules,
    caches, the IAM database): no later collection walks them again."""
    if gc.get_count()[0] > GARBAGE_LIMIT:
        gc.collect()
        gc.freeze()


def init_worker(work: Callable[[Any], Any]) -> None:
    # Ctrl-C goes to the whole process group: only the parent handles it, and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # So does a cancelled CI job's SIGTERM: a worker just ends, without the parent's handler
    # (guardlint.cli), whose exception it would print as a traceback waiting for work.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.disable()  # a worker lives for one scan only; _work_on_chunk calls collect_garbage
    parent = os.getppid()
    threading.Thread(target=_exit_without, args=(parent,), daemon=True).start()
    global _worker_work
    _worker_work = work


def _exit_without(parent: int) -> None:
    """End the worker once its parent is gone (SIGKILL, the OOM killer): it would wait for work
    forever, holding the parent's standard output open, and a CI step reading that output to
    its end would never finish (the call queue's write end it inherited never closes)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def work_on_chunk(items: Sequence[Any]) -> list[Any]:
    assert _worker_work is not None, "worker used before init_worker"
    results = [_worker_work(item) for item in items]
    collect_garbage()
    return results
