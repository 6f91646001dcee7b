"""Kustomize's load restrictor (LoadRestrictionsRootOnly, its default): `kustomize build`
refuses a kustomization that lists a file outside its own directory tree (a resource
`../x/sa.yaml`, a patch `../../shared/patch.yaml`), a directory that holds no kustomization, or
a file that is not there (where the entry cannot be a remote one). kustomization_contents.py
reads such a kustomization as refused: what it would set counts in no build.

Each entry is looked up (recorded for the result cache: guardlint.parse.lookups), and whether a
listed directory holds a kustomization once per scan (the overlays of a tree list the same
bases). Only the first MAX_CHECKED_ENTRIES entries are looked up: a kustomization none of them
has refused is read as building, as it was before the restrictor was read (taking the rest as
refused would let padding past the bound turn off its `images:` rewrites, K8S012's findings).
A link is taken as kustomize may follow it.
"""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterable

from guardlint.documents.kustomization_files import KUSTOMIZATION_NAMES
from guardlint.parse.lookups import entry_info
from guardlint.parse.recorder import per_snapshot

MAX_CHECKED_ENTRIES = 1_000


def refused(directory: str, entries: Iterable[tuple[bool, str]]) -> bool:
    """Whether kustomize refuses the kustomization in `directory` whose entries are `entries`
    ((is a patch, the path as written) of each): a patch file outside its directory or not
    there; a resource or component that is a file outside it, a directory without a
    kustomization, or nothing (unless it may be remote)."""
    inside = directory.rstrip(os.sep) + os.sep
    for is_patch, entry in itertools.islice(entries, MAX_CHECKED_ENTRIES):
        path = os.path.normpath(os.path.join(directory, entry))
        info = entry_info(path)
        if info is None:
            if is_patch or not _may_be_remote(entry):
                return True
        elif stat.S_ISLNK(info.st_mode):
            continue
        elif stat.S_ISDIR(info.st_mode):
            if is_patch or not holds_kustomization(path):
                return True
        elif not path.startswith(inside):
            return True
    return False


@per_snapshot
def holds_kustomization(directory: str) -> bool:
    """Whether a directory holds a kustomization (kustomization.yaml, .yml or Kustomization)."""
    return any(entry_info(os.path.join(directory, name)) for name in KUSTOMIZATION_NAMES)


def _may_be_remote(entry: str) -> bool:
    """Whether kustomize may fetch an entry that names no local file: a URL, an scp-like git
    address, or a path whose first part is a host name (`github.com/org/repo//deploy?ref=v1`)."""
    if entry.startswith(("git@", "git::", "ssh:", "http:", "https:", "file:")):
        return True
    first, slash, _ = entry.partition("/")
    return bool(slash) and "." in first.strip(".")
