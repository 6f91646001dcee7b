"""The targets a kustomization gives the patch files it lists (`patchesJson6902: [{target:
..., path: ...}]`, `patches: [{path: ..., target: ...}]`), for the files that hold RFC 6902
operations (guardlint.documents.kustomize_json_patches): the object of a kind the Kubernetes
rules judge (guardlint.documents.patched_kinds) that each names. Nothing here reads a file."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from guardlint.documents.patched_kinds import API_VERSIONS


class PatchTarget(NamedTuple):
    """The object a kustomize patch entry's `target` names (None: not said)."""

    api_version: str
    kind: str
    name: str
    namespace: str | None


def json_patch_targets(directory: str, kustomization: dict) -> dict[str, tuple[PatchTarget, ...]]:
    """The targets of the patch files a kustomization lists with one, by normalized path
    (files in or below its directory only; kinds not known here are left out)."""
    found: dict[str, dict[PatchTarget, None]] = {}
    for field in ("patchesJson6902", "patches"):
        entries = kustomization.get(field)
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
                continue
            target = patch_target(entry.get("target"))
            path = os.path.normpath(os.path.join(directory, entry["path"]))
            if target is not None and path.startswith(directory.rstrip(os.sep) + os.sep):
                found.setdefault(path, {})[target] = None
    return {path: tuple(targets) for path, targets in found.items()}


def patch_target(target: Any) -> PatchTarget | None:
    """The object a patch entry's `target` names; None without one, or of a kind not known."""
    if not isinstance(target, dict) or target.get("kind") not in API_VERSIONS:
        return None
    kind = target["kind"]
    group, version = (target.get(key) for key in ("group", "version"))
    if isinstance(version, str) and version:
        api_version = f"{group}/{version}" if isinstance(group, str) and group else version
    else:
        api_version = API_VERSIONS[kind]
    name, namespace = (target.get(key) for key in ("name", "namespace"))
    return PatchTarget(
        api_version,
        kind,
        name if isinstance(name, str) and name else "*",
        namespace if isinstance(namespace, str) and namespace else None,
    )
