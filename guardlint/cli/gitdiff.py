"""`--changed-only`: the files that differ from a git ref (default HEAD), for fast local runs.

Changed means added, copied, modified or renamed between the ref and the working tree
(staged or not), plus untracked files that git does not ignore. Deleted files are gone, so
there is nothing to scan.
"""

from __future__ import annotations

import os
import subprocess


class GitError(Exception):
    """git is missing, the path is not in a repository, or the ref is unknown."""


def _git(cwd: str, *args: str) -> bytes:
    """git's output as bytes: file names are bytes, in no particular encoding."""
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed by --changed-only)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return completed.stdout


def changed_files(cwd: str, ref: str = "HEAD") -> list[str]:
    """Absolute paths of the files changed against `ref` in the repository holding `cwd`.
    Names are decoded as the file system's are (os.fsdecode), so a name that is not UTF-8
    reaches discovery as it would from a directory listing."""
    top = os.fsdecode(_git(cwd, "rev-parse", "--show-toplevel").rstrip(b"\n"))
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise GitError(f"{ref!r} is not a commit in the repository at {top}") from None
    diff = _git(top, "diff", "--name-only", "-z", "--diff-filter=ACMR", ref, "--")
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
