"""The patches a kustomization applies, in the order kustomize applies them (its builtin
transformers': `patchesStrategicMerge`, then `patches`, then `patchesJson6902`): each a file
(its normalized path) or a text written inline, with the `target` that selects the objects it
patches (guardlint.documents.kustomize.targets.Selector; none: each document of a strategic
merge patch selects the object it names). An entry that is neither (a URL, a map without a
path or a patch) is kept as unknown. Nothing here reads a file."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from guardlint.documents.kustomize.targets import Selector, target_selector

_FIELDS = ("patchesStrategicMerge", "patches", "patchesJson6902")


class PatchEntry(NamedTuple):
    """One patch a kustomization applies (path and text None: not known here)."""

    path: str | None
    text: str | None
    target: Selector | None
    operations_only: bool  # listed under patchesJson6902: RFC 6902 operations, never a map
    # Listed under `patches:`: one document (kustomize's resource.Factory.FromBytes).
    one_document: bool = False
    # Its `options` let a strategic merge change the object's name, its kind.
    name_change: bool = False
    kind_change: bool = False

    @property
    def known(self) -> bool:
        return self.path is not None or self.text is not None


def patch_entries(directory: str, kustomization: dict) -> tuple[PatchEntry, ...]:
    """The patches of a kustomization (a parsed map) in `directory`, in kustomize's order."""
    found: list[PatchEntry] = []
    for field in _FIELDS:
        entries = kustomization.get(field)
        for entry in entries if isinstance(entries, list) else ():
            found.append(_entry(directory, entry, field))
    return tuple(found)


def _entry(directory: str, entry: Any, field: str) -> PatchEntry:
    spec = entry if isinstance(entry, dict) else {"path": entry}
    options = spec.get("options") if isinstance(spec.get("options"), dict) else {}
    shape = (
        target_selector(spec.get("target")),
        field == "patchesJson6902",
        field == "patches",
        options.get("allowNameChange") is True,
        options.get("allowKindChange") is True,
    )
    path, text = spec.get("path"), spec.get("patch")
    if isinstance(text, str) and text.strip():
        # PatchTransformer: "patch and path can't be set at the same time" (the build fails).
        return PatchEntry(None, None if path else text, *shape)
    if isinstance(path, str) and "\n" in path:  # patchesStrategicMerge: a document's text
        return PatchEntry(None, path, *shape)
    if isinstance(path, str) and path and "://" not in path:
        return PatchEntry(os.path.normpath(os.path.join(directory, path)), None, *shape)
    return PatchEntry(None, None, *shape)
