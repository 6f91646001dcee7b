"""--changed-only against git, progress on a terminal only, and the text summary table."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.cli.gitdiff import GitError, changed_files
from guardlint.cli.progress import Progress, for_terminal
from tests.conftest import write_file

GUARDLINT = str(Path(sys.executable).with_name("guardlint"))
PRIVILEGED = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


@pytest.fixture
def repo(tmp_path, monkeypatch):
    git(tmp_path, "init", "-q", "-b", "main")
    write_file(tmp_path, "old/compose.yaml", PRIVILEGED)
    write_file(tmp_path, "gone/compose.yaml", PRIVILEGED)
    write_file(tmp_path, "edited/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scanned_paths(*args: str) -> set[str]:
    result = CliRunner().invoke(cli, ["scan", "-f", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return {f["path"] for f in json.loads(result.stdout)["findings"]}


def test_changed_only_scans_modified_staged_and_untracked_files(repo):
    assert scanned_paths("--changed-only") == set()
    write_file(repo, "edited/compose.yaml", PRIVILEGED)
    write_file(repo, "staged/compose.yaml", PRIVILEGED)
    git(repo, "add", "staged/compose.yaml")
    write_file(repo, "new/compose.yaml", PRIVILEGED)
    (repo / "gone/compose.yaml").unlink()
    assert scanned_paths("--changed-only") == {
        "edited/compose.yaml", "staged/compose.yaml", "new/compose.yaml",
    }  # fmt: skip
    assert scanned_paths("--changed-only", "new") == {"new/compose.yaml"}
    assert "old/compose.yaml" in scanned_paths()


def test_changed_since_a_ref(repo):
    write_file(repo, "second/compose.yaml", PRIVILEGED)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "second")
    assert scanned_paths("--changed-only") == set()
    assert scanned_paths("--since", "HEAD~1") == {"second/compose.yaml"}
    assert changed_files(str(repo / "second"), "HEAD~1") == [str(repo / "second/compose.yaml")]


def test_changed_only_with_file_names_that_are_not_utf8(repo):
    """git prints names as bytes: an untracked (or changed) name that is not UTF-8 is scanned
    and reported as discovery reports it, with U+FFFD for the bytes it cannot show."""
    (repo / os.fsdecode(b"compose-caf\xe9.yaml")).write_text(PRIVILEGED)
    write_file(repo, "edited/compose.yaml", PRIVILEGED)
    assert scanned_paths("--changed-only") == {"compose-caf\ufffd.yaml", "edited/compose.yaml"}


def test_changed_only_errors_exit_2(repo, tmp_path_factory, monkeypatch):
    result = CliRunner().invoke(cli, ["scan", "--since", "no-such-ref"])
    assert result.exit_code == 2
    assert "'no-such-ref' is not a commit" in result.output
    outside = tmp_path_factory.mktemp("not-a-repo")
    monkeypatch.chdir(outside)
    with pytest.raises(GitError):
        changed_files(str(outside))
    assert CliRunner().invoke(cli, ["scan", "--changed-only"]).exit_code == 2


CHART = "apiVersion: v2\nname: web\nversion: 0.1.0\n"
TRIMMED_POD = (
    "{{- /* the pod */ -}}\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
    "spec:\n  containers:\n    - {name: p, image: nginx:1.27, "
    "securityContext: {privileged: true}}\n"
)
VALUED_POD = TRIMMED_POD.replace("name: p,", "name: {{ .Release.Name }},", 1)


def test_changed_chart_templates_are_judged_as_helm_renders_them(repo, tmp_path_factory):
    """--changed-only and the pre-commit hook (its entry, with the changed files' names) give
    a chart's templates what the walk of the chart gives them: the trimmed pod is judged,
    the one that depends on values counted as a Helm template, never unparsable."""
    write_file(repo, "chart/Chart.yaml", CHART)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "chart")
    write_file(repo, "chart/templates/pod.yaml", TRIMMED_POD)
    write_file(repo, "chart/templates/valued.yaml", VALUED_POD)
    assert scanned_paths("--changed-only") == scanned_paths("chart") == {"chart/templates/pod.yaml"}
    cache = str(tmp_path_factory.mktemp("cache"))
    hook = [GUARDLINT, "scan", "--no-color", "--cache-dir", cache, "-f", "json"]
    for _ in range(2):  # the second run from the result cache
        completed = subprocess.run(
            [*hook, "chart/templates/pod.yaml", "chart/templates/valued.yaml"],
            cwd=repo, capture_output=True, text=True, check=False,
        )  # fmt: skip
        report = json.loads(completed.stdout)
        assert {(f["rule_id"], f["path"]) for f in report["findings"]} >= {
            ("K8S001", "chart/templates/pod.yaml")
        }
        assert {f["path"] for f in report["findings"]} == {"chart/templates/pod.yaml"}
        assert report["summary"]["skip_reasons"]["files"] == {"helm-template": 1}


# --- progress ----------------------------------------------------------------------------------


class FakeTerminal(StringIO):
    def isatty(self) -> bool:
        return True


class Outcome:
    def __init__(self, rel_path: str, kinds: dict[str, int]) -> None:
        self.rel_path, self.kinds = rel_path, kinds


def test_progress_line_is_throttled_and_erased():
    ticks = iter([0.0, 0.5, 0.52, 0.9, 1.3])
    stream = FakeTerminal()
    progress = Progress(stream, clock=lambda: next(ticks), pack_of_kind={"iam-policy": "iam"})
    progress(1, 3, Outcome("a/Dockerfile", {"dockerfile": 1}))
    progress(2, 3, Outcome("b.yaml", {"kubernetes": 2}))  # 0.02 s later: not redrawn
    progress(3, 3, Outcome("c.yaml", {"cloudformation": 1, "iam-policy": 2}))  # always drawn
    progress.close()
    text = stream.getvalue()
    assert "guardlint: 1/3 files  dockerfile" in text and "0.5s  a/Dockerfile" in text
    assert "2/3" not in text
    assert "3/3 files  cloudformation, iam " in text
    assert text.endswith("\r\x1b[2K")


def test_no_progress_when_quiet_or_not_a_terminal():
    assert for_terminal(quiet=True, stream=FakeTerminal()) is None
    assert for_terminal(quiet=False, stream=StringIO()) is None
    assert isinstance(for_terminal(quiet=False, stream=FakeTerminal()), Progress)


def run_with_terminal_stderr(args: list[str], cwd: Path) -> tuple[str, str]:
    """guardlint with stderr on a pseudo-terminal and stdout on a pipe."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [GUARDLINT, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=terminal, text=True
    )
    os.close(terminal)
    stdout = process.communicate(timeout=120)[0]
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return stdout, b"".join(chunks).decode(errors="replace")


