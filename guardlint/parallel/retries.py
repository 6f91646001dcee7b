"""The work of a broken pool done again: when a worker process ends before its results came
back (a crash on an item, the OOM killer, a stray signal), guardlint.parallel hands its items
here, and each item that ends its process again is lost, with how that process ended."""

from __future__ import annotations

# signal's own C module: signal.py builds three enums as it loads (1% of a small scan).
import _signal as signal
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from guardlint.parallel.workers import init_worker

# Processes of a scan that may end before their work is done, after which the items left are
# not tried again (Retries): a tree of many files that crash their process costs this many.
MAX_ENDED_PROCESSES = 8


class Retries:
    """The items of a broken pool whose results had not come back (its worker ended: a crash
    on an item, the OOM killer, a stray signal): worked on again, in order, in a process of
    their own, started again after an item that ends it too, which is `lost` with how that
    process ended. Each process that ends costs a new one (a new pool, or one of these), so
    past MAX_ENDED_PROCESSES the items left are lost without being worked on again."""

    def __init__(self, context: Any, work: Callable[[Any], Any], lost: Callable[[Any, str], Any]):
        self.context = context
        self.work = work
        self.lost = lost
        self.ended = 0  # processes of this scan that ended before their work was done

    def given_up(self) -> bool:
        return self.ended >= MAX_ENDED_PROCESSES

    def results(self, future: Any, chunk: Sequence[int], items: Sequence[Any]) -> list[Any]:
        """The results of a chunk the broken pool had: those it gave, or worked out again."""
        if future.done() and not future.cancelled() and future.exception() is None:
            return future.result()
        left = [items[index] for index in chunk]
        results: list[Any] = []
        while len(results) < len(left) and not self.given_up():
            done, ending = self._in_a_process(left[len(results) :])
            results += done
            if ending is not None:
                self.ended += 1
                results.append(self.lost(left[len(results)], ending))
        return results + list(self.unscanned(range(len(results), len(left)), left).values())

    def unscanned(self, indexes: Sequence[int], items: Sequence[Any]) -> dict[int, Any]:
        reason = f"not scanned: {self.ended} processes of this scan ended (crashed or killed)"
        return {index: self.lost(items[index], reason) for index in indexes}

    def _in_a_process(self, items: Sequence[Any]) -> tuple[list[Any], str | None]:
        """The results of `items` in order, up to one whose process ended, and how it ended
        (None: it did not)."""
        receiving, sending = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_work_through, args=(self.work, items, sending))
        process.start()
        sending.close()
        results: list[Any] = []
        try:
            with receiving, contextlib.suppress(EOFError):
                while len(results) < len(items):
                    results.append(receiving.recv())
        finally:
            if len(results) < len(items):  # ended, or this process is interrupted
                process.kill()
            process.join()
        return results, (None if len(results) == len(items) else _ending(process.exitcode))


def _work_through(work: Callable[[Any], Any], items: Sequence[Any], sending: Any) -> None:
    init_worker(work)
    for item in items:
        sending.send(work(item))


def _ending(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        name = signal.strsignal(-exit_code) or "unknown"
        return f"the process scanning it was killed by signal {-exit_code} ({name})"
    return f"the process scanning it ended with exit code {exit_code}"
