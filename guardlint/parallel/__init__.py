"""Fan independent work out to worker processes, keeping the results in the order given.

The engine scans each file on its own (a work function of one file), so the files are cut
into chunks and worked on by a process pool of `jobs - 1` workers, which takes them from the
front (smaller ones as it nears the end: no process waits long for another's last chunk), and
by this process, which takes the items one by one from the end (instead of waiting idle for
one more worker, which would pay its own warm-up and the pickling of its results). Results
are put back in the order of the files, so the engine sees the same sequence whatever the
number of workers, and the report is byte-identical for any --jobs. This module knows nothing
of what the work is.

Workers are forked where the platform allows it: they inherit the loaded rulebook and the
imported modules instead of importing and parsing them again. Elsewhere the work function (and
what it holds: the engine's rules) is pickled to each worker once, through the pool
initializer. The libraries, tables and patterns that rules load lazily are loaded by each
process that needs them, so before forking, this process works on the first few items of its
own (last) chunk, WARM_UP_ITEMS: the workers inherit what those loaded instead of loading it
again each (a Kubernetes or CloudFormation scan's workers spent 4-6% of the scan's instructions
on it), while the second core waits only for those few items (warming everything first was
tried: on two cores it saves the workers the time the parent spends alone, so the scan was no
faster). Only the costliest (AWS's SAM translator, bandit: guardlint.engine.hooks) are left to
one worker when few files need them: the files the caller says to keep `together` form one
chunk, scheduled first, never among the items this process warms up on. What the caller knows
each worker would build for itself (the whole IAM action database, which few files need; AWS's
SAM translator, for more templates than one worker's share: guardlint.engine.hooks) it gives as
`before_fork`, with the items that need it, built here before the warm-up where those items
fall in more than one chunk, so that at most one process builds it.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from guardlint.parallel.workers import (
    collect_garbage,
    collections_between_chunks,
    init_worker,
    work_on_chunk,
)

if TYPE_CHECKING:
    from guardlint.parallel.retries import Retries

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many files a pool costs more (process start, pickling) than it saves.
MIN_FILES_FOR_POOL = 40
# Nor for many small files: a pool's fixed cost (fork, warm-up, results pickled back, pages
# copied on write; 50-80 ms on two cores) is more than half of their scan, all a second core
# can take. 80 and 160 of the corpus's Kubernetes manifests (57 and 107 KB) and 88 files of
# every kind (103 KB) took 13-29% less CPU in one process, and less wall time on a busy machine.
MIN_BYTES_FOR_POOL = 200_000
# Several chunks per worker even out files of very different sizes; not too many, because
# each chunk is one round trip through the pool's queues.
CHUNKS_PER_WORKER = 8
MAX_CHUNK = 64
# Chunks queued for each worker while this process works on its own.
QUEUED_PER_WORKER = 2
# Items this process works on before it forks the workers (module docstring): enough to load
# what most files of the tree need, few enough that the second core does not wait long.
WARM_UP_ITEMS = 8


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def effective_jobs(
    requested: int | None, file_count: int, sizes: Iterable[int] | None = None
) -> int:
    """Worker count: as asked when given (> 0), otherwise one per CPU for large trees, each
    process with a share of at least half MIN_FILES_FOR_POOL files and half MIN_BYTES_FOR_POOL
    bytes where their `sizes` are given (read only as far as needed): a pool of two needs as
    much as the two thresholds say, and each process more pays its own fixed cost (its fork,
    pages copied on write, what it loads that the others loaded too) only from such a share.
    Without it, 64 CPUs made 63 workers of one file each for the corpus's 333 manifests (231
    KB), which two processes scan in 13% less time than one, with 16% more CPU."""
    if requested is not None and requested > 0:
        return max(1, min(requested, file_count))
    jobs = min(available_cpus(), file_count // (MIN_FILES_FOR_POOL // 2))
    if sizes is not None and jobs > 1:
        share = MIN_BYTES_FOR_POOL // 2
        total = 0
        for total in itertools.accumulate(sizes):
            if total >= jobs * share:
                break
        jobs = min(jobs, total // share)
    return max(1, jobs)


def chunked(count: int, jobs: int, together: Sequence[int] = ()) -> list[list[int]]:
    """The indexes of the items each task works on. The `together` items (they share a
    costly setup, such as an import) come first, in one task when they are at most one
    worker's share, so that a single worker pays for the setup; the other items follow in
    consecutive slices."""
    size = _chunk_size(count, jobs)
    grouped = sorted(together)
    if len(grouped) <= count // jobs:
        chunks = [grouped] if grouped else []
    else:
        chunks = [grouped[start : start + size] for start in range(0, len(grouped), size)]
    apart = set(grouped)
    rest = [index for index in range(count) if index not in apart]
    chunks += [rest[start : start + size] for start in range(0, len(rest), size)]
    return chunks


def _context() -> Any:
    import multiprocessing  # only for a pool, like ProcessPoolExecutor below

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _shared_with_pool(
    start_pool: Callable[[], Any],
    work: Callable[[Item], Result],
    items: Sequence[Item],
    chunks: Sequence[Sequence[int]],
    workers: int,
    done: dict[int, Result],
    retries: Retries | None,
) -> Iterator[Result]:
    """Each item's result, in item order: the items `done` already (their results), then the
    chunks': the pool works on the chunks from the front (the first one whole: the `together`
    one), this process on their items one by one from the back, until they meet. A few chunks
    are queued per worker, so that none waits while this process works; near the meeting point
    the pool's are cut to a share of the items left (_pool_share), so that no process waits
    long at the end for the others' last chunks (with whole chunks of up to 64 files to the
    end, this process waited for the worker to finish the two it had queued: up to a tenth of
    a scan's wall time on a busy two-core machine). A worker that ends breaks the pool: with
    `retries`, the items whose results had not come back are worked on again (Retries) and
    a new pool takes the rest; without, BrokenProcessPool."""
    from concurrent.futures.process import BrokenProcessPool

    order = [index for chunk in chunks for index in chunk]
    size = _chunk_size(len(items), workers + 1)
    queued: collections.deque = collections.deque()  # (indexes, future), in order
    front, back = 0, len(order)
    waiting: dict[int, Result] = dict(done)
    next_index = 0
    executor = start_pool()
    broken = broken_once = False
    try:
        while next_index < len(items):
            while len(queued) < QUEUED_PER_WORKER * workers and front < back:
                taken = (
                    len(chunks[0]) if front == 0 else min(size, _pool_share(back - front, workers))
                )
                end = min(back, front + taken)
                chunk = order[front:end]
                queued.append((chunk, executor.submit(work_on_chunk, [items[i] for i in chunk])))
                front = end
            # Once a process ended, the pool does the rest: the next may be this one's.
            if queued and (queued[0][1].done() or front == back or broken_once):
                chunk, future = queued[0]
                try:
                    waiting.update(zip(chunk, future.result(), strict=True))
                except BrokenProcessPool:
                    broken = broken_once = True
                    if retries is None:
                        raise
                    # The pool's manager thread is ending the other workers: see below.
                    executor.shutdown(wait=True)
                    retries.ended += 1
                    for chunk, future in queued:
                        waiting.update(
                            zip(chunk, retries.results(future, chunk, items), strict=True)
                        )
                    queued.clear()
                    if retries.given_up():
                        waiting.update(retries.unscanned(order[front:back], items))
                        front = back
                    else:
                        executor, broken = start_pool(), False
                    continue
                queued.popleft()
            else:
                back -= 1
                waiting[order[back]] = work(items[order[back]])
            while next_index in waiting:
                result = waiting.pop(next_index)
                next_index += 1
                yield result
    finally:
        # Finished once the last result is in (a caller that takes no more than it needs
        # closes the generator at that yield): stop the workers and wait for them. Interrupted
        # or abandoned: drop the queued chunks, do not wait. A worker died: the pool's manager
        # thread is ending it (it terminates and joins the other workers): wait for it. Left
        # running, it closed its wake-up pipe while the interpreter's exit hook (which takes no
        # lock) wrote to it: "OSError: [Errno 9] Bad file descriptor" on stderr, 1 run in 200.
        finished = next_index == len(items)
        executor.shutdown(wait=finished or broken, cancel_futures=not finished)


def _pool_share(left: int, workers: int) -> int:
    """The most items of the `left` ones the pool's next chunk takes: a share that shrinks as
    the processes near each other, down to one item."""
    return max(1, left // ((workers + 1) * CHUNKS_PER_WORKER))


def _chunk_size(count: int, jobs: int) -> int:
    return max(1, min(MAX_CHUNK, -(-count // (jobs * CHUNKS_PER_WORKER))))


def in_order(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int,
    together: Sequence[int] = (),
    before_fork: Mapping[Callable[[], object], Sequence[int]] | None = None,
    lost: Callable[[Item, str], Result] | None = None,
) -> Iterator[Result]:
    """`work(item)` for every item, in the order given, in `jobs` processes (one: in this
    process); the items at the indexes `together` go to one worker when they are few (see
    `chunked`); each of `before_fork` is called before forked workers start, which inherit
    what it builds, where the items at its indexes fall in more than one chunk. `work` must be
    picklable where workers are not forked. A worker process that ends before its results came
    back (a crash, the OOM killer) raises BrokenProcessPool, unless `lost` is given: its items
    are then worked on again, each of those whose process ends again (or past the bound,
    Retries) is `lost(item, reason)`, and the scan goes on."""
    if jobs <= 1:
        with collections_between_chunks():
            for item in items:
                yield work(item)
                collect_garbage()
        return
    # Imported here: a small scan (pre-commit on one file) never pays for them.
    from concurrent.futures import ProcessPoolExecutor

    from guardlint.parallel.retries import Retries

    # This process is one of the `jobs`: a worker of its own would cost a warm-up (the
    # libraries rules load lazily, pages copied on write) and the pickling of its results.
    context = _context()
    chunks = chunked(len(items), jobs, together)
    with collections_between_chunks():  # the parent's results are kept, like the workers'
        warmed = {}
        if context.get_start_method() == "fork" and len(chunks) > 1:
            # The module's docstring: forked workers inherit what these items loaded.
            chunk_of = {index: number for number, chunk in enumerate(chunks) for index in chunk}
            for build, wanted in (before_fork or {}).items():
                # Wanted in one chunk only, it is built by the one process that takes that
                # chunk, while the others work (the SAM templates kept together: 0.28 s).
                if len({chunk_of[index] for index in wanted}) > 1:
                    build()
            last = chunks[-1]
            warmed = {index: work(items[index]) for index in last[:WARM_UP_ITEMS]}
            chunks[-1:] = [last[WARM_UP_ITEMS:]] if len(last) > WARM_UP_ITEMS else []
            collect_garbage()
        pool = {"mp_context": context, "initializer": init_worker, "initargs": (work,)}
        start_pool = functools.partial(ProcessPoolExecutor, jobs - 1, **pool)
        retries = Retries(context, work, lost) if lost is not None else None
        pooled = _shared_with_pool(start_pool, work, items, chunks, jobs - 1, warmed, retries)
        with contextlib.closing(pooled):
            for result in pooled:
                yield result
                collect_garbage()
