"""File system shapes: trees deeper than the recursion limit, links in every directory, names
with spaces, URI or control characters, a file under two names, virtual environments, and the
count of everything skipped."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import guardlint.discover
from guardlint.discover.excludes import MAX_PATTERNS, Excludes
from guardlint.report import reporter
from tests.conftest import processor_seconds, run_scan, write_file
from tests.hostile.conftest import CONTROL, CONTROL_NAME, add_control, assert_control_scanned


def test_a_tree_deeper_than_the_recursion_limit(tmp_path):
    deep = tmp_path
    for _ in range(700):  # two generator frames a level used to pass the recursion limit
        deep = deep / "d"
        deep.mkdir()
    write_file(deep, CONTROL_NAME, CONTROL)
    result = run_scan(tmp_path)
    assert {f.path for f in result.findings} == {"d/" * 700 + CONTROL_NAME}
    assert result.files["scanned"] == 1


def _deep_tree(top: Path, depth: int, links: bool = False) -> list[Path]:
    """`top` and `depth` nested directories, each holding a file that is not IaC (and with
    `links`, a link to it and a link back up the tree), with a Dockerfile at the bottom; the
    directories, top first."""
    top.mkdir()
    directories = [top]
    for _ in range(depth):
        top = top / "d"
        top.mkdir()
        (top / "notes.txt").write_text("")
        if links:
            (top / "notes.yaml").symlink_to("notes.txt")
            (top / "up").symlink_to("..")
        directories.append(top)
    write_file(top, "Dockerfile", "FROM alpine:3.20\n")
    return directories


def _remove_deep_tree(directories: list[Path]) -> None:
    """Bottom up: shutil.rmtree (and pytest's clean-up) recurse once per level."""
    for directory in reversed(directories):
        for entry in directory.iterdir():
            if not entry.is_dir() or entry.is_symlink():
                entry.unlink()
        directory.rmdir()


def _discovery_seconds(top: Path, depth: int) -> float:
    """The best of three discoveries of a `depth`-level tree (it finds the one Dockerfile), in
    CPU seconds: other processes on a busy machine slow the wall clock, not this."""
    directories = _deep_tree(top, depth)
    try:
        timings = []
        for _ in range(3):
            started = time.process_time()
            found = guardlint.discover.discover([str(top)], str(top))
            timings.append(time.process_time() - started)
            assert [f.rel_path for f in found.files] == ["d/" * depth + "Dockerfile"]
            assert found.skipped_files == {"not-iac-name": depth}
        return min(timings)
    finally:
        _remove_deep_tree(directories)


def test_a_deep_tree_is_discovered_in_time_linear_in_its_depth(tmp_path):
    # Each entry used to resolve its real path and its path relative to the root, component
    # by component: 1,000 levels took 7 to 16 s, and four times the depth 64 times as long.
    # Now only the kernel's look-up of each directory's path grows with its depth; PATH_MAX
    # (4,096 bytes: at most about 2,000 levels) bounds it. 1,600 levels keep every path in
    # this tree under PATH_MAX with room for a long temporary directory.
    assert _discovery_seconds(tmp_path / "a", 1000) < 3
    shallow = _discovery_seconds(tmp_path / "b", 400)
    deep = _discovery_seconds(tmp_path / "c", 1600)
    assert deep < 20 * max(shallow, 0.005), (shallow, deep)


def test_links_in_every_directory_of_a_deep_tree_cost_no_more_than_files(tmp_path):
    # os.path.realpath looks up every component of a link's path: a link a level in 1,000
    # levels took 6 s. A link is now resolved in one look-up.
    directories = _deep_tree(tmp_path / "t", 1000, links=True)
    try:
        started = time.process_time()
        found = guardlint.discover.discover([str(tmp_path / "t")], str(tmp_path / "t"))
        assert time.process_time() - started < 3
    finally:
        _remove_deep_tree(directories)
    assert len(found.files) == 1001  # the Dockerfile, and each notes.txt under its IaC name
    assert found.skipped_files == {"not-iac-name": 1000}
    assert found.skipped_dirs == {"link-loop": 1000}


def test_paths_with_spaces_and_uri_characters_are_valid_sarif_uris(tmp_path):
    write_file(tmp_path, "my app #2/50%/Dockerfile", "FROM alpine:3.20\nUSER root\n")
    result = run_scan(tmp_path)
    assert {f.path for f in result.findings} == {"my app #2/50%/Dockerfile"}
    log = json.loads(reporter("sarif")(result))
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for outcome in log["runs"][0]["results"]
        for location in outcome["locations"]
    }
    assert uris == {"my%20app%20%232/50%25/Dockerfile"}


def test_control_characters_in_file_names_never_reach_the_terminal(tmp_path):
    write_file(tmp_path, "evil\x1b[2J\x07/Dockerfile", "FROM alpine:3.20\nUSER root\n")
    result = run_scan(tmp_path)
    assert {f.path for f in result.findings} == {"evil\\x1b[2J\\x07/Dockerfile"}
    assert "\x1b" not in reporter("text")(result)
    # Discovery names the file so already: the progress line prints that name.
    found = guardlint.discover.discover([str(tmp_path)], str(tmp_path))
    assert [f.rel_path for f in found.files] == ["evil\\x1b[2J\\x07/Dockerfile"]


def test_a_file_linked_under_another_name_is_scanned_once_under_its_own(tmp_path):
    add_control(tmp_path)
    (tmp_path / "a-link.yaml").symlink_to(tmp_path / CONTROL_NAME)  # sorts first
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "linked.yaml").symlink_to(tmp_path / CONTROL_NAME)
    result = run_scan(tmp_path, tmp_path / "sub", tmp_path)  # overlapping arguments too
    assert {f.path for f in result.findings} == {CONTROL_NAME}
    assert dict(result.files) == {"scanned": 1, "skipped": 2}
    assert_control_scanned(result)


