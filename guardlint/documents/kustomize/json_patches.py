"""A file of RFC 6902 operations that a kustomization lists with the object it patches
(`patchesJson6902: [{target: ..., path: ...}]`, or `patches: [{path: ..., target: ...}]`):
kustomize applies the operations to each object its target names. Each target of a kind the
Kubernetes rules judge (guardlint.documents.patched_kinds) makes the file a partial
`kubernetes` document of that kind and name (kustomizations.PARTIAL_OBJECT): what the operations'
add and replace write (guardlint.documents.json_patch) is judged, what they leave to the base
never is. A target without a name (a label selector's) names the object `*`; the first
MAX_TARGETS targets of a file are read.

The targets are read from the kustomizations in the file's directory and above it (inside the
scan root: kustomize's load restrictor refuses a patch from outside a kustomization's
directory), each read once per scan (guardlint.documents.kustomize.kustomizations)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from guardlint.documents.classify import kubernetes_meta
from guardlint.documents.json_patch import as_patched_object, is_operation_list, patched_object
from guardlint.documents.kustomize.kustomization_contents import kustomization_at
from guardlint.documents.kustomize.kustomizations import PARTIAL_OBJECT, directories_up
from guardlint.model.documents import SourceFile
from guardlint.parse.located import YamlSeq

# The objects one file's operations are read over (each reads the whole file): a few targets
# share one patch in a real kustomization, a hostile one may list thousands.
MAX_TARGETS = 32


def json_patch_objects(data: Any, source: SourceFile) -> Iterator[tuple[str, Any, dict]]:
    """(kind, object, meta) of each object a kustomization patches with the operations
    `data` (a file's document) holds; nothing for a file no kustomization lists so."""
    if source.root is None or not isinstance(data, YamlSeq) or not is_operation_list(data):
        return
    path = os.path.normpath(os.path.abspath(source.path))
    root = os.path.abspath(source.root)
    targets = dict.fromkeys(
        target
        for directory in directories_up(os.path.dirname(path), root)
        for target in kustomization_at(directory, root).json_patches.get(path, ())
    )
    for target in list(targets)[:MAX_TARGETS]:
        written = patched_object(data)
        if written is not None:
            item = as_patched_object(written, *target)
            yield "kubernetes", item, {**kubernetes_meta(item, False), PARTIAL_OBJECT: True}
