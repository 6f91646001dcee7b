"""Kustomize patches: Kubernetes documents that are partial objects, not whole ones.

A document is a patch when it carries strategic-merge directives (`$patch`,
`$setElementOrder/...`, `$retainKeys`, `$deleteFromPrimitiveList/...`), or when a kustomization
(kustomization.yaml, kustomization.yml or Kustomization) in its directory or a directory above
it, inside the scan root, lists its file under `patches`, `patchesStrategicMerge` or
`patchesJson6902`. What a patch leaves out is in the base it patches, so rules that reason about
what an object lacks must not judge a patch by its silence; what it says still counts.

A kustomization is the repository's file: it is read like any scanned input
(guardlint.parse.inputs: inside the scan root, bounded) and parsed by the same YAML loader with
its limits. One that cannot be read or parsed lists no patch. Whether one is there, and what it
says, is recorded for the result cache (guardlint.parse.recorder), also where the answer comes
from the cache of kustomizations below.

A kustomization's `namespace:` is the namespace of every resource it builds: a file it lists
under `resources` or the deprecated `bases`, or one the kustomization of a directory it lists
builds, has that namespace although its own metadata names none.

A kustomization kustomize's load restrictor refuses to build (guardlint.documents.
restrictor) sets nothing in any build (its namespace, images, resources count
nowhere): it is read as `refused`, and its patches stay patches (what they are written as does
not change).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from guardlint.documents.kustomize.patch_entries import PatchEntry, patch_entries
from guardlint.documents.kustomize.replacements import (
    GENERATOR_FIELDS,
    PLUGIN_FIELDS,
    replacement_entries,
)
from guardlint.documents.kustomize.restrictor import refused
from guardlint.documents.kustomize.targets import json_patch_targets
from guardlint.model.documents import Document
from guardlint.parse.inputs import InputError, lies_inside, read_input
from guardlint.parse.located import region_of
from guardlint.parse.lookups import entry_info
from guardlint.parse.recorder import memoized, per_snapshot
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
PATCH_FIELDS = ("patches", "patchesStrategicMerge", "patchesJson6902")
# `bases` is the deprecated spelling of `resources`, which kustomize still reads; a component
# (kind: Component) listed under `components` adds its resources to the kustomization's, which
# transforms them as its own.
RESOURCE_FIELDS = ("resources", "bases", "components")
# A kustomization is a short list of files and settings.
MAX_KUSTOMIZATION_BYTES = 1_000_000
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


class ImageOverride(NamedTuple):
    """One entry of a kustomization's `images:`: what replaces the name, tag and digest of a
    container image of that name (None: kept)."""

    name: str | None
    tag: str | None
    digest: str | None


@dataclass(frozen=True)
class Kustomization:
    """What guardlint reads of a kustomization: the files it lists as patches and as
    resources (normalized paths; a resource may be a directory), its namespace and its image
    overrides by image name."""

    patches: frozenset[str] = frozenset()
    resources: frozenset[str] = frozenset()
    namespace: str | None = None
    # Its `components:` in order (also among its resources): each one's transformers (its
    # `images:`, `namespace:`) apply to all it has built so far, before its own.
    components: tuple[str, ...] = ()
    images: dict[str, ImageOverride] = field(default_factory=dict, hash=False)
    size: int = 0  # bytes of its file, parsed: what reading it cost
    # The files it lists as JSON patches with their targets (json_patches).
    json_patches: dict[str, tuple] = field(default_factory=dict, hash=False)
    # Every patch it applies, in kustomize's order (patch_entries).
    patch_entries: tuple[PatchEntry, ...] = field(default=(), hash=False)
    # Its `namePrefix:` and `nameSuffix:` ("" for none).
    name_affixes: tuple[str, str] = ("", "")
    # kustomize refuses to build it (the load restrictor, above): it lists its patches only.
    refused: bool = False
    # (listed as a patch, the path as written) of each file or directory it lists, for the
    # load restrictor.
    entries: tuple[tuple[bool, str], ...] = field(default=(), hash=False)
    # Its `replacements:` (replacements; None: not known) and whether it makes
    # objects of its own or runs plugins (generators, transformers): what a replacement's
    # source may be or may have become.
    replacements: tuple | None = field(default=(), hash=False)
    generates: bool = False
    plugins: bool = False  # makes or changes objects other than by configMap/secretGenerator


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
    path = os.path.normpath(os.path.abspath(source.path))
    root = os.path.abspath(source.root) if source.root is not None else None
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


def _signature(directory: str) -> tuple:
    """What tells one version of a directory's kustomizations from another (names, sizes and
    times, links not followed): the cache below is keyed on it, so that a kustomization
    written between two scans of one process is read again."""
    found = []
    for name in KUSTOMIZATION_NAMES:
        info = entry_info(os.path.join(directory, name))
        if info is not None:
            found.append((name, info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(found)


_NONE = Kustomization()


@per_snapshot
def kustomization_at(directory: str, root: str | None) -> Kustomization:
    """The kustomization in `directory`: files of one directory, and the directories below
    it, of a scan ask for it again."""
    kustomization = kustomization_in(directory, root, _signature(directory))
    if kustomization.entries and refused(directory, kustomization.entries):
        # Here, once per scan, not in the memo: what the entries name may change between two
        # scans of one process while the kustomization does not.
        return Kustomization(
            patches=kustomization.patches,
            size=kustomization.size,
            json_patches=kustomization.json_patches,
            refused=True,
        )
    return kustomization


@memoized(maxsize=1024)
def kustomization_in(directory: str, root: str | None, signature: tuple) -> Kustomization:
    """The kustomization in `directory` (`signature`: see _signature); an empty one where
    there is none or it cannot be read."""
    if not signature:
        return _NONE
    for name in KUSTOMIZATION_NAMES:
        try:
            data = read_input(os.path.join(directory, name), MAX_KUSTOMIZATION_BYTES, root)
        except InputError as exc:
            if exc.missing:
                continue
            # There but not read (too large, linked out of the scan root, a FIFO): kustomize
            # refuses a directory of two kustomizations, so the next name never stands in.
            return _NONE
        try:
            documents = load_documents(data.decode("utf-8"), cfn_tags=False)
        except (UnicodeDecodeError, ParseError, RecursionError):
            return _NONE
        kustomization = documents[0] if documents else None
        if not isinstance(kustomization, dict):
            return _NONE
        namespace = kustomization.get("namespace")
        patches = _paths(directory, (kustomization.get(f) for f in PATCH_FIELDS))
        json_patches = json_patch_targets(directory, kustomization)
        return Kustomization(
            patches=patches,
            resources=_paths(directory, (kustomization.get(f) for f in RESOURCE_FIELDS)),
            namespace=namespace if isinstance(namespace, str) and namespace else None,
            components=tuple(
                dict.fromkeys(
                    os.path.normpath(os.path.join(directory, entry))
                    for entry in _patch_paths(kustomization.get("components"))
                )
            ),
            images=_image_overrides(kustomization.get("images")),
            size=len(data),
            json_patches=json_patches,
            patch_entries=patch_entries(directory, kustomization),
            name_affixes=(
                _text(kustomization.get("namePrefix")),
                _text(kustomization.get("nameSuffix")),
            ),
            entries=tuple(
                (listed_in in PATCH_FIELDS, entry)
                for listed_in in (*PATCH_FIELDS, *RESOURCE_FIELDS)
                for entry in _patch_paths(kustomization.get(listed_in))
            ),
            replacements=replacement_entries(directory, kustomization),
            generates=any(kustomization.get(key) for key in PLUGIN_FIELDS),
            plugins=any(
                kustomization.get(key) for key in PLUGIN_FIELDS if key not in GENERATOR_FIELDS
            ),
        )
    return _NONE


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _image_overrides(entries: Any) -> dict[str, ImageOverride]:
    """The overrides of an `images:` list by image name (the first entry of a name wins); a
    value written as a YAML number (`newTag: 2.1`) is its text."""
    overrides: dict[str, ImageOverride] = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            parts = [entry.get(key) for key in ("newName", "newTag", "digest")]
            new_name, tag, digest = (None if v in (None, "") else str(v) for v in parts)
            overrides.setdefault(entry["name"], ImageOverride(new_name, tag, digest))
    return overrides


def _paths(directory: str, lists: Any) -> frozenset[str]:
    return frozenset(
        os.path.normpath(os.path.join(directory, entry))
        for entries in lists
        for entry in _patch_paths(entries)
    )


def _patch_paths(entries: Any) -> list[str]:
    """The file paths of a patch or resource list: `- path/to/patch.yaml` or `- path: ...`
    (an inline patch, a multi-line string or `patch:`, names no file; a URL is no path here)."""
    if not isinstance(entries, list):
        return []
    paths = [entry.get("path") if isinstance(entry, dict) else entry for entry in entries]
    return [
        path
        for path in paths
        if isinstance(path, str) and path and "\n" not in path and "://" not in path
    ]
