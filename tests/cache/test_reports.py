"""Reports are byte-identical without the cache, with a cold one and with a warm one, for any
--jobs; a warm re-scan analyses nothing, and after one file changes, only that file."""

from __future__ import annotations

import functools
import re
import shutil
import time
from collections.abc import Callable

import pytest

from guardlint.discover.shards import Shard
from guardlint.engine.scan import ScanResult
from guardlint.report import REPORTERS
from tests.cache.conftest import cached_scan, seen
from tests.conftest import FIXTURES, before_check_on, replace_check, report_text, write_file

# ASFF and GitLab SAST reports say when they were made (looked for in those alone: a second
# of each test went to looking through the others' megabytes).
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")
_DATED = frozenset({"asff", "gitlab-sast"})


def rendered(result) -> dict[str, str]:
    result.duration = 0.0  # every report that shows it says how long the scan took
    reports = {name: report_text(name, result) for name in REPORTERS}
    return {
        name: _TIMESTAMP.sub("<time>", text) if name in _DATED else text
        for name, text in reports.items()
    }


@pytest.fixture(scope="module")
def uncached() -> tuple[Callable[[], ScanResult], Callable[[], dict[str, str]]]:
    """The fixtures scanned without a cache, and its reports: each made once for the tests
    that compare with them (in the first one's body, under its fixtures)."""
    result = functools.cache(lambda: cached_scan(FIXTURES, None))
    return result, functools.cache(lambda: rendered(result()))


@pytest.mark.parametrize("jobs", [1, 2])
def test_reports_without_cache_cold_and_warm_are_identical(tmp_path, uncached, jobs):
    without = uncached[1]()
    cold = cached_scan(FIXTURES, tmp_path / "cache", jobs=jobs)
    warm = cached_scan(FIXTURES, tmp_path / "cache", jobs=jobs)
    assert (cold.reused_files, warm.reused_files) == (0, len(warm.file_kinds))
    assert rendered(cold) == without
    assert rendered(warm) == without


def test_shards_share_a_cache_with_the_whole_scan(tmp_path, uncached):
    """Each shard stores its slice; a whole scan then reuses every file, and a shard after a
    whole scan reuses its slice, with the findings of scans without a cache."""
    cache = tmp_path / "cache"
    shards = [cached_scan(FIXTURES, cache, shard=Shard(k, 2)) for k in (1, 2)]
    assert [s.reused_files for s in shards] == [0, 0]
    whole = cached_scan(FIXTURES, cache)
    assert whole.reused_files == len(whole.file_kinds) == sum(len(s.file_kinds) for s in shards)
    assert seen(whole) == seen(uncached[0]())
    again = cached_scan(FIXTURES, cache, shard=Shard(2, 2))
    assert again.reused_files == len(shards[1].file_kinds)
    assert seen(again) == seen(cached_scan(FIXTURES, None, shard=Shard(2, 2)))


def test_a_warm_rescan_analyses_nothing_and_a_touched_file_alone_again(tmp_path, analysed):
    tree, cache = tmp_path / "fixtures", tmp_path / "cache"
    shutil.copytree(FIXTURES, tree, symlinks=True)
    cached_scan(tree, cache)
    assert len(analysed) > 400
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == []
    dockerfile = next(tree.glob("dockerfile/*/bad*/Dockerfile"))
    dockerfile.write_text(dockerfile.read_text() + "# touched\n")
    cached_scan(tree, cache)
    assert analysed == [dockerfile.relative_to(tree).as_posix()]


def _crash() -> None:
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("effect", "options"),
    [(_crash, {}), (lambda: time.sleep(0.5), {"file_timeout": 0.1})],
    ids=["crash", "timeout"],
)
def test_a_crashed_or_timed_out_file_is_not_stored(
    tmp_path, analysed, monkeypatch, effect, options
):
    write_file(tmp_path / "t", "Dockerfile", "FROM alpine:3.22\nUSER app\n")
    write_file(tmp_path / "t", "other/Dockerfile", "FROM alpine:3.22\nUSER app\n")
    replace_check(monkeypatch, "DKR002", before_check_on("Dockerfile", effect))
    for _ in range(2):
        analysed.clear()
        result = cached_scan(tmp_path / "t", tmp_path / "cache", **options)
        assert {"GL001", "GL002"} & {f.rule_id for f in result.findings}
    assert analysed == ["Dockerfile"]  # other/Dockerfile's outcome was its own: reused
