"""Where a symbolic link met in the walk leads, and whether discovery may follow it."""

from __future__ import annotations

import os

from guardlint.parse.beneath import resolve_beneath, resolve_names
from guardlint.parse.inputs import leads_into_version_control


def leads_out(path: str, real: str | None, root: str, real_root: str) -> bool:
    """Whether the link at `path`, whose target is `real` (None: out of the root), must not
    be followed: it leads out of the root, or into the root's version-control data
    (`Dockerfile.ci -> .git/config`: actions/checkout writes the job's token there)."""
    return real is None or leads_into_version_control(path, real, root, real_root)


def resolve_link(
    path: str, real: str, root: str, real_root: str
) -> tuple[os.stat_result | None, str | None]:
    """What `path` leads to: its status and real path, found without looking outside the root
    (guardlint.parse.beneath); (None, None) where it leads out, whatever lies there. `real` is
    its parent's real path and its name ("" for a path argument): a link met in the walk is
    resolved from its directory, not from the root again. Raises OSError: ELOOP past the
    bound on links, ENOENT for a link to nothing."""
    if real:
        target = resolve_names(real_root, os.path.dirname(real), [os.path.basename(real)])
    elif os.path.abspath(path) == os.path.abspath(root):
        target = real_root  # the root itself, wherever the user's name for it leads
    else:
        target = resolve_beneath(path, root, real_root)
    if target is None:
        return None, None
    return os.stat(target, follow_symlinks=False), target
