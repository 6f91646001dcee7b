"""What a path a kustomization lists through a symbolic link names: kustomize follows a link
in `resources:`, `components:` and patch paths (its loader confirms a directory through its
real path), so a base listed as `../linked` (a link to `../base`) is the kustomization in
`base`, and its files are the files of `base`, where the scan reads them. The walk of a tree
(guardlint.documents.kustomize_builds) does not enter links: each kustomization is found once,
at its real path, within the walk's bounds.

A path is followed only where it leads to a place inside the scan root, named there as the
scan names it (below the root as given, not its real path); one that leads out stays as
written (guardlint.documents.outside_root leaves a GL001 note where it is named), so it names
no file of the scan. Where it leads is recorded for the result cache
(guardlint.parse.lookups.real_path)."""

from __future__ import annotations

import os

from guardlint.parse.inputs import lies_inside, relative_path
from guardlint.parse.lookups import real_path
from guardlint.parse.recorder import per_snapshot


def followed_link(path: str, root: str) -> str:
    """`path` (normalized, absolute) as the scan names the place it leads to, through any
    link on it; itself where none is, or where it leads out of `root`."""
    real, real_root = real_path(path), _real_root(root)
    if real == path or not lies_inside(real, real_root):
        return path
    return os.path.normpath(os.path.join(root, relative_path(real, real_root)))


@per_snapshot
def _real_root(root: str) -> str:
    return real_path(root)
