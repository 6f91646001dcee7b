"""Issue 11, class 6: nothing outside the scan is read, and nothing blocks. Config, baseline,
rule packs, pyproject.toml, .dockerignore and the scanned files themselves: a FIFO is never
waited for, a device never read, and a file of the repository never leads out of it (not even
when it is swapped for a link after discovery)."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest

import guardlint.engine.scan
from guardlint.discover import discover
from guardlint.parse.inputs import (
    KEPT_DIRECTORIES,
    LEADS_INTO_VERSION_CONTROL,
    LEADS_OUTSIDE,
    NOT_REGULAR,
    InputError,
    input_status,
    read_input,
    status_signature,
)
from guardlint.parse.recorder import snapshot
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import (
    CONTROL,
    add_control,
    assert_control_scanned,
    parse_error,
    run_cli,
)

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
# A YAML map whose keys must never reach guardlint's output when it lies outside the scan.
OUTSIDE_KEYS = "private_key_of_the_ci_runner: 1\nanother_secret_name: 2\n"
# Reading /dev/zero whole would take all the memory the machine has: cap it, so that a
# regression fails the test instead of the machine.
MEMORY_CAP = [PRLIMIT, f"--as={4 * 1024**3}"] if (PRLIMIT := shutil.which("prlimit")) else []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository to scan (the working directory of the CLI) beside a directory outside it."""
    (tmp_path / "outside").mkdir()
    add_control(tmp_path / "repo")
    return tmp_path / "repo"


def refused(completed, reason: str) -> None:
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert reason in completed.stderr


@needs_fifo
@pytest.mark.parametrize(
    ("fifo", "args"),
    [
        (".guardlint.yaml", ()),
        ("pyproject.toml", ()),
        ("settings.yaml", ("--config", "settings.yaml")),
        ("accepted.json", ("--baseline", "accepted.json")),
        ("policies/org.yaml", ("--rules", "policies")),
    ],
)
def test_a_fifo_input_is_refused_without_waiting(repo, fifo, args):
    (repo / fifo).parent.mkdir(exist_ok=True)
    os.mkfifo(repo / fifo)
    completed = run_cli("scan", ".", *args, cwd=repo, timeout=30)
    refused(completed, NOT_REGULAR)
    assert fifo.split("/")[-1] in completed.stderr


@needs_fifo
def test_a_fifo_dockerignore_is_not_waited_for(repo):
    write_file(repo, "Dockerfile", "FROM python:3.12-slim\nCOPY . /app\nUSER app\n")
    os.mkfifo(repo / ".dockerignore")
    completed = run_cli("scan", ".", "-f", "json", cwd=repo, timeout=30)
    assert completed.returncode == 1  # the control file's secret
    assert '"scanned": 2' in completed.stdout


def test_dev_zero_as_config_is_refused_at_once(repo):
    (repo / ".guardlint.yaml").symlink_to("/dev/zero")
    started = time.monotonic()
    refused(run_cli("scan", ".", cwd=repo, timeout=30, prefix=MEMORY_CAP), LEADS_OUTSIDE)
    # Named by the user outside the scan, it is opened as named, and still never read.
    completed = run_cli("scan", ".", "--config", "/dev/zero", cwd=repo, timeout=30)
    refused(completed, NOT_REGULAR)
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("name", [".guardlint.yaml", "pyproject.toml"])
def test_a_config_linked_out_of_the_scan_root_is_not_read(repo, name):
    outside = write_file(repo.parent / "outside", "keys.yaml", OUTSIDE_KEYS)
    if name == "pyproject.toml":
        outside.write_text("[tool.guardlint]\n" + OUTSIDE_KEYS.replace(":", " ="))
    (repo / name).symlink_to(outside)
    for args in ((), ("--config", name)):
        completed = run_cli("scan", ".", *args, cwd=repo)
        refused(completed, LEADS_OUTSIDE)
        assert "private_key_of_the_ci_runner" not in completed.stdout + completed.stderr


