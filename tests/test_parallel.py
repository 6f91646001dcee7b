"""--jobs: process fan-out that never changes the report."""

from __future__ import annotations

import functools
import os
from concurrent.futures import Future
from pathlib import Path

import pytest
from click.testing import CliRunner

from guardlint import parallel
from guardlint.cli import cli
from guardlint.discover import discover
from guardlint.engine.hooks import worker_plan
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import RuleRunner
from guardlint.engine.runner import scan_file
from guardlint.engine.scan import scan
from guardlint.parallel import (
    MIN_BYTES_FOR_POOL,
    MIN_FILES_FOR_POOL,
    WARM_UP_ITEMS,
    chunked,
    effective_jobs,
    in_order,
)
from guardlint.parse.text import DEFAULT_MAX_BYTES
from guardlint.rulebook import load_rulebook
from tests.conftest import FIXTURES, write_file

DOCKERFILE = """FROM python:3.12
ENV AWS_ACCESS_KEY_ID=AKIAZ3MSJV2WKNX7PLQE
USER root
RUN curl -sSL https://example.com/install.sh | sh
"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: api-{n}
spec:
  hostNetwork: true
  containers:
    - name: app
      image: nginx
      securityContext: {{privileged: true}}
      env:
        - name: TOKEN
          value: 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
"""
TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket{n}:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicReadWrite
  Group{n}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}}
"""
COMPOSE = """services:
  web:
    image: nginx:latest
    privileged: true
    ports: ["22:22"]
    environment:
      DB_PASSWORD: xoxb-263594206564-2343594206564-FGqddMF8t08v8N7Oq4i57vs1
"""
# The same secret twice in one file: the second finding's fingerprint gets a ":2" suffix,
# which depends on the order findings arrive in.
REPEATED_SECRET = """apiVersion: v1
kind: ConfigMap
metadata: {name: tokens}
# old token: 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
data:
  a: "1"
