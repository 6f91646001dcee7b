"""The patches a kustomization writes inline: a `patch:` string of an entry of `patches` or
`patchesJson6902`, or a string of `patchesStrategicMerge` (a document's text, not a file's
path). Each is read as a file patch is: a strategic-merge patch (a mapping with its apiVersion
and kind, or any mapping given a `target`) as the partial object it is, RFC 6902 operations
given a `target` of a kind known here (guardlint.documents.kustomize.targets) as the partial
object their add and replace write (guardlint.documents.json_patch); each a `kubernetes`
document derived from the kustomization's (guardlint.documents.registry), marked partial
(kustomizations.PARTIAL_OBJECT) and placed where its text is written: line by line in a literal
block (`patch: |-`), else at the string (ONE_PLACE). Each text is parsed once with the YAML
loader's limits, so the reading is linear in the kustomization."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.classify import is_kubernetes, kubernetes_meta
from guardlint.documents.json_patch import as_patched_object, is_operation_list, patched_object
from guardlint.documents.kustomize.kustomizations import PARTIAL_OBJECT
from guardlint.documents.kustomize.targets import PatchTarget, patch_target
from guardlint.model.documents import ONE_PLACE, Document, Region
from guardlint.parse.kubectl_keys import read_keys_as_kubectl
from guardlint.parse.literal_blocks import literal_block_placer
from guardlint.parse.located import YamlError, YamlMap, YamlSeq, relocate
from guardlint.parse.yaml_nodes import load_documents

_KUSTOMIZE_API = "kustomize.config.k8s.io/"


def inline_patches(document: Document) -> Iterator[Document]:
    """The partial object each inline patch of a kustomization document writes."""
    data = document.data
    if not isinstance(data, YamlMap) or data.get("kind") not in ("Kustomization", "Component"):
        return
    if not str(data.get("apiVersion", "")).startswith(_KUSTOMIZE_API):
        return
    for text, region, target in _inline_texts(data):
        place = literal_block_placer(region, document.lines)
        try:
            parsed = load_documents(text, cfn_tags=False)
        except YamlError:
            continue  # kustomize fails on it too
        for patch in parsed:
            read_keys_as_kubectl(patch)  # as kubectl reads the object it patches
            item = _object(patch, target)
            if item is None:
                continue
            relocate(item, place or (lambda _, where=region: where))
            meta = {**kubernetes_meta(item, False), PARTIAL_OBJECT: True}
            if place is None:
                meta[ONE_PLACE] = region
            yield document.derived("kubernetes", item, meta)


def _inline_texts(data: YamlMap) -> Iterator[tuple[str, Region, PatchTarget | None]]:
    for field in ("patches", "patchesJson6902", "patchesStrategicMerge"):
        entries = data.get(field)
        if not isinstance(entries, YamlSeq):
            continue
        for index, entry in enumerate(entries):
            if isinstance(entry, YamlMap) and isinstance(entry.get("patch"), str):
                yield entry["patch"], entry.value_region("patch"), patch_target(entry.get("target"))
            elif field == "patchesStrategicMerge" and isinstance(entry, str) and "\n" in entry:
                yield entry, entries.item_region(index), None


def _object(patch: Any, target: PatchTarget | None) -> YamlMap | None:
    """The partial object a patch's document writes: operations over a known target, a
    mapping as the target (when given) or as itself (when it says what it is)."""
    if isinstance(patch, YamlSeq) and is_operation_list(patch):
        written = patched_object(patch) if target is not None else None
        return as_patched_object(written, *target) if written is not None else None
    if not isinstance(patch, YamlMap):
        return None
    if target is not None:
        return as_patched_object(patch, *target)
    return patch if is_kubernetes(patch) else None
