"""`guardlint scan`'s cache options: off unless asked (a scan writes nothing but its reports),
--cache-dir or GUARDLINT_CACHE_DIR, --cache for the user's cache directory, --no-cache over
all of them; a cache it cannot use is a note, not a failed scan."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_file

DOCKERFILE = "FROM alpine:3.22\nCOPY . /app\n"


def guardlint(tmp_path: Path, *args: str, **environment: str) -> subprocess.CompletedProcess:
    """guardlint in a fresh interpreter, in `tmp_path`, with a home and cache of its own."""
    env = {key: value for key, value in os.environ.items() if key != "GUARDLINT_CACHE_DIR"}
    env |= {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    return subprocess.run(
        [sys.executable, "-m", "guardlint", "scan", *args],
        cwd=tmp_path, env=env | environment, capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture
def tree(tmp_path) -> Path:
    write_file(tmp_path / "tree", "Dockerfile", DOCKERFILE)
    return tmp_path / "tree"


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_without_cache_options_a_scan_writes_nothing_but_its_report(tmp_path, tree):
    scanned = guardlint(tmp_path, "tree", "-o", "report.json")
    assert scanned.returncode == 1, scanned.stderr
    assert "result cache" not in scanned.stderr
    assert files_under(tmp_path) == [tmp_path / "report.json", tree / "Dockerfile"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_cache_dir_from_the_option_or_the_environment(tmp_path, tree, how):
    args, environment = ["tree", "-o", "report.json"], {}
    if how == "option":
        args += ["--cache-dir", "cache"]
    else:
        environment["GUARDLINT_CACHE_DIR"] = str(tmp_path / "cache")
    notes = [guardlint(tmp_path, *args, **environment).stderr for _ in range(2)]
    assert "0 of 1 file(s) unchanged" in notes[0] and "1 of 1 file(s) unchanged" in notes[1]
    assert len(files_under(tmp_path / "cache")) == 1


def test_no_cache_wins_over_every_way_of_asking(tmp_path, tree):
    scanned = guardlint(
        tmp_path, "tree", "-o", "report.json", "--cache", "--cache-dir", "cache", "--no-cache",
        GUARDLINT_CACHE_DIR=str(tmp_path / "env-cache"),
    )  # fmt: skip
    assert "result cache" not in scanned.stderr
    assert not (tmp_path / "cache").exists() and not (tmp_path / "env-cache").exists()


def test_cache_alone_uses_the_users_cache_directory(tmp_path, tree):
    scanned = guardlint(tmp_path, "tree", "-o", "report.json", "--cache")
    assert "0 of 1 file(s)" in scanned.stderr
    assert len(files_under(tmp_path / "xdg" / "guardlint")) == 1


def test_a_file_for_a_cache_directory_is_a_usage_error(tmp_path, tree):
    (tmp_path / "taken").write_text("a file\n")
    scanned = guardlint(tmp_path, "tree", "--cache-dir", "taken")
    assert scanned.returncode == 2 and "--cache-dir" in scanned.stderr


def test_a_cache_directory_that_cannot_be_made_is_a_note(tmp_path, tree):
    (tmp_path / "taken").write_text("a file\n")
    scanned = guardlint(tmp_path, "tree", "-o", "report.json", "--cache-dir", "taken/cache")
    assert scanned.returncode == 1  # the scan's own exit code: findings
    assert "guardlint: result cache off: cannot use" in scanned.stderr
    assert json.loads((tmp_path / "report.json").read_text())["findings"]


def test_a_cache_directory_inside_the_scanned_tree_is_never_scanned(tmp_path, tree):
    reports = []
    for run in range(3):
        guardlint(tmp_path, "tree", "-f", "json", "-o", f"{run}.json", "--cache-dir", "tree/.c")
        reports.append(json.loads((tmp_path / f"{run}.json").read_text()))
    summaries = [report["summary"] for report in reports]
    assert summaries[0]["files"] == summaries[2]["files"]
    assert summaries[2]["skip_reasons"] == {"directories": {"excluded": 1}, "files": {}}
    assert reports[0]["findings"] == reports[2]["findings"]


def test_a_cache_directory_named_through_a_link_into_the_tree_is_never_scanned(tmp_path, tree):
    (tmp_path / "link").symlink_to("tree")
    reports = []
    for run in range(2):
        guardlint(tmp_path, "tree", "-f", "json", "-o", f"{run}.json", "--cache-dir", "link/.c")
        reports.append(json.loads((tmp_path / f"{run}.json").read_text()))
    assert (tmp_path / "tree" / ".c").is_dir()
    assert reports[1]["summary"]["files"] == reports[0]["summary"]["files"]
    assert reports[1]["summary"]["skip_reasons"]["directories"] == {"excluded": 1}


def test_a_cache_directory_holding_the_tree_is_refused(tmp_path, tree):
    scanned = guardlint(tmp_path, "tree", "-o", "report.json", "--cache-dir", ".")
    assert "result cache off" in scanned.stderr and "holds the scanned tree" in scanned.stderr
    assert not (tmp_path / "v1").exists()


def test_a_bad_cache_size_is_a_usage_error(tmp_path, tree):
    scanned = guardlint(tmp_path, "tree", "--cache-dir", "c", "--cache-max-size", "lots")
    assert scanned.returncode == 2 and "--cache-max-size" in scanned.stderr


def test_standard_input_is_scanned_with_a_cache_on(tmp_path):
    scanned = subprocess.run(
        [sys.executable, "-m", "guardlint", "scan", "-", "--stdin-filename", "Dockerfile",
         "--cache-dir", str(tmp_path / "c"), "-f", "json"],
        input=DOCKERFILE, capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert "DKR026" in scanned.stdout
    assert files_under(tmp_path / "c" / "v1") == []
