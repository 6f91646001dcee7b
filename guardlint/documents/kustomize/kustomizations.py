"""Kustomize patches: Kubernetes documents that are partial objects, not whole ones.

A document is a patch when it carries strategic-merge directives (`$patch`,
`$setElementOrder/...`, `$retainKeys`, `$deleteFromPrimitiveList/...`), or when a kustomization
(kustomization.yaml, kustomization.yml or Kustomization) in its directory or a directory above
it, inside the scan root, lists its file under `patches`, `patchesStrategicMerge` or
`patchesJson6902`. What a patch leaves out is in the base it patches, so rules that reason about
what an object lacks must not judge a patch by its silence; what it says still counts.

A kustomization's `namespace:` is the namespace of every resource it builds: a file it lists
under `resources` or the deprecated `bases`, or one the kustomization of a directory it lists
builds, has that namespace although its own metadata names none.

What one directory's kustomization lists and sets is read by kustomization_contents; one
kustomize's load restrictor refuses to build sets nothing in any build (its namespace, images,
resources count nowhere), and its patches stay patches (what they are written as does not
change).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from typing import Any

from guardlint.documents.kustomize.kustomization_contents import (
    ImageOverride,
    Kustomization,
    kustomization_at,
)
from guardlint.model.documents import Document
from guardlint.parse.inputs import lies_inside
from guardlint.parse.located import region_of
from guardlint.parse.recorder import per_snapshot

_DIRECTIVE_KEYS = ("$patch",)
_DIRECTIVE_PREFIXES = ("$setElementOrder/", "$retainKeys", "$deleteFromPrimitiveList/")
_PARTIAL = "partial_object"  # the answer, kept in Document.meta for the file's other rules
# A document made partial by what it is (an EKS KubernetesPatch's object) says so in its meta.
PARTIAL_OBJECT = _PARTIAL
_KUSTOMIZATIONS = "kustomizations"  # _kustomizations' answer, kept in Document.meta likewise
_IMAGES = "kustomized_images"  # _rewriting_images' answer, kept in Document.meta likewise


def is_patch(document: Document) -> bool:
    """Whether the document is a Kustomize patch (see the module's docstring)."""
    return bool(document.once(_PARTIAL, lambda: _is_patch(document)))


def _is_patch(document: Document) -> bool:
    directive = _may_hold_directive(document) and _has_directive(document.data)
    return directive or _listed_as_patch(document)


def _may_hold_directive(document: Document) -> bool:
    """Whether the document's text holds a `$`, or an escape that may write one
    (`"\\u0024patch"`): without either, no key is a directive, and the walk of the whole
    document is not needed. Only its own text is read (each item of a List of thousands would
    read the whole file again), unless a YAML alias may bring a map from elsewhere."""
    region = None if document.may_alias else region_of(document.data)
    if region is None:
        return any("$" in line or "\\" in line for line in document.lines)
    first, last = region.start_line - 1, region.end_line - 1
    lines = document.lines[first : last + 1]
    if lines:  # from the region's start column to its end column (on one line: both)
        lines[-1] = lines[-1][: region.end_column]
        lines[0] = lines[0][region.start_column - 1 :]
    return any("$" in line or "\\" in line for line in lines)


def _has_directive(data: Any) -> bool:
    """Whether any map in the document has a strategic-merge directive key (iteratively: the
    YAML loader's nesting limit bounds the depth, the document's size the work)."""
    pending = [data]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            for key in current:
                if isinstance(key, str) and (
                    key in _DIRECTIVE_KEYS or key.startswith(_DIRECTIVE_PREFIXES)
                ):
                    return True
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return False


def _kustomizations(document: Document) -> tuple[str, list[tuple[str, Kustomization]]]:
    """(the document's normalized path, (directory, kustomization) of each directory from its
    own up to the scan root, nearest first); looked up once per document (is_patch,
    kustomized_namespace and the service-account look-up ask, and each look-up reads three
    names in every directory up to the root)."""
    return document.once(_KUSTOMIZATIONS, lambda: _kustomizations_above(document))


def _kustomizations_above(document: Document) -> tuple[str, list[tuple[str, Kustomization]]]:
    source = document.source
    if source is None:
        return "", []
    return _kustomizations_of(source.path, source.root)


@per_snapshot  # the documents of a file share it (a List's items, a stream's objects)
def _kustomizations_of(
    file_path: str, file_root: str | None
) -> tuple[str, list[tuple[str, Kustomization]]]:
    path = os.path.normpath(os.path.abspath(file_path))
    root = os.path.abspath(file_root) if file_root is not None else None
    directories = directories_up(os.path.dirname(path), root)
    return path, [(directory, kustomization_at(directory, root)) for directory in directories]


@functools.lru_cache(maxsize=1024)  # a file's path alone: the documents of a tree share them
def directories_up(directory: str, root: str | None) -> tuple[str, ...]:
    """`directory` and each directory above it up to `root` (only itself without a root)."""
    found = [directory]
    parent = os.path.dirname(directory)
    while root is not None and parent != directory and lies_inside(parent, root):
        directory = parent
        found.append(directory)
        parent = os.path.dirname(directory)
    return tuple(found)


def _listed_as_patch(document: Document) -> bool:
    path, found = _kustomizations(document)
    return any(path in kustomization.patches for _, kustomization in found)


def _building(path: str, found: list[tuple[str, Kustomization]]) -> set[str]:
    """The directories of the kustomizations above `path` (`found`, nearest first) that build
    it: one that lists it, or lists the directory of one that builds it (kustomize builds a
    listed directory's kustomization, not every file below it)."""
    building: set[str] = set()
    for directory, kustomization in found:
        resources = kustomization.resources
        if path in resources or any(inner in resources for inner in building):
            building.add(directory)
    return building


def building_kustomizations(document: Document) -> list[tuple[str, Kustomization]]:
    """(directory, kustomization) of each kustomization above the document that builds its
    file (see _building), nearest first."""
    path, found = _kustomizations(document)
    building = _building(path, found)
    return [(directory, kustomization) for directory, kustomization in found
            if directory in building]  # fmt: skip


def _building_or_patching(path: str, found: list[tuple[str, Kustomization]]) -> list[str]:
    building = _building(path, found)
    return [d for d, k in found if d in building or (path in k.patches and not k.refused)]


def kustomized_above(document: Document) -> tuple[str, tuple[str, ...]] | None:
    """(the document's normalized path, the directories of the kustomizations above it that
    build or patch its file, nearest first); None when none does."""
    path, found = _kustomizations(document)
    listing = tuple(_building_or_patching(path, found))
    return (path, listing) if listing else None


def kustomized_image(
    document: Document, name: str, tag: str | None, digest: str | None
) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of a container image of the document once the kustomizations that
    build or patch its file rewrite it (`images:`), the nearest first, as kustomize applies
    them; as written when none does."""
    rewrites = document.once(_IMAGES, lambda: _rewriting_images(document))
    return rewritten_image(rewrites, name, tag, digest)


def rewritten_image(
    rewrites: Iterable[dict[str, ImageOverride]], name: str, tag: str | None, digest: str | None
) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image once each kustomization's `images:` (in `rewrites`, in
    the order kustomize applies them) rewrites it."""
    for images in rewrites:
        override = images.get(name)
        if override is None:
            continue
        name = override.name or name
        if override.tag is not None or override.digest is not None:
            # A new tag or digest replaces both the written tag and digest (kustomize's
            # image transformer): an entry naming a digest only drops the tag.
            tag, digest = override.tag, override.digest
    return name, tag, digest


def _rewriting_images(document: Document) -> list[dict[str, ImageOverride]]:
    """The `images:` of each kustomization that builds or patches the document's file, the
    nearest first (found once per document: each of its containers asks)."""
    path, found = _kustomizations(document)
    listing = set(_building_or_patching(path, found))
    return [k.images for d, k in found if k.images and d in listing]


def kustomized_namespace(document: Document) -> str | None:
    """The namespace the kustomizations above that build the document's file give it: the
    outermost that names one, as each sets it on what the ones it lists emitted."""
    found = building_kustomizations(document)
    return next((k.namespace for _, k in reversed(found) if k.namespace), None)
