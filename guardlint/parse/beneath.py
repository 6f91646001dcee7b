"""Where a path inside the scan root leads through symbolic links, found without looking
outside the root: the one resolver for every "inside or outside the root" decision.

os.path.realpath follows links wherever they lead, so a link inside the repository to
`/X/../root/b` would resolve inside or not as `/X`, outside the checkout, is a link or not:
what a scan reads or reports would tell the repository's author about the machine. Here each
component is looked at (lstat, readlink) from the root's real path down, and the moment a
link's target (or a `..`) leaves the root, the path leads out, whatever lies beyond. Links
are followed at most MAX_LINKS times (ELOOP, as the kernel does), iteratively.
"""

from __future__ import annotations

import errno
import os
import stat

MAX_LINKS = 40  # Linux's limit on the links one lookup follows


def resolve_beneath(path: str, root: str, real_root: str) -> str | None:
    """The real path of `path`, which lies inside `root` as written (`real_root` is the root's
    real path), with every link on it resolved; None where it leads out of the root. A name
    that is not there is kept as written, as os.path.realpath keeps it. Raises OSError (ELOOP)
    past MAX_LINKS links."""
    names = _names_below(os.path.join(os.getcwd(), path), (os.path.abspath(root), real_root))
    return None if names is None else resolve_names(real_root, real_root, names)


def leads_out_of_root(path: str, root: str) -> bool:
    """Whether `path`, inside `root` as written, leads out of it through a link (a loop
    leads nowhere, so not out: what looks there finds nothing)."""
    try:
        return resolve_beneath(path, root, os.path.realpath(root)) is None
    except OSError:
        return False


def resolve_names(real_root: str, directory: str, names: list[str]) -> str | None:
    """Where `names`, one component each, lead from `directory` (a real path inside
    `real_root`): see resolve_beneath."""
    pending = names[::-1]
    current, links = directory, 0
    while pending:
        name = pending.pop()
        if name in ("", os.curdir):
            continue
        if name == os.pardir:
            if current == real_root:
                return None
            current = os.path.dirname(current)
            continue
        candidate = os.path.join(current, name)
        try:
            info = os.lstat(candidate)
        except OSError:
            current = candidate
            continue
        if not stat.S_ISLNK(info.st_mode):
            current = candidate
            continue
        links += 1
        if links > MAX_LINKS:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), candidate)
        target = os.readlink(candidate)
        if os.path.isabs(target):
            below = _names_below(target, (real_root,))
            if below is None:
                return None
            current, target_names = real_root, below
        else:
            target_names = target.split(os.sep)
        pending.extend(reversed(target_names))
    return current


def _names_below(path: str, roots: tuple[str, ...]) -> list[str] | None:
    """The components of the absolute `path` after one of `roots`, as written (a `..` kept);
    None where it does not start with one."""
    for root in roots:
        prefix = root.rstrip(os.sep)
        if path == prefix or path.startswith(prefix + os.sep):
            return path[len(prefix) :].split(os.sep)
    return None
