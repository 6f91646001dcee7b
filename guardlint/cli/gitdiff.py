"""`--changed-only`: the files that differ from a git ref (default HEAD), for fast local runs.

Changed means added, copied, modified or renamed between the ref and the working tree
(staged or not), plus untracked files that git does not ignore. Deleted files are gone, so
there is nothing to scan.

The scanned tree is hostile and git trusts the config of whatever repository it discovers,
so every command runs with the config that can start a program overridden (`_SAFE_CONFIG`),
and a repository git finds in the tree's content rather than in a `.git` directory (a
committed bare repository: HEAD, config, objects/, refs/) is refused before a command reads
its index. What a real `.git` configures (a clean filter, a submodule) is the checkout's.
"""

from __future__ import annotations

import os
import subprocess

# Command-line config outranks every config file and reaches the git processes a command
# starts (GIT_CONFIG_PARAMETERS). A repository's own config could otherwise run programs:
# core.fsmonitor on every index read; a lazy fetch in a partial clone, through a transport
# (ext::, remote.*.uploadpack over file://, core.sshCommand over ssh) or a credential helper;
# diff.external and textconv with a porcelain diff; a pager.
_SAFE_CONFIG = (
    "core.fsmonitor=false",
    "safe.bareRepository=explicit",  # no repository without a .git directory or $GIT_DIR
    "core.pager=cat",
    "core.hooksPath=/dev/null",
    "diff.external=",
    "credential.helper=",
    "protocol.allow=never",
    *(f"protocol.{name}.allow=never" for name in ("file", "git", "ssh", "http", "https", "ext")),
)
_GIT = ["git", "--no-pager", *(arg for pair in _SAFE_CONFIG for arg in ("-c", pair))]
_ENVIRONMENT = {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1"}


class GitError(Exception):
    """git is missing, the path is not in a repository, or the ref is unknown."""


def _git(cwd: str, *args: str) -> bytes:
    """git's output as bytes: file names are bytes, in no particular encoding."""
    try:
        completed = subprocess.run(
            [*_GIT, *args],
            cwd=cwd,
            env={**os.environ, **_ENVIRONMENT},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed by --changed-only)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return completed.stdout


def _repository(cwd: str) -> str:
    """The work tree's top directory, once its repository is known to be a real `.git`
    (or the $GIT_DIR the user chose), never a directory of the scanned files."""
    lines = _git(cwd, "rev-parse", "--absolute-git-dir", "--show-toplevel").splitlines()
    if len(lines) != 2:
        raise GitError(f"no work tree around {cwd}")
    git_dir, top = (os.path.realpath(os.fsdecode(line)) for line in lines)
    # A linked work tree's or a submodule's repository lies inside a .git directory too.
    if "GIT_DIR" not in os.environ and (git_dir == top or ".git" not in git_dir.split(os.sep)):
        raise GitError(
            f"the repository git found at {git_dir} is not a .git directory (a repository "
            "committed into the scanned files?); refusing to run git on it"
        )
    return top


def changed_files(cwd: str, ref: str = "HEAD") -> list[str]:
    """Absolute paths of the files changed against `ref` in the repository holding `cwd`.
    Names are decoded as the file system's are (os.fsdecode), so a name that is not UTF-8
    reaches discovery as it would from a directory listing."""
    top = _repository(cwd)
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise GitError(f"{ref!r} is not a commit in the repository at {top}") from None
    diff = _git(
        top, "diff", "--no-ext-diff", "--no-textconv", "--name-only", "-z",
        "--diff-filter=ACMR", ref, "--",
    )  # fmt: skip
    untracked = _git(top, "ls-files", "-z", "--others", "--exclude-standard")
    names = {os.fsdecode(name) for name in (diff + untracked).split(b"\0") if name}
    return sorted(os.path.join(top, name) for name in names)


def within(files: list[str], paths: list[str]) -> list[str]:
    """The files that are one of `paths` or lie under one of them."""
    roots = [os.path.realpath(p) for p in paths]
    selected = []
    for file in files:
        real = os.path.realpath(file)
        if any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
            selected.append(file)
    return selected