def test_a_directory_is_skipped_as_a_virtual_environment_only_when_it_looks_like_one(tmp_path):
    dockerfile = "FROM alpine:3.20\nUSER root\n"
    write_file(tmp_path, "app/pyvenv.cfg", "")  # an empty pyvenv.cfg used to hide app/
    write_file(tmp_path, "app/Dockerfile", dockerfile)
    write_file(tmp_path, "venv/Dockerfile", dockerfile)  # so did the name venv
    write_file(tmp_path, "env/pyvenv.cfg", "home = /usr/bin\nversion = 3.12.3\n")
    write_file(tmp_path, "env/lib/Dockerfile", dockerfile)
    write_file(tmp_path, "win-env/pyvenv.cfg", "")
    write_file(tmp_path, "win-env/Scripts/python.exe", "")
    write_file(tmp_path, "win-env/Dockerfile", dockerfile)
    result = run_scan(tmp_path)
    assert {f.path for f in result.findings} == {"app/Dockerfile", "venv/Dockerfile"}
    assert result.skipped_dirs == {"virtual-environment": 2}


def test_every_skipped_file_and_directory_is_counted_with_its_reason(tmp_path):
    add_control(tmp_path)
    write_file(tmp_path, "README.md", "# not IaC\n")
    write_file(tmp_path, "values.yaml", "replicaCount: 1\n")
    write_file(tmp_path, ".git/config", "[core]\n")
    write_file(tmp_path, "node_modules/pkg/compose.yaml", "services: {a: {image: x}}\n")
    write_file(tmp_path, "env/pyvenv.cfg", "home = /usr/bin\n")
    write_file(tmp_path, "chart/Chart.yaml", "apiVersion: v2\nname: web\n")
    write_file(tmp_path, "chart/templates/deploy.yaml", "kind: {{ .Values.kind }}\n")
    write_file(tmp_path, "chart/templates/tests/test.yaml", "apiVersion: {{ .x }}\n")
    write_file(tmp_path, "chart/templates/_helpers.tpl", '{{- define "web.name" }}web{{ end }}\n')
    write_file(tmp_path, "chart/templates/NOTES.txt", "Installed {{ .Release.Name }}\n")
    # Helm renders a file without an action as it is: judged, not counted as skipped.
    write_file(tmp_path, "chart/templates/role.yaml", "# {{ .Release.Name }}\n" + CONTROL)
    write_file(tmp_path, "examples/Dockerfile", "FROM alpine\n")
    write_file(tmp_path, "old.Dockerfile", "FROM alpine\n")
    (tmp_path / "outside").symlink_to("/etc")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone")
    (tmp_path / "alias.yaml").symlink_to(tmp_path / CONTROL_NAME)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yaml")
    result = run_scan(tmp_path, excludes=["examples", "old.*"])
    files = {
        "broken-link": 1,
        "duplicate": 1,
        "excluded": 1,
        "helm-template": 4,  # values-dependent templates, _helpers.tpl, NOTES.txt
        # `outside` (to /etc): what a link out of the root leads to is never looked at
        "link-outside-root": 1,
        "not-iac-content": 2,  # values.yaml and Chart.yaml
        "not-iac-name": 1,
        **({"special-file": 1} if hasattr(os, "mkfifo") else {}),
    }
    directories = {
        "dependencies": 1,
        "excluded": 1,
        "link-loop": 1,
        "version-control": 1,
        "virtual-environment": 1,
    }
    assert result.skipped_files == files and result.skipped_dirs == directories
    assert result.files["skipped"] == sum(files.values())
    summary = json.loads(reporter("json")(result))["summary"]
    assert summary["skip_reasons"] == {"files": files, "directories": directories}
    text = reporter("text")(result)
    assert "\n  skipped:     1 broken link or link loop, 1 same file as another (a link), " in text
    assert "; directories: 1 dependencies, 1 excluded, 1 reached again through a link, " in text
    assert {f.path for f in result.findings} == {CONTROL_NAME, "chart/templates/role.yaml"}


@pytest.mark.parametrize(
    ("pattern", "excluded", "kept"),
    [
        ("vendor", ["vendor", "vendor/a/b.yaml", "x/vendor"], ["vendors/a.yaml", "x/vendors"]),
        ("vendor/", ["vendor/a.yaml"], ["vendor.yaml"]),
        ("*.yml", ["a.yml", "d/a.yml"], ["a.yaml"]),
        ("deploy/*/old", ["deploy/x/old", "deploy/x/old/a.yaml"], ["deploy/old"]),
        ("[ab]", ["[ab]/c.yaml", "a", "b/c.yaml"], ["c"]),
    ],
)
def test_exclude_patterns_match_paths_names_and_directories(pattern, excluded, kept):
    matcher = Excludes([pattern, "unrelated/**"])
    assert [path for path in excluded + kept if matcher(path)] == excluded


def test_a_thousand_exclude_patterns_cost_time_linear_in_the_tree(tmp_path):
    """90,000 patterns took discovery hours (fnmatch per path per pattern, past its cache);
    a config may list 1,000, matched as one expression."""
    for directory in range(100):
        for name in range(40):
            write_file(tmp_path / f"d{directory}", f"f{name}.yaml", "a: 1\n")
    patterns = [f"z{n:05}" for n in range(MAX_PATTERNS - 1)] + ["**/f7.yaml"]
    started = processor_seconds()
    discovery = guardlint.discover.discover([str(tmp_path)], str(tmp_path), patterns)
    assert processor_seconds() - started < 3
    assert discovery.skipped_files["excluded"] == 100 and len(discovery.files) == 3_900
