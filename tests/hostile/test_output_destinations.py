"""Where output goes: `-`, devices, FIFOs, links, closed or broken standard output.

Every test runs guardlint in a subprocess, as a user or CI job does, with /dev read-only to
it whatever the user running the suite: as root, guardlint once replaced /dev/null with a
regular file, and a regression must fail a test rather than damage the machine.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.hostile.conftest import CONTROL_NAME, add_control

pytestmark = pytest.mark.skipif(os.name != "posix", reason="devices, FIFOs and /dev/fd")

# guardlint's own entry point, with an audit hook that refuses to create, replace, remove or
# chmod anything under /dev: what an ordinary user's guardlint meets there.
GUARDED = """
import os, sys

def _under_dev(path):
    return isinstance(path, (str, bytes)) and os.path.abspath(os.fsdecode(path)).startswith("/dev/")

def _dev_is_read_only(event, args):
    if event in ("os.rename", "os.remove", "os.chmod", "os.mkdir", "os.symlink", "os.link"):
        paths = args[:2]
    elif event == "open" and isinstance(args[2], int) and args[2] & (os.O_CREAT | os.O_TRUNC):
        paths = args[:1]
    else:
        return
    if any(_under_dev(path) for path in paths):
        raise PermissionError(13, "Permission denied (the test keeps /dev read-only)")

sys.addaudithook(_dev_is_read_only)
from guardlint.cli import main
sys.argv = ["guardlint", *sys.argv[1:]]
main()
"""
DEVICE_ERROR = "Error: cannot write {}: {}\n"


def guardlint(
    *args: str, cwd: Path, environment: dict[str, str] | None = None, **popen: object
) -> subprocess.CompletedProcess:
    """`guardlint ARGS` with /dev read-only; stdout and stderr captured unless redirected."""
    popen = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    completed = subprocess.run(
        [sys.executable, "-c", GUARDED, *args],
        cwd=cwd,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", **(environment or {})},
        **popen,
    )
    stderr = (completed.stderr or b"").decode("utf-8", "replace")
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    return completed


def _finding_paths(json_report: bytes) -> list[str]:
    """The whole JSON report parsed: a report cut short is an error here."""
    return [finding["path"] for finding in json.loads(json_report)["findings"]]


def _stderr(completed: subprocess.CompletedProcess) -> str:
    return completed.stderr.decode()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tree with one critical finding: a scan that delivers its report exits 1."""
    add_control(tmp_path)
    return tmp_path


def _assert_device(path: str) -> None:
    assert stat.S_ISCHR(os.stat(path).st_mode), f"{path} is no longer a device"


# ---- `-` is standard output -------------------------------------------------------------


def test_dash_is_standard_output_for_every_command(project):
    scanned = guardlint("scan", ".", "-f", "json", "-o", "-", cwd=project)
    assert scanned.returncode == 1
    assert _finding_paths(scanned.stdout) == [CONTROL_NAME]
    assert _stderr(scanned) == ""  # no "wrote ... report to -"
    baseline = guardlint("baseline", "create", "-o", "-", "-q", cwd=project)
    assert baseline.returncode == 0
    assert len(json.loads(baseline.stdout)["findings"]) == 1
    init = guardlint("init", "-o", "-", cwd=project)
    assert init.returncode == 0 and init.stdout.startswith(b"# guardlint configuration")
    assert sorted(p.name for p in project.iterdir()) == [CONTROL_NAME]  # no file named '-'


def test_dash_without_format_is_the_text_report(project):
    completed = guardlint("scan", ".", "-o", "-", cwd=project)
    assert completed.returncode == 1
    text = completed.stdout.decode()
    assert text.startswith(f"{CONTROL_NAME}\n") and "\nSummary\n" in text


def test_output_dir_dash_is_refused(project):
    completed = guardlint("scan", ".", "-f", "sarif", "--output-dir", "-", cwd=project)
    assert completed.returncode == 2
    assert "--output-dir -" in _stderr(completed)
    assert completed.stdout == b""
    assert sorted(p.name for p in project.iterdir()) == [CONTROL_NAME]


# ---- devices are written in place --------------------------------------------------------


