"""File system faults: unreadable files and directories, broken links, link loops, files that
vanish, special files, bad path arguments, undecodable names."""

from __future__ import annotations

import faulthandler
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import guardlint.discover
import guardlint.engine.scan
from guardlint.cli import cli
from guardlint.parse import lookups
from guardlint.parse.inputs import InputError, read_input
from guardlint.report import REPORTERS
from tests.conftest import findings_of, report_text, run_scan, write_file
from tests.hostile.conftest import (
    CONTROL,
    CONTROL_NAME,
    add_control,
    assert_control_scanned,
    parse_error,
    run_cli,
)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def hang_guard():
    """A test that would hang (opening a FIFO) dies with a traceback after 60 s instead."""
    faulthandler.dump_traceback_later(60, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def test_unreadable_file_is_a_parse_error(tmp_path, monkeypatch):
    # Root reads anything, so the refusal is simulated at the one call that reads files;
    # test_permissions_for_real below checks the same outcome with real permissions.
    secret = write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    add_control(tmp_path)
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        # The file is opened by its full path or by its name relative to its directory's
        # descriptor (guardlint.parse.inputs): refuse either.
        if os.fspath(path) in (str(secret), secret.name):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = run_scan(tmp_path)
    error = parse_error(result, "compose.yaml")
    assert error.message == "Could not parse compose.yaml: permission denied; it was not scanned."
    assert_control_scanned(result)


def test_unreadable_directory_is_a_parse_error(tmp_path, monkeypatch):
    write_file(tmp_path, "private/Dockerfile", "FROM alpine\n")
    add_control(tmp_path)
    real_scandir = os.scandir

    def refuse(path="."):
        if os.fspath(path) == str(tmp_path / "private"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(guardlint.discover.os, "scandir", refuse)
    result = run_scan(tmp_path)
    error = parse_error(result, "private")
    assert error.message == "Could not read private: permission denied; it was not scanned."
    assert result.files["unparsable"] == 1
    assert_control_scanned(result)


def _permission_tree(top: Path) -> None:
    add_control(top)
    write_file(top, "compose.yaml", "services:\n  web:\n    image: nginx\n").chmod(0o000)
    write_file(top, "locked/Dockerfile", "FROM alpine\n")
    (top / "locked").chmod(0o000)


# Root ignores permission bits through two capabilities; without them it obeys them like
# anyone else. setpriv (util-linux) drops them for the process it starts.
DROP_DAC = ["-dac_override,-dac_read_search"]
SETPRIV = shutil.which("setpriv")


def test_permissions_for_real(tmp_path):
    """Real permission bits: as a normal user directly; as root through a guardlint process
    that has given up the capabilities that let root read anything."""
    _permission_tree(tmp_path)
    try:
        prefix: list[str] = []
        if IS_ROOT:
            if SETPRIV is None:
                pytest.skip("running as root without setpriv: permission bits do not apply")
            prefix = [SETPRIV, "--inh-caps", *DROP_DAC, "--bounding-set", *DROP_DAC]
        completed = run_cli("scan", ".", "-f", "json", "--jobs", "1", cwd=tmp_path, prefix=prefix)
        report = json.loads(completed.stdout)
        errors = {f["path"]: f["message"] for f in report["findings"] if f["rule_id"] == "GL001"}
        assert errors == {
            "compose.yaml": "Could not parse compose.yaml: permission denied; it was not scanned.",
            "locked": "Could not read locked: permission denied; it was not scanned.",
        }
        assert report["summary"]["files"] == {"scanned": 1, "skipped": 0, "unparsable": 2}
        assert completed.returncode == 1
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_links_that_lead_nowhere_are_skipped(tmp_path):
    add_control(tmp_path)
    (tmp_path / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    (tmp_path / "loop-a.yaml").symlink_to(tmp_path / "loop-b.yaml")
    (tmp_path / "loop-b.yaml").symlink_to(tmp_path / "loop-a.yaml")
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "loop-a.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a directory loop
    (tmp_path / "outside.yaml").symlink_to("/etc/hostname")  # out of the scan root
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert dict(result.files) == {"scanned": 1, "skipped": 5}
    assert_control_scanned(result)


CHECKOUT_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
CHECKOUT_CONFIG = f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: {CHECKOUT_TOKEN}\n'


def test_links_into_version_control_are_links_out_of_the_root(tmp_path):
    """actions/checkout writes the job's token into .git/config: a file or directory the
    repository links there is never read, and counts as a link out of the scan root."""
    add_control(tmp_path)
    write_file(tmp_path, ".git/config", CHECKOUT_CONFIG)
    write_file(tmp_path, ".hg/hgrc", CHECKOUT_CONFIG)
    (tmp_path / "Dockerfile.ci").symlink_to(".git/config")
    (tmp_path / "compose.yaml").symlink_to(".hg/hgrc")
    (tmp_path / "g").symlink_to(".git")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "Dockerfile").symlink_to("../g/config")
    result = run_scan(tmp_path)
    assert result.skipped_files == {"link-outside-root": 3}
    assert result.skipped_dirs == {"link-outside-root": 1, "version-control": 2}
    assert_control_scanned(result)
    completed = run_cli("scan", "-f", "json", ".", "Dockerfile.ci", cwd=tmp_path)
    assert CHECKOUT_TOKEN[:12] not in completed.stdout
    assert json.loads(completed.stdout)["summary"]["files"]["scanned"] == 1


def test_files_named_in_version_control_are_still_scanned(tmp_path):
    """Only a link decides for the repository; a file the user names is the user's, as is
    standard input."""
    write_file(tmp_path, ".git/Dockerfile", "FROM alpine\n")
    (tmp_path / "inside").symlink_to(".git/Dockerfile")
    assert dict(run_scan(tmp_path / ".git" / "Dockerfile").files)["scanned"] == 1
    assert "DKR002" in CliRunner().invoke(cli, ["scan", "-"], input="FROM alpine\n").output


def test_file_vanishing_after_discovery_is_a_parse_error(tmp_path, monkeypatch):
    add_control(tmp_path)
    doomed = write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    real_discover = guardlint.engine.scan.discover

    def discover_then_delete(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        doomed.unlink()
        return found

    monkeypatch.setattr(guardlint.engine.scan, "discover", discover_then_delete)
    result = run_scan(tmp_path)
    error = parse_error(result, "compose.yaml")
    assert error.properties["reason"] == "file vanished during the scan"
    assert_control_scanned(result)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_in_the_tree_are_never_opened(tmp_path):
    add_control(tmp_path)
    os.mkfifo(tmp_path / "Dockerfile")
    os.mkfifo(tmp_path / "pipe.yaml")
    completed = run_cli("scan", ".", "-f", "json", cwd=tmp_path, timeout=60)
    report = json.loads(completed.stdout)
    assert report["summary"]["files"] == {"scanned": 1, "skipped": 2, "unparsable": 0}
    assert not [f for f in report["findings"] if f["rule_id"] in ("GL001", "GL002")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_file_replaced_by_a_fifo_after_discovery_is_not_waited_for(
    tmp_path, monkeypatch, hang_guard
):
    add_control(tmp_path)
    target = write_file(tmp_path, "compose.yaml", "services: {}\n")
    real_discover = guardlint.engine.scan.discover

    def discover_then_swap(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        target.unlink()
        os.mkfifo(target)
        return found

    monkeypatch.setattr(guardlint.engine.scan, "discover", discover_then_swap)
    result = run_scan(tmp_path)
    error = parse_error(result, "compose.yaml")
    assert error.properties["reason"] == (
        "not a regular file (a FIFO, socket, device or directory); never read"
    )
    assert_control_scanned(result)


@pytest.mark.skipif(not IS_ROOT, reason="creating a device node needs root")
def test_device_nodes_are_never_opened(tmp_path, hang_guard):
    add_control(tmp_path)
    os.mknod(tmp_path / "Dockerfile", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # /dev/zero
    result = run_scan(tmp_path)
    assert dict(result.files) == {"scanned": 1, "skipped": 1}
    assert_control_scanned(result)


def test_missing_path_argument_is_a_usage_error(tmp_path):
    add_control(tmp_path)
    completed = run_cli("scan", CONTROL_NAME, "no-such-dir", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "Error: Invalid value for PATHS: path 'no-such-dir' does not exist" in completed.stderr


def test_file_names_that_are_not_utf8_are_reported_in_every_format(tmp_path):
    odd = os.fsdecode(b"odd-\xff")
    (tmp_path / odd).mkdir()
    (tmp_path / odd / CONTROL_NAME).write_text(CONTROL)
    result = run_scan(tmp_path)
    paths = {f.path for f in result.findings}
    assert paths == {f"odd-\ufffd/{CONTROL_NAME}"}
    for name in REPORTERS:
        report_text(name, result).encode("utf-8")  # would raise on a lone surrogate


def test_every_file_is_scanned_skipped_or_unparsable(tmp_path):
    add_control(tmp_path)
    write_file(tmp_path, "README.md", "# not IaC\n")
    write_file(tmp_path, "data.yaml", "just: data\n")  # sniffed out
    write_file(tmp_path, "broken/compose.yaml", "services: [\n")
    write_file(tmp_path, "chart/Chart.yaml", "apiVersion: v2\nname: web\n")
    write_file(tmp_path, "chart/templates/deploy.yaml", "kind: {{ .Values.kind }}\n")
    write_file(tmp_path, "chart/templates/tests/test.yaml", "apiVersion: {{ .x }}\n")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.yaml")
    on_disk = sum(len(files) for _, _, files in os.walk(tmp_path))
    result = run_scan(tmp_path)
    assert sum(result.files.values()) == on_disk
    assert result.files["unparsable"] == 1 and result.files["scanned"] == 1


# The shared corpus sits beside the checkout (as in CI); GUARDLINT_CORPUS points elsewhere.
_SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CORPUS = os.environ.get("GUARDLINT_CORPUS") or (
    str(_SHARED_CORPUS) if _SHARED_CORPUS.is_dir() else None
)


@pytest.mark.skipif(not CORPUS, reason="no corpus beside the checkout; set GUARDLINT_CORPUS")
def test_real_world_corpus_is_fully_accounted_for(tmp_path):
    completed = run_cli("scan", CORPUS, "-f", "json", cwd=tmp_path, timeout=900)
    assert completed.returncode in (0, 1)
    report = json.loads(completed.stdout)
    on_disk = sum(len(files) for _, _, files in os.walk(CORPUS))
    assert sum(report["summary"]["files"].values()) == on_disk
    crashes = [(f["path"], f["message"]) for f in report["findings"] if f["rule_id"] == "GL002"]
    assert crashes == []


def test_a_name_with_a_nul_byte_is_not_there_to_every_look(tmp_path):
    """A template may write one (`CodeUri: "src/\\0app"`); each os call would raise ValueError."""
    name = str(tmp_path / "src\0app")
    assert lookups.path_kind(name) == lookups.ABSENT
    assert lookups.entry_info(name) is None
    assert list(lookups.walk(name)) == []
    assert lookups.files_named(name, (".yaml",)) is None
    assert lookups.real_path(name, str(tmp_path)) == name
    with pytest.raises(InputError) as refused:
        read_input(name, 1_000, str(tmp_path))
    assert refused.value.missing
    # A cached result's check looks again the same way (guardlint.engine.cached).
    looks = lookups.OBSERVED - {lookups.DAY}  # the day names no path
    how = {"read": (1_000, str(tmp_path)), "files": (".yaml",), "real": (str(tmp_path),)}
    how["helm-name"] = (str(tmp_path),)
    states = {what: lookups.current_state(what, name, how.get(what, ())) for what in looks}
    assert states == {"kind": "absent", "presence": "absent", "listing": "unknown",
                      "files": "unknown", "read": "absent", "real": name,
                      "helm-name": "defined"}  # fmt: skip
