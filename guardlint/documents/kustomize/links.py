"""What a path a kustomization lists through a symbolic link names: kustomize follows a link
in `resources:`, `components:` and patch paths (its loader confirms a directory through its
real path), so a base listed as `../linked` (a link to `../base`) is the kustomization in
`base`, and its files are the files of `base`, where the scan reads them. The walk of a tree
(guardlint.documents.kustomize.builds) does not enter links: each kustomization is found once,
at its real path, within the walk's bounds.

A path is followed where it leads to a kustomization of the scan root's tree (kustomize
builds a listed directory where its link leads), or to a file inside the listing
kustomization's own directory: kustomize's load restrictor refuses a file whose directory
really lies outside it (a `linked/deployment.yaml` through a link to `../base`), so that one
stays as written and names no file of the scan, nor does one that leads out of the scan root
(guardlint.documents.outside_root leaves a GL001 note where it is named). A place is named as
the scan names it (below the root as given, not its real path). Where a path leads is recorded
for the result cache (guardlint.parse.lookups.real_path)."""

from __future__ import annotations

import os
from collections.abc import Container

from guardlint.parse.inputs import relative_path
from guardlint.parse.lookups import real_path, real_root
from guardlint.parse.recorder import per_snapshot


def followed_link(path: str, lister: str, kustomizations: Container[str], root: str) -> str:
    """`path` (normalized, absolute), listed by the kustomization in `lister`, as the scan
    names the place it leads to through any link on it; itself where none is, or where it is
    not followed (see the module's docstring). `kustomizations`: the directories of the
    tree's kustomizations."""
    real = real_path(path, root)
    if real is None or real == path:
        return path
    real_root = _real_root(root)
    followed = os.path.normpath(os.path.join(root, relative_path(real, real_root)))
    if followed in kustomizations or followed.startswith(lister.rstrip(os.sep) + os.sep):
        return followed
    return path


@per_snapshot
def _real_root(root: str) -> str:
    return real_root(root)