def test_a_baseline_or_rule_directory_linked_out_of_the_scan_root_is_not_read(repo):
    outside = repo.parent / "outside"
    write_file(outside, "baseline.json", '{"version": 1, "findings": [{"x": 1}]}')
    write_file(outside / "policies", "org.yaml", OUTSIDE_KEYS)
    (repo / "baseline.json").symlink_to(outside / "baseline.json")
    (repo / "policies").symlink_to(outside / "policies")
    refused(run_cli("scan", ".", "--baseline", "baseline.json", cwd=repo), LEADS_OUTSIDE)
    completed = run_cli("scan", ".", "--rules", "policies", cwd=repo)
    refused(completed, "rule directory leads out of the scan root")
    assert "private_key_of_the_ci_runner" not in completed.stdout + completed.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [("baseline", "../outside/baseline.json"), ("rule_dirs", "[../outside/policies]")],
)
def test_a_repository_config_names_nothing_outside_the_scan_root(repo, key, value):
    write_file(repo.parent / "outside", "baseline.json", '{"version": 1, "findings": []}')
    write_file(repo.parent / "outside" / "policies", "org.yaml", OUTSIDE_KEYS)
    write_file(repo, ".guardlint.yaml", f"{key}: {value}\n")
    completed = run_cli("scan", ".", cwd=repo)
    refused(completed, f".guardlint.yaml:1: {key}: ")
    assert "is outside the scan root" in completed.stderr
    assert "private_key_of_the_ci_runner" not in completed.stdout + completed.stderr


def test_a_config_outside_the_scan_root_may_name_files_beside_it(repo):
    """The user's own config (outside the scan) is trusted with its own directory."""
    outside = repo.parent / "outside"
    write_file(outside, "baseline.json", '{"version": 1, "findings": []}')
    write_file(outside, "guardlint.yaml", "baseline: baseline.json\n")
    completed = run_cli("scan", ".", "--config", str(outside / "guardlint.yaml"), cwd=repo)
    assert completed.returncode == 1, completed.stderr  # the control file's secret