def test_dev_null_swallows_the_report_and_stays_a_device(project):
    completed = guardlint("scan", ".", "-f", "sarif", "-o", "/dev/null", cwd=project)
    assert completed.returncode == 1, _stderr(completed)
    assert completed.stdout == b""
    assert _stderr(completed) == "guardlint: wrote sarif report to /dev/null\n"
    _assert_device("/dev/null")


def test_full_device_is_a_one_line_error_and_exit_2(project):
    completed = guardlint("scan", ".", "-f", "sarif", "-o", "/dev/full", cwd=project)
    assert completed.returncode == 2
    assert _stderr(completed) == DEVICE_ERROR.format("/dev/full", "No space left on device")
    _assert_device("/dev/full")


@pytest.mark.parametrize("name", ["/dev/stdout", "/proc/self/fd/1"])
def test_dev_stdout_to_a_pipe_is_standard_output(project, name):
    if not os.path.exists(name):
        pytest.skip(f"no {name} here")
    completed = guardlint("scan", ".", "-f", "json", "-o", name, cwd=project)
    assert completed.returncode == 1, _stderr(completed)
    assert _finding_paths(completed.stdout) == [CONTROL_NAME]


def test_an_inherited_descriptor_is_written_as_process_substitution_does(project):
    """`guardlint scan -o >(jq .)`: the shell passes a pipe as /dev/fd/N."""
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader:
        completed = guardlint(
            "scan", ".", "-f", "json", "-o", f"/dev/fd/{write_end}",
            cwd=project, pass_fds=(write_end,),
        )  # fmt: skip
        os.close(write_end)
        report = reader.read()
    assert completed.returncode == 1, _stderr(completed)
    assert _finding_paths(report) == [CONTROL_NAME]
    assert completed.stdout == b""


# ---- a FIFO is written in place --------------------------------------------------------------


def test_fifo_is_written_in_place_for_its_reader(project, tmp_path_factory):
    fifo = tmp_path_factory.mktemp("pipes") / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # Daemon: should guardlint never open the FIFO, the blocked reader must not hang pytest.
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    completed = guardlint("scan", ".", "-f", "json", "-o", str(fifo), cwd=project)
    reader.join(timeout=30)
    assert completed.returncode == 1, _stderr(completed)
    assert not reader.is_alive(), "guardlint never wrote to the FIFO"
    assert _finding_paths(received[0]) == [CONTROL_NAME]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir()) == ["report.fifo"]


# ---- symbolic links ----------------------------------------------------------------------------


FILE_LINK = (
    "Error: cannot write {written}: it is a symbolic link, and guardlint writes through a link "
    "only to its own standard output or error (/dev/stdout, /dev/fd/N); name the file it points "
    "to instead\n"
)
DIRECTORY_LINK = (
    "Error: cannot write {written}: {link} is a symbolic link inside the current directory, "
    "which guardlint does not follow to write; name the directory it points to instead\n"
)


@pytest.mark.parametrize(
    ("args", "link", "target", "written", "refusal"),
    [
        (("scan", ".", "-o", "r.json"), "r.json", "bashrc", "r.json", FILE_LINK),
        (("scan", ".", "-o", "r.json"), "r.json", "authorized_keys", "r.json", FILE_LINK),
        (
            ("scan", ".", "-f", "sarif", "--output-dir", "out"),
            "out/guardlint.sarif", "bashrc", "out/guardlint.sarif", FILE_LINK,
        ),
        (
            ("baseline", "create", "."),
            ".guardlint-baseline.json", "bashrc", ".guardlint-baseline.json", FILE_LINK,
        ),
        (("init", "--force"), ".guardlint.yaml", "bashrc", ".guardlint.yaml", FILE_LINK),
        (
            ("scan", ".", "-f", "sarif", "--output-dir", "out"),
            "out", ".", "out/guardlint.sarif", DIRECTORY_LINK,
        ),
        (("scan", ".", "-o", "out/new/r.md"), "out", ".", "out/new/r.md", DIRECTORY_LINK),
        (("scan", ".", "-o", "out/../r.md"), "out", ".", "out/../r.md", DIRECTORY_LINK),
    ],
    ids=[
        "output", "dangling", "output-dir", "baseline", "init",
        "directory-output-dir", "directory-created-below", "directory-dot-dot",
    ],
)  # fmt: skip
def test_a_planted_link_is_neither_followed_nor_replaced(
    project, tmp_path_factory, args, link, target, written, refusal
):
    """What a pull request can commit where the report goes: a link out of the checkout, to a
    file of the CI user's, to where one would be created, or to a directory (where every file
    is read: ~/.bashrc.d, /etc/cron.d)."""
    outside = tmp_path_factory.mktemp("home") / "user"
    outside.mkdir()
    (outside / "bashrc").write_text("alias ls='ls --color'\n")
    (project / link).parent.mkdir(exist_ok=True)
    (project / link).symlink_to(outside / target)
    completed = guardlint(*args, cwd=project)
    assert completed.returncode == 2
    assert _stderr(completed).endswith(refusal.format(written=written, link=link))
    assert (outside / "bashrc").read_text() == "alias ls='ls --color'\n"
    assert sorted(p.name for p in outside.parent.rglob("*")) == ["bashrc", "user"]
    assert os.readlink(project / link) == str(outside / target)
    assert not list(project.rglob(".guardlint-*.tmp"))