# old token: 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
"""


def _sarif(tmp_path: Path, target: Path, jobs: int) -> bytes:
    out = tmp_path / f"jobs{jobs}.sarif"
    result = CliRunner().invoke(
        cli, ["scan", str(target), "--jobs", str(jobs), "--output", str(out), "--quiet"]
    )
    assert result.exit_code in (0, 1), result.output
    return out.read_bytes()


def _generated_tree(root: Path, copies: int) -> None:
    for n in range(copies):
        write_file(root, f"svc{n:02}/Dockerfile", DOCKERFILE)
        write_file(root, f"svc{n:02}/k8s/pod.yaml", POD.format(n=n))
        write_file(root, f"svc{n:02}/template.yaml", TEMPLATE.format(n=n))
        write_file(root, f"svc{n:02}/compose.yaml", COMPOSE)
        write_file(root, f"svc{n:02}/config.yml", REPEATED_SECRET)
    write_file(root, "broken/pod.yaml", "apiVersion: v1\nkind: Pod\n  x: [\n")


def test_generated_tree_gives_identical_sarif_with_one_or_two_jobs(tmp_path):
    tree = tmp_path / "tree"
    _generated_tree(tree, copies=12)
    assert len(list(tree.rglob("*.*"))) + 12 > MIN_FILES_FOR_POOL
    one, two = _sarif(tmp_path, tree, 1), _sarif(tmp_path, tree, 2)
    assert b'"ruleId": "SEC001"' in one and b'"ruleId": "GL001"' in one
    assert b":2" in one  # the repeated-secret fingerprint suffix is present
    assert one == two


def test_outcomes_come_back_in_discovery_order(tmp_path):
    _generated_tree(tmp_path, copies=10)
    files = discover([str(tmp_path)], str(tmp_path)).files
    runner = RuleRunner(load_rulebook(), ScanOptions(paths=[str(tmp_path)]))
    work = functools.partial(scan_file, runner=runner)
    parallel = list(in_order(work, files, jobs=2))
    assert [o.rel_path for o in parallel] == [f.rel_path for f in files]
    assert [o.findings for o in parallel] == [o.findings for o in in_order(work, files, 1)]


def test_fixtures_give_identical_sarif_with_one_or_two_jobs(tmp_path):
    assert _sarif(tmp_path, FIXTURES, 1) == _sarif(tmp_path, FIXTURES, 2)


CPUS = 8  # the machine's, for the tests of the worker count
SMALL = MIN_BYTES_FOR_POOL // 1000


@pytest.fixture
def eight_cpus(monkeypatch):
    monkeypatch.setattr(parallel, "available_cpus", lambda: CPUS)


@pytest.mark.parametrize(
    ("requested", "files", "expected"),
    [
        (None, MIN_FILES_FOR_POOL - 1, 1),  # small trees stay in one process
        (0, MIN_FILES_FOR_POOL - 1, 1),
        (None, MIN_FILES_FOR_POOL, 2),
        (None, MIN_FILES_FOR_POOL * 5 // 2, 5),  # each process with half as many files
        (None, 1000, CPUS),
        (2, 5, 2),  # an explicit request is honoured, even on a small tree
        (8, 3, 3),  # but never more workers than files
        (1, 1000, 1),
    ],
)
def test_effective_jobs(eight_cpus, requested, files, expected):
    assert effective_jobs(requested, files) == expected


@pytest.mark.parametrize(
    ("requested", "sizes", "expected"),
    [
        (None, [SMALL] * 999, 1),  # many files, little work: one process
        (0, [SMALL] * 999, 1),
        (None, [SMALL] * 1000, 2),
        (None, [MIN_BYTES_FOR_POOL, *[0] * 999], 2),
        (None, [MIN_BYTES_FOR_POOL // 2] * 300, 8),
        (None, [MIN_BYTES_FOR_POOL // 2] * 3 + [0] * 297, 3),  # each with half as many bytes
        (None, [MIN_BYTES_FOR_POOL] * (MIN_FILES_FOR_POOL - 1), 1),  # few files, however large
        (2, [SMALL] * 5, 2),  # an explicit request is honoured
    ],
)
def test_effective_jobs_weighs_the_files(eight_cpus, requested, sizes, expected):
    assert effective_jobs(requested, len(sizes), iter(sizes)) == expected


def test_a_tree_too_small_for_a_process_per_cpu_gets_fewer(eight_cpus):
    """The corpus's manifests (333 files, 231 KB) on 8 CPUs: 2 processes, not 8, and their
    sizes are read only as far as needed."""
    assert effective_jobs(None, 333, iter([700] * 333)) == 2

    def sizes_of_a_large_tree():
        yield from [MIN_BYTES_FOR_POOL] * 4  # each process's share for 8 of them
        raise AssertionError("read past what the count needs")

    assert effective_jobs(None, 1000, sizes_of_a_large_tree()) == CPUS


def test_one_cpu_scans_in_one_process(monkeypatch):
    monkeypatch.setattr(parallel, "available_cpus", lambda: 1)
    assert effective_jobs(None, 1000, iter([MIN_BYTES_FOR_POOL] * 1000)) == 1


@pytest.mark.parametrize("cached", [False, True])
def test_many_small_files_are_scanned_without_a_pool(tmp_path, monkeypatch, cached):
    """Forty Dockerfiles of a few hundred bytes: a pool would cost more than it saves, with
    the result cache or without."""
    tree = tmp_path / "tree"
    for n in range(MIN_FILES_FOR_POOL + 5):
        write_file(tree, f"svc{n:02}/Dockerfile", DOCKERFILE)

    def no_pool() -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "_context", no_pool)
    cache_dir = str(tmp_path / "cache") if cached else None
    found = scan(ScanOptions(paths=[str(tree)], root=str(tree), cache_dir=cache_dir))
    assert sum(f.rule_id == "DKR001" for f in found.findings) == MIN_FILES_FOR_POOL + 5


def test_chunks_are_consecutive_and_cover_every_file_once():
    chunks = chunked(1001, 2)
    assert len(chunks) > 2
    assert [index for chunk in chunks for index in chunk] == list(range(1001))


def test_files_that_import_the_sam_translator_share_one_chunk_scheduled_first():
    chunks = chunked(1000, 2, together=[900, 5, 400])
    assert chunks[0] == [5, 400, 900]
    assert sorted(index for chunk in chunks for index in chunk) == list(range(1000))
    # More than one worker's share: they are spread like the other files.
    spread = chunked(100, 2, together=list(range(60)))
    assert len(spread[0]) < 60
    assert sorted(index for chunk in spread for index in chunk) == list(range(100))


def _with_pid(number: int) -> tuple[int, int]:
    return number, os.getpid()


def test_this_process_is_one_of_the_jobs_and_results_keep_their_order():
    """With --jobs 2 one worker is forked: this process works on chunks from the end while it
    waits, instead of a second worker that would pay its own warm-up."""
    results = list(in_order(_with_pid, list(range(200)), jobs=2))
    assert [number for number, _ in results] == list(range(200))
    pids = {pid for _, pid in results}
    assert os.getpid() in pids
    assert len(pids) == 2


class _ImmediatePool:
    """An executor that works on each chunk as it is submitted (the square of each number),
    and records the chunks' sizes."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def submit(self, function: object, numbers: list[int]) -> Future:
        self.sizes.append(len(numbers))
        future: Future = Future()
        future.set_result([number * number for number in numbers])
        return future

    def shutdown(self, wait: bool, cancel_futures: bool) -> None:
        assert wait and not cancel_futures, "shut down before its last result"


def test_the_pools_chunks_shrink_to_one_item_as_the_processes_meet():
    """With whole chunks to the end (up to 64 files), this process waited for the worker to
    finish the two it had queued: up to a tenth of a scan's wall time."""
    pool = _ImmediatePool()
    chunks = chunked(2000, 2)
    results = parallel._shared_with_pool(lambda: pool, None, range(2000), chunks, 1, {}, None)
    assert list(results) == [number * number for number in range(2000)]
    assert pool.sizes[0] == 64 and pool.sizes[-3:] == [1, 1, 1]
    assert pool.sizes == sorted(pool.sizes, reverse=True)


_LOADED: set[int] = set()  # what this process's work loaded (an import, a table): by item


