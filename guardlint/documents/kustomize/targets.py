"""The targets a kustomization gives the patch files it lists (`patchesJson6902: [{target:
..., path: ...}]`, `patches: [{path: ..., target: ...}]`), for the files that hold RFC 6902
operations (guardlint.documents.kustomize.json_patches): the object of a kind the Kubernetes
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
    kind = target.get("kind") if isinstance(target, dict) else None
    if not isinstance(kind, str) or kind not in API_VERSIONS:  # any YAML value may stand there
        return None
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


# A target's name is a regular expression kustomize matches whole: one without these
# characters is a name, selecting that object only.
_PATTERN_CHARACTERS = frozenset("\\^$*+?()[]{}|")


class Selector(NamedTuple):
    """The objects a patch entry's `target` selects, for the object a build emits (None: any);
    not `certain` where it may select an object or not as guardlint reads it (a label or
    annotation selector, a name pattern)."""

    group: str | None
    version: str | None
    kind: str | None
    name: str | None
    namespace: str | None
    certain: bool

    def selects(self, api_version: str, kind: str, name: str, namespaces: set[str]) -> bool:
        """Whether it surely selects the object of this apiVersion, kind and name whose
        namespace has been any of `namespaces` (kustomize matches every name an object had)."""
        group, _, version = api_version.rpartition("/")
        wanted = (
            (self.group, group),
            (self.version, version),
            (self.kind, kind),
            (self.name, name),
        )
        if not self.certain or any(said is not None and said != value for said, value in wanted):
            return False
        return self.namespace is None or self.namespace in namespaces


def target_selector(target: Any) -> Selector | None:
    """The objects a patch entry's `target` selects; None for no target (a map)."""
    if not isinstance(target, dict):
        return None
    said = {key: target.get(key) for key in ("group", "version", "kind", "name", "namespace")}
    if any(value is not None and not isinstance(value, str) for value in said.values()):
        return Selector(None, None, None, None, None, certain=False)
    name = said["name"] or None
    certain = not (
        target.get("labelSelector")
        or target.get("annotationSelector")
        or (name is not None and not _PATTERN_CHARACTERS.isdisjoint(name))
    )
    return Selector(
        said["group"],
        said["version"] or None,
        said["kind"] or None,
        name,
        said["namespace"] or None,
        certain,
    )
