"""Entries a pull request planted to have a warm scan look outside its tree, read without end,
or judge by another day: each is a miss, and the file is scanned again."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from guardlint.engine import cached
from guardlint.parse import lookups
from tests.cache.conftest import cached_scan
from tests.cache.test_store import tree_with_one_dockerfile
from tests.conftest import findings_of, write_file


def _add_dependencies(entry: Path, dependencies: list[list]) -> None:
    data = json.loads(entry.read_bytes())
    data["value"]["dependencies"].extend(dependencies)
    entry.write_text(json.dumps(data))


@pytest.mark.parametrize("look", ["kind", "real", "listing", "presence", "files"])
def test_a_dependency_looked_at_through_a_link_out_of_the_tree_is_a_miss(tmp_path, analysed, look):
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    outside = tmp_path / "outside"
    write_file(outside, "secret.txt", "AWS_SECRET=hunter2\n")
    (tree / "dirlink").symlink_to(outside)
    # What the look finds out there now: a planted entry that guessed right was reused.
    path = {"kind": "dirlink/secret.txt", "presence": "dirlink/secret.txt"}.get(look, "dirlink")
    how = (".txt",) if look == "files" else ()
    state = lookups.current_state(look, str(tree / path), how)
    _add_dependencies(entry, [[look, str(tree / path), list(how), state]])
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == ["Dockerfile"]


@pytest.mark.parametrize("endings", [[], [".yaml"] * 9, ["." + "y" * 16], [7]])
def test_a_listing_by_endings_it_never_makes_is_a_miss(tmp_path, analysed, endings):
    """A scan lists a directory's files by a few short endings: an entry naming none, many,
    long or no text ones would have a warm scan list by whatever it names."""
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    state = lookups.current_state("files", str(tree), tuple(map(str, endings)))
    _add_dependencies(entry, [["files", str(tree), endings, state]])
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == ["Dockerfile"]


@pytest.mark.parametrize("roots", [[], ["parent"], ["tree", "tree"]])
def test_a_helm_template_set_read_outside_the_root_or_without_one_is_a_miss(
    tmp_path, analysed, roots
):
    """A template set is read inside the scan root it names, which must be the scan's: one
    named above it would have a warm scan list and read the directories up there."""
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    how = [str({"parent": tmp_path, "tree": tree}[root]) for root in roots]
    pod = str(tree / "chart/templates/pod.yaml")
    state = lookups.current_state("helm-name", pod, tuple(how)) if len(how) == 1 else "defined"
    _add_dependencies(entry, [["helm-name", pod, how, state]])
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == ["Dockerfile"]


def test_a_read_without_the_root_it_was_confined_to_is_a_miss(tmp_path, analysed):
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    write_file(tmp_path, "outside/secret.txt", "AWS_SECRET=hunter2\n")
    (tree / "innocent").symlink_to(tmp_path / "outside" / "secret.txt")
    digest = "sha256:" + hashlib.sha256(b"AWS_SECRET=hunter2\n").hexdigest()
    _add_dependencies(entry, [["read", str(tree / "innocent"), [1000, None], digest]])
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == ["Dockerfile"]


def test_reading_dependencies_again_stops_at_the_budget(tmp_path, analysed, monkeypatch):
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    big = write_file(tree, "big.bin", "x" * 10_000)
    digest = "sha256:" + hashlib.sha256(big.read_bytes()).hexdigest()
    # One file under many size bounds: each a read of its own, all of them true.
    _add_dependencies(
        entry, [["read", str(big), [10_000 + n, str(tree)], digest] for n in range(50)]
    )
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == []  # within the budget, every read checks out
    monkeypatch.setattr(cached, "DEPENDENCY_READ_BUDGET", 100_000)
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == ["Dockerfile"]


def test_an_end_of_life_finding_is_judged_again_on_another_day(tmp_path, analysed, monkeypatch):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "Dockerfile", "FROM python:3.8-slim\nUSER app\n")
    monkeypatch.setattr(lookups, "_current_day", lambda: datetime.date(2022, 1, 1))
    assert not findings_of(cached_scan(tree, cache), "DKR019")
    monkeypatch.setattr(lookups, "_current_day", lambda: datetime.date(2025, 1, 1))
    analysed.clear()
    assert findings_of(cached_scan(tree, cache), "DKR019")
    assert analysed == ["Dockerfile"]
    analysed.clear()
    assert findings_of(cached_scan(tree, cache), "DKR019")
    assert analysed == []


def test_a_file_no_day_decides_is_reused_on_another_day(tmp_path, analysed, monkeypatch):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    monkeypatch.setattr(lookups, "_current_day", lambda: datetime.date(2022, 1, 1))
    cached_scan(tree, cache)
    monkeypatch.setattr(lookups, "_current_day", lambda: datetime.date(2025, 1, 1))
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == []


def test_directories_resolve_as_realpath_resolves_them(tmp_path):
    """A warm scan resolves each directory from its parent's real path: through links, `..`
    and names that are not there, as os.path.realpath does inside the root; a link out of
    the root, or a loop, leads nowhere it would look again."""
    tree, outside = tmp_path / "t", tmp_path / "outside"
    (tree / "a" / "b").mkdir(parents=True)
    outside.mkdir()
    (tree / "link").symlink_to(tree / "a")
    (tree / "a" / "up").symlink_to("..")
    (tree / "a" / "b" / "out").symlink_to(outside)
    (tree / "loop").symlink_to("loop")
    (tree / "chain").symlink_to("link/b")
    names = ["a/b", "link/b/out", "a/up/link/b", "chain/out/x", "loop/x", "a/../link", "a/./b",
             "missing/b", "a/b/out/../..", "a//b", "a/b/"]  # fmt: skip
    scan = SimpleNamespace(_real_paths={})
    roots = (str(tree), os.path.realpath(tree))
    out = {"link/b/out", "chain/out/x", "loop/x", "a/b/out/../.."}  # out of the root, or a loop
    for name in names * 2:  # the second time from what the first resolved
        path = f"{tree}/{name}"
        expected = "" if name in out else os.path.realpath(path)
        assert cached.CachedScan._real_path(scan, path, roots) == expected, name