def _swap_after_discovery(monkeypatch, swap) -> None:
    real_discover = guardlint.engine.scan.discover

    def discover_then_swap(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        swap()
        return found

    monkeypatch.setattr(guardlint.engine.scan, "discover", discover_then_swap)


def test_a_file_swapped_for_a_link_out_of_the_root_after_discovery_is_not_read(
    tmp_path, monkeypatch
):
    repo = tmp_path / "repo"
    add_control(repo)
    target = write_file(repo, "compose.yaml", "services: {}\n")
    secret = write_file(tmp_path / "outside", "tokens.yaml", CONTROL)

    def swap():
        target.unlink()
        target.symlink_to(secret)

    _swap_after_discovery(monkeypatch, swap)
    result = run_scan(repo)
    assert parse_error(result, "compose.yaml").properties["reason"] == LEADS_OUTSIDE
    assert [f.rule_id for f in result.findings if f.path == "compose.yaml"] == ["GL001"]
    assert_control_scanned(result)


def test_a_directory_swapped_for_a_link_out_of_the_root_after_discovery_is_not_read(
    tmp_path, monkeypatch
):
    repo = tmp_path / "repo"
    add_control(repo)
    write_file(repo / "deploy", "config.yaml", "apiVersion: v1\nkind: ConfigMap\n")
    write_file(tmp_path / "outside", "config.yaml", CONTROL)

    def swap():
        shutil.rmtree(repo / "deploy")
        (repo / "deploy").symlink_to(tmp_path / "outside")

    _swap_after_discovery(monkeypatch, swap)
    result = run_scan(repo)
    assert parse_error(result, "deploy/config.yaml").properties["reason"] == LEADS_OUTSIDE
    assert [f.rule_id for f in result.findings if f.path == "deploy/config.yaml"] == ["GL001"]
    assert_control_scanned(result)


def test_links_that_stay_inside_the_scan_root_are_followed(tmp_path):
    add_control(tmp_path)
    write_file(tmp_path / "real", "compose.yaml", "services:\n  web:\n    privileged: true\n")
    (tmp_path / "linked").symlink_to("real")
    result = run_scan(tmp_path, excludes=["real"])  # reached only through the link
    assert [f.path for f in findings_of(result, "CMP001")] == ["linked/compose.yaml"]
    assert_control_scanned(result)


@pytest.fixture(params=["alone", "in-a-scan"])
def reading(request):
    """read_input on its own, and inside a scan (a snapshot: the directories on the way to
    files are kept open)."""
    with snapshot() if request.param == "in-a-scan" else contextlib.nullcontext():
        yield


@pytest.mark.usefixtures("reading")
def test_read_input_bounds_what_it_reads(tmp_path):
    path = write_file(tmp_path, "a.yaml", "x" * 100)
    assert read_input(str(path), 100, str(tmp_path)) == b"x" * 100
    with pytest.raises(InputError, match=r"file too large \(100 bytes; limit 99\)"):
        read_input(str(path), 99, str(tmp_path))
    with pytest.raises(InputError) as missing:
        read_input(str(tmp_path / "gone.yaml"), 100, str(tmp_path))
    assert missing.value.missing


@pytest.mark.usefixtures("reading")
def test_a_missing_file_is_missing_without_resolving_any_link(tmp_path, monkeypatch):
    """Each Dockerfile looks for three ignore files, most of them absent: an absent name is
    absent however the path is reached, so no real path is worked out for it."""
    write_file(tmp_path / "app", "Dockerfile", "FROM scratch\n")
    monkeypatch.setattr(os.path, "realpath", _no_real_path)
    with pytest.raises(InputError) as missing:
        read_input(str(tmp_path / "app" / ".dockerignore"), 100, str(tmp_path))
    assert missing.value.missing


def _no_real_path(path: str) -> str:
    raise AssertionError(f"resolved {path}")


@pytest.mark.usefixtures("reading")
def test_a_path_that_climbs_out_of_a_linked_directory_goes_where_the_link_leads(tmp_path):
    """`sam/../src` through a linked `sam` is the `src` beside the link's target, as the system
    reads it, not the `src` beside the link."""
    write_file(tmp_path / "stacks" / "src", "app.py", "print(1)\n")
    (tmp_path / "stacks" / "sam").mkdir()
    (tmp_path / "sam").symlink_to("stacks/sam")
    assert read_input(str(tmp_path / "sam" / ".." / "src" / "app.py"), 100, str(tmp_path)) == (
        b"print(1)\n"
    )


@pytest.mark.usefixtures("reading")
def test_a_directory_linked_out_of_the_root_is_not_followed_after_its_files_were_read(tmp_path):
    """A directory kept open for the files of a scan is the directory itself: a link out of
    the root in place of another is still refused, one inside still followed."""
    repo = tmp_path / "repo"
    write_file(repo / "deploy", "a.yaml", "a: 1\n")
    write_file(tmp_path / "outside", "b.yaml", CONTROL)
    (repo / "escape").symlink_to(tmp_path / "outside")
    (repo / "inside").symlink_to("deploy")
    assert read_input(str(repo / "deploy" / "a.yaml"), 100, str(repo)) == b"a: 1\n"
    with pytest.raises(InputError, match=LEADS_OUTSIDE):
        read_input(str(repo / "escape" / "b.yaml"), 100, str(repo))
    assert read_input(str(repo / "inside" / "a.yaml"), 100, str(repo)) == b"a: 1\n"


@pytest.mark.usefixtures("reading")
def test_a_link_into_version_control_is_never_read_through(tmp_path):
    """A file swapped for a link into .git after discovery (or a config, baseline or rule
    directory linked there) is refused like a link out of the root; the user may still name
    a file there."""
    write_file(tmp_path, ".git/config", "[http]\n\textraheader = AUTHORIZATION: token\n")
    (tmp_path / "Dockerfile").symlink_to(".git/config")
    (tmp_path / "g").symlink_to(".git")
    for linked in ("Dockerfile", "g/config"):
        with pytest.raises(InputError, match=LEADS_INTO_VERSION_CONTROL):
            read_input(str(tmp_path / linked), 100, str(tmp_path))
    assert read_input(str(tmp_path / ".git/config"), 100, str(tmp_path)).startswith(b"[http]")


def test_a_scan_opens_each_directory_on_the_way_to_its_files_once(tmp_path, monkeypatch):
    for name in ("deploy/a/x.yaml", "deploy/a/y.yaml", "deploy/a/z.yaml", "deploy/b.yaml"):
        write_file(tmp_path, name, "apiVersion: v1\nkind: ConfigMap\n")
    opened: list[str] = []
    real_open = os.open

    def counting_open(path, flags, *args, **kwargs):
        if flags & os.O_DIRECTORY:
            opened.append(path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    run_scan(tmp_path)
    assert sorted(opened) == sorted([str(tmp_path), "deploy", "a"])


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="no /proc/self/fd")
def test_a_scan_keeps_few_directories_open_and_none_after_it(tmp_path):
    for number in range(3 * KEPT_DIRECTORIES):
        write_file(tmp_path / f"d{number}", "a.yaml", "a: 1\n")
    before = len(os.listdir("/proc/self/fd"))
    with snapshot():
        for number in range(3 * KEPT_DIRECTORIES):
            read_input(str(tmp_path / f"d{number}" / "a.yaml"), 100, str(tmp_path))
        assert len(os.listdir("/proc/self/fd")) - before == KEPT_DIRECTORIES
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.skipif(not os.path.isfile("/proc/self/cmdline"), reason="no /proc/self/cmdline")
def test_a_file_longer_than_its_size_says_is_read_whole_and_still_bounded():
    """/proc's files say they are empty: what follows the size fstat gave is read in chunks,
    up to the bound."""
    with open("/proc/self/cmdline", "rb") as handle:
        whole = handle.read()
    assert os.stat("/proc/self/cmdline").st_size == 0 and len(whole) > 3
    assert read_input("/proc/self/cmdline", 10_000) == whole
    with pytest.raises(InputError, match=r"file too large \(over 3 bytes\)"):
        read_input("/proc/self/cmdline", 3)


def test_discovery_lists_the_statuses_of_files_reached_without_links(tmp_path):
    """The statuses a scan with a result cache takes from discovery's listing: as input_status
    tells them, so never one found through a link (a linked file, a linked directory, a path
    argument reached through one), and none unless asked for."""
    root = tmp_path / "root"
    write_file(root, "svc/Dockerfile", "FROM alpine\n")
    write_file(root, "svc/deeper/Dockerfile", "FROM alpine\n")
    (root / "inner").symlink_to(root / "svc")
    (root / "leaf").mkdir()
    (root / "leaf" / "Dockerfile").symlink_to(root / "svc" / "Dockerfile")

    def statuses(*paths: str, asked: bool = True) -> dict[str, list[int] | None]:
        found = discover([str(root / p) for p in paths], str(root), statuses=asked)
        return {source.rel_path: source.status for source in found.files}

    plain = root / "svc" / "Dockerfile"
    assert statuses("svc")["svc/Dockerfile"] == status_signature(os.lstat(plain))
    assert statuses("svc", asked=False) == {"svc/Dockerfile": None, "svc/deeper/Dockerfile": None}
    assert statuses("inner") == {"inner/Dockerfile": None, "inner/deeper/Dockerfile": None}
    assert statuses("inner/deeper") == {"inner/deeper/Dockerfile": None}
    assert statuses("leaf") == {"leaf/Dockerfile": None}


@needs_fifo
def test_input_status_tells_regular_files_below_the_root_reached_without_links(tmp_path):
    """What the result cache's pack knows a file by: never a status found through a link (one
    out of the root would tell what lies out there), nor a FIFO's or a directory's."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    write_file(root, "svc/Dockerfile", "FROM alpine\n")
    write_file(outside, "secret.txt", "hunter2\n")
    (root / "linked").symlink_to(outside)
    (root / "leaf.txt").symlink_to(outside / "secret.txt")
    (root / "inner").symlink_to(root / "svc")
    os.mkfifo(root / "fifo")
    status = input_status(str(root / "svc" / "Dockerfile"), str(root))
    assert status is not None and status.st_ino == os.stat(root / "svc" / "Dockerfile").st_ino
    for name in ("linked/secret.txt", "leaf.txt", "inner/Dockerfile", "fifo", "svc", "nothing",
                 "a\0b"):  # fmt: skip
        assert input_status(str(root / name), str(root)) is None, name
