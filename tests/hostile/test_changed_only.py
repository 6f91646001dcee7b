"""--changed-only runs git on a hostile tree: nothing the tree holds makes git run a program."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from guardlint.cli import cli, gitdiff
from tests.conftest import write_file


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def committed_repository(tmp_path: Path) -> tuple[Path, Path]:
    """A checkout whose `infra/` holds a repository's files (HEAD, config, objects/, refs/)
    as committed content, its config running a program on every index read; and the file
    that program would create."""
    marker = tmp_path / "PWNED"
    checkout = tmp_path / "checkout"
    infra = checkout / "infra"
    infra.mkdir(parents=True)
    git(checkout, "init", "-q", "-b", "main")
    git(infra, "init", "-q", "--bare", "-b", "main", ".")
    write_file(infra, "Dockerfile", "FROM alpine\n")
    git(infra, "--git-dir=.", "--work-tree=.", "add", "Dockerfile")
    git(infra, "--git-dir=.", "--work-tree=.", "commit", "-q", "-m", "planted")
    (infra / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n"
        f'\tfsmonitor = "touch {marker}; echo"\n'
    )
    git(checkout, "add", ".")
    git(checkout, "commit", "-q", "-m", "a repository as content")
    return infra, marker


def test_a_repository_committed_into_the_tree_is_refused_and_runs_nothing(
    committed_repository, monkeypatch
):
    infra, marker = committed_repository
    monkeypatch.chdir(infra)
    result = CliRunner().invoke(cli, ["scan", "--changed-only", "."])
    assert not marker.exists()
    assert result.exit_code == 2
    assert "--changed-only:" in result.output and "bare repository" in result.output


def test_without_safe_bare_repository_the_committed_repository_is_still_refused(
    committed_repository, monkeypatch
):
    """git before 2.38 knows no safe.bareRepository: guardlint sees the repository is the
    work tree itself, not a .git directory, and runs nothing more on it."""
    infra, marker = committed_repository
    at = gitdiff._GIT.index("safe.bareRepository=explicit")
    monkeypatch.setattr(gitdiff, "_GIT", gitdiff._GIT[: at - 1] + gitdiff._GIT[at + 1 :])
    with pytest.raises(gitdiff.GitError, match=r"is not a \.git directory"):
        gitdiff.changed_files(str(infra))
    assert not marker.exists()


def test_the_checkouts_own_repository_still_works(committed_repository):
    infra, _ = committed_repository
    checkout = infra.parent
    write_file(checkout, "new/Dockerfile", "FROM alpine\n")
    assert gitdiff.changed_files(str(checkout)) == [str(checkout / "new/Dockerfile")]