def test_progress_on_a_terminal_only(tmp_path):
    for index in range(5):
        write_file(tmp_path, f"s{index}/compose.yaml", PRIVILEGED)
    stdout, stderr = run_with_terminal_stderr(["scan", "--no-color"], tmp_path)
    assert "guardlint: 5/5 files" in stderr
    assert "guardlint: " not in stdout  # progress never mixes into the report
    _, quiet_stderr = run_with_terminal_stderr(["scan", "-q"], tmp_path)
    assert "/5 files" not in quiet_stderr
    piped = subprocess.run([GUARDLINT, "scan"], cwd=tmp_path, capture_output=True, text=True)
    assert "/5 files" not in piped.stderr


def test_text_report_ends_with_the_summary_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file(
        tmp_path, "compose.yaml", PRIVILEGED.replace("true", "true  # guardlint:ignore CMP001 -- x")
    )
    write_file(tmp_path, "broken/compose.yaml", "services: [\n")
    write_file(tmp_path, "README.md", "# not IaC\n")
    output = CliRunner().invoke(cli, ["scan", "--no-color"]).stdout
    summary = output.split("Summary\n", 1)[1]
    assert "by severity: critical 0, high 0, medium 1," in summary
    assert "by pack:     compose" in summary and "scan 1" in summary
    assert "files:       1 scanned, 1 skipped, 1 unparsable" in summary
    assert "skipped:     1 not IaC by name\n" in summary
    assert "1 suppressed in source" in summary and summary.rstrip().endswith("s")
