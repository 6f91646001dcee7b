"""Where a symbolic link met in the walk leads, and whether discovery may follow it."""

from __future__ import annotations

import os

from guardlint.parse.inputs import leads_into_version_control, lies_inside

_O_PATH = getattr(os, "O_PATH", None)


def leads_out(path: str, real: str, root: str, real_root: str) -> bool:
    """Whether the link at `path`, whose target is `real`, must not be followed: it leads out
    of the root, or into the root's version-control data (`Dockerfile.ci -> .git/config`:
    actions/checkout writes the job's token there)."""
    return not lies_inside(real, real_root) or leads_into_version_control(
        path, real, root, real_root
    )


def resolve_link(path: str) -> tuple[os.stat_result, str]:
    """What a link leads to: its status and real path. Where the kernel names open files
    (/proc/self/fd) that is one look-up of the path; os.path.realpath looks up each of the
    path's components on its own, which is quadratic in the depth of a deep tree."""
    if _O_PATH is None:
        return os.stat(path), os.path.realpath(path)
    descriptor = os.open(path, _O_PATH | os.O_CLOEXEC)  # never opens the file itself
    try:
        info = os.fstat(descriptor)
        try:
            real = os.readlink(f"/proc/self/fd/{descriptor}")
        except OSError:
            real = ""
    finally:
        os.close(descriptor)
    if not real.startswith(os.sep) or real.endswith(" (deleted)"):
        real = os.path.realpath(path)
    return info, real