def _loading(number: int) -> tuple[int, int, frozenset[int]]:
    _LOADED.add(number)
    return number, os.getpid(), frozenset(_LOADED)


def test_workers_inherit_what_this_process_loaded_working_on_its_first_items():
    """Forked workers start from this process as it was after a few items of its own: what
    those loaded (a library a rule imports, a table it reads) is not loaded again by each."""
    _LOADED.clear()
    results = list(in_order(_loading, list(range(300)), jobs=2))
    assert [number for number, _, _ in results] == list(range(300))
    first = next((number, loaded) for number, pid, loaded in results if pid != os.getpid())
    inherited = first[1] - {first[0]}  # what the worker had loaded before its first item
    assert len(inherited) == WARM_UP_ITEMS
    assert all(pid == os.getpid() for number, pid, _ in results if number in inherited)


def test_what_items_of_one_chunk_need_is_left_to_the_process_that_takes_it():
    """`before_fork` builds what items of several chunks need, once, before the workers fork;
    what only the items of one chunk need is built by whichever process takes that chunk, while
    the others work (the SAM translator for templates kept together took the parent 0.28 s)."""
    built: list[str] = []
    before_fork = {
        lambda: built.append("one chunk"): [0, 1],
        lambda: built.append("two chunks"): [0, 299],
    }
    results = list(in_order(_with_pid, list(range(300)), 2, before_fork=before_fork))
    assert [number for number, _ in results] == list(range(300))
    assert built == ["two chunks"]


def test_sam_templates_scan_the_same_in_one_chunk(tmp_path):
    """A SAM template among Dockerfiles: the same findings in the same order with --jobs 2."""
    sam = FIXTURES / "cloudformation" / "CFN028" / "bad-sam-semantics" / "template.yaml"
    for index in range(MIN_FILES_FOR_POOL):
        write_file(tmp_path, f"svc{index:02}/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "svc07/template.yaml", sam.read_text())
    runner = RuleRunner(load_rulebook(), ScanOptions())
    found = discover([str(tmp_path)], str(tmp_path))
    together = worker_plan(found.files, runner.rules, DEFAULT_MAX_BYTES).together
    assert [found.files[index].rel_path for index in together] == ["svc07/template.yaml"]
    work = functools.partial(scan_file, runner=runner)
    one = [(o.rel_path, [f.rule_id for f in o.findings]) for o in in_order(work, found.files, 1)]
    two = [
        (o.rel_path, [f.rule_id for f in o.findings])
        for o in in_order(work, found.files, 2, together)
    ]
    assert one == two
    assert ("svc07/template.yaml", ["CFN028", "CFN028"]) in [(p, r[:2]) for p, r in two]


def test_negative_jobs_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--jobs", "-1"])
    assert result.exit_code == 2


def test_garbage_is_collected_between_chunks_once_enough_accumulates(monkeypatch):
    import gc

    from guardlint import parallel
    from guardlint.parallel import workers

    enabled = gc.isenabled()
    with parallel.collections_between_chunks():
        assert not gc.isenabled()
        parallel.collect_garbage()  # far below the limit: nothing to do
        assert gc.get_freeze_count() == 0
        monkeypatch.setattr(workers, "GARBAGE_LIMIT", -1)
        parallel.collect_garbage()
        assert gc.get_freeze_count() > 0  # the survivors are never walked again
    assert gc.get_freeze_count() == 0 and gc.isenabled() == enabled


def test_what_a_scan_leaves_alive_is_not_walked_by_the_next_young_collection():
    """The findings a scan returns were made with the collector off: they go to the oldest
    generation, not to the young one, which the first allocation after would walk entirely."""
    import gc

    kept = list(in_order(lambda n: [[n]] * 3, range(50_000), 1))
    young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
    assert young < 1_000 and len(kept) == 50_000


@pytest.mark.parametrize(
    ("skipped", "expected"),
    [
        (set(), ["inline/template.yaml", "sam/template.yaml"]),
        ({"CFN030"}, ["sam/template.yaml"]),
        ({"CFN028", "CFN030"}, []),
    ],
)
def test_templates_that_run_bandit_or_the_sam_translator_are_kept_together(
    tmp_path, skipped, expected
):
    """bandit, like the SAM translator, is imported once per process that scans a Python
    function's code: such templates go to one worker, when the rule that runs it is on."""
    cfn030 = FIXTURES / "cloudformation" / "CFN030"
    sam = FIXTURES / "cloudformation" / "CFN028" / "bad-sam-semantics" / "template.yaml"
    write_file(
        tmp_path, "inline/template.yaml", (cfn030 / "bad-inline" / "template.yaml").read_text()
    )
    write_file(tmp_path, "node/template.yaml", (cfn030 / "good-node" / "template.yaml").read_text())
    write_file(tmp_path, "sam/template.yaml", sam.read_text())
    write_file(tmp_path, "bucket/template.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    runner = RuleRunner(load_rulebook(), ScanOptions(skip_rules=skipped))
    found = discover([str(tmp_path)], str(tmp_path))
    together = worker_plan(found.files, runner.rules, DEFAULT_MAX_BYTES).together
    assert sorted(found.files[index].rel_path for index in together) == expected