def test_a_link_to_standard_output_is_followed(project):
    (project / "report.json").symlink_to("/dev/stdout")
    completed = guardlint("scan", CONTROL_NAME, "-o", "report.json", cwd=project)
    assert completed.returncode == 1, _stderr(completed)
    assert _finding_paths(completed.stdout) == [CONTROL_NAME]
    assert os.readlink(project / "report.json") == "/dev/stdout"


# ---- a replaced file ---------------------------------------------------------------------------


def test_replacing_a_report_keeps_its_permissions(project):
    report = project / "report.json"
    report.write_text("previous report\n")
    report.chmod(0o640)
    completed = guardlint("scan", CONTROL_NAME, "-o", "report.json", cwd=project)
    assert completed.returncode == 1, _stderr(completed)
    assert json.loads(report.read_text())["findings"]
    assert stat.S_IMODE(report.stat().st_mode) == 0o640


# ---- closed or broken standard output -------------------------------------------------------


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize("args", [("scan", "."), ("rules",), ("version",)], ids=" ".join)
def test_closed_stdout_is_a_clear_error_and_exit_2(project, args):
    completed = guardlint(*args, cwd=project, stdout=None, preexec_fn=_close_stdout)
    assert completed.returncode == 2
    assert _stderr(completed).endswith("Error: cannot write standard output: it is closed\n")


def test_closed_stdout_does_not_matter_when_the_report_goes_to_a_file(project):
    completed = guardlint(
        "scan", CONTROL_NAME, "-o", "report.json", cwd=project, stdout=None,
        preexec_fn=_close_stdout,
    )  # fmt: skip
    assert completed.returncode == 1, _stderr(completed)
    assert json.loads((project / "report.json").read_text())["findings"]


def test_closed_stderr_costs_nothing_but_the_messages(project):
    completed = guardlint(
        "scan", CONTROL_NAME, "-o", "report.json", cwd=project, stderr=None,
        preexec_fn=lambda: os.close(2),
    )  # fmt: skip
    assert completed.returncode == 1
    assert _finding_paths((project / "report.json").read_bytes()) == [CONTROL_NAME]


@pytest.mark.parametrize(
    "args", [("scan", "."), ("scan", ".", "-f", "sarif"), ("explain", "SEC001")], ids=" ".join
)
def test_broken_pipe_is_exit_2_with_one_line(project, args):
    """`guardlint scan | head -c1`: the reader is gone before the report is written. Not the
    exit status of a scan that delivered its report (0 or 1), and no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        completed = guardlint(*args, cwd=project, stdout=write_end)
    finally:
        os.close(write_end)
    assert completed.returncode == 2
    assert _stderr(completed) == "Error: cannot write standard output: Broken pipe\n"


def test_report_on_stdout_is_utf8_whatever_the_locale(project):
    """Text from a scanned file that the terminal's encoding cannot spell is no traceback:
    standard output gets the same UTF-8 bytes as --output FILE."""
    dockerfile = "FROM alpine:3.20\nRUN echo 中文 ✓ && curl https://get.example | sh\n"
    (project / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    completed = guardlint("scan", ".", cwd=project, environment={"PYTHONIOENCODING": "latin-1"})
    assert completed.returncode == 1, _stderr(completed)
    assert "> RUN echo 中文 ✓ && curl".encode() in completed.stdout
