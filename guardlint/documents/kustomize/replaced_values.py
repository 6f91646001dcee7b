"""What a kustomization's replacements write, judged as patches are: for each replacement whose
value is known (guardlint.documents.kustomize.replacement_sources), a scalar written whole, and
each target that selects a kind known here (targets.patch_target), the partial object
each field path writes (`spec.template.spec.containers.[name=app].image` as the container `app`
with that image), a `kubernetes` document derived from the kustomization's
(guardlint.documents.registry), marked partial (kustomizations.PARTIAL_OBJECT) and placed at the
replacement's entry (ONE_PLACE). So an unsafe value a replacement copies into an object
(`privileged: "true"` from a ConfigMap) is reported where the replacement is written, as a
patch's is at the patch; what the replaced object lacks is the base's to say."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from guardlint.documents.classify import kubernetes_meta
from guardlint.documents.json_patch import as_patched_object
from guardlint.documents.kustomize.kustomization_contents import kustomization_at
from guardlint.documents.kustomize.kustomizations import PARTIAL_OBJECT
from guardlint.documents.kustomize.replacement_sources import replacement_values
from guardlint.documents.kustomize.replacement_writes import created_value
from guardlint.documents.kustomize.replacements import (
    NOT_KNOWN,
    Replacement,
    Token,
    replacements,
)
from guardlint.documents.kustomize.targets import patch_target
from guardlint.model.documents import ONE_PLACE, Document, Region
from guardlint.parse.located import YamlMap, YamlSeq

_KUSTOMIZE_API = "kustomize.config.k8s.io/"


def replaced_values(document: Document) -> Iterator[Document]:
    """The partial object each known replacement of a kustomization document writes."""
    data, source = document.data, document.source
    if not isinstance(data, YamlMap) or data.get("kind") not in ("Kustomization", "Component"):
        return
    entries = data.get("replacements")
    if not isinstance(entries, YamlSeq) or source is None or source.root is None:
        return
    if not str(data.get("apiVersion", "")).startswith(_KUSTOMIZE_API):
        return
    directory, root = os.path.dirname(os.path.abspath(source.path)), os.path.abspath(source.root)
    values = replacement_values(directory, root)
    read = kustomization_at(directory, root).replacements
    if not values or read is None or len(read) != len(entries):
        return
    at = 0
    for index, entry in enumerate(read):
        count = len(replacements((entry,), root) or ())
        region = entries.item_region(index)
        for replacement, value in values[at : at + count]:
            yield from _written(document, replacement, value, region)
        at += count


def _written(
    document: Document, replacement: Any, value: Any, region: Region
) -> Iterator[Document]:
    if not isinstance(replacement, Replacement) or value is NOT_KNOWN:
        return
    if isinstance(value, (dict, list)):
        return
    for target in replacement.targets:
        said = {key: said for key, said in target.select._asdict().items() if key != "certain"}
        named = patch_target(said)
        written = created_value(value)
        if named is None or target.options.delimiter or written is NOT_KNOWN:
            continue
        for path in target.field_paths:
            item = _partial(path, written, region)
            if isinstance(item, YamlMap):
                as_patched_object(item, *named)
                meta = {**kubernetes_meta(item, False), PARTIAL_OBJECT: True, ONE_PLACE: region}
                yield document.derived("kubernetes", item, meta)


def _partial(path: tuple[Token, ...], value: Any, region: Region) -> Any:
    """The object a field path writes `value` into, built from its end, at `region`."""
    for token in reversed(path):
        if token.key is not None and token.index is None:
            holder = YamlMap(region)
            holder[token.key] = value
        else:
            item = YamlMap(region)
            if token.match is not None:
                item[token.match[0]] = token.match[1]
            if not isinstance(value, dict):
                return None
            item.update(value)
            holder = YamlSeq(region)
            holder.append(item)
        value = holder
    return value
