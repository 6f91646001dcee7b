"""One directory's kustomization (kustomization.yaml, kustomization.yml or Kustomization) as
guardlint reads it: the files it lists as patches and resources, its namespace, components,
image overrides, name affixes, replacements and generators.

A kustomization is the repository's file: it is read like any scanned input
(guardlint.parse.inputs: inside the scan root, bounded) and parsed by the same YAML loader with
its limits. One that cannot be read or parsed lists no patch. Whether one is there, and what it
says, is recorded for the result cache (guardlint.parse.recorder), also where the answer comes
from the cache of kustomizations below.

A kustomization kustomize's load restrictor refuses to build (guardlint.documents.kustomize.
restrictor) sets nothing in any build (its namespace, images, resources count nowhere): it is
read as `refused`, with its patches only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from guardlint.documents.kustomization_files import KUSTOMIZATION_NAMES
from guardlint.documents.kustomize.patch_entries import PatchEntry, patch_entries
from guardlint.documents.kustomize.replacements import (
    GENERATOR_FIELDS,
    PLUGIN_FIELDS,
    replacement_entries,
)
from guardlint.documents.kustomize.restrictor import refused
from guardlint.documents.kustomize.targets import json_patch_targets
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.lookups import entry_info
from guardlint.parse.recorder import memoized, per_snapshot
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents

PATCH_FIELDS = ("patches", "patchesStrategicMerge", "patchesJson6902")
# `bases` is the deprecated spelling of `resources`, which kustomize still reads; a component
# (kind: Component) listed under `components` adds its resources to the kustomization's, which
# transforms them as its own.
RESOURCE_FIELDS = ("resources", "bases", "components")
# A kustomization is a short list of files and settings.
MAX_KUSTOMIZATION_BYTES = 1_000_000


class ImageOverride(NamedTuple):
    """One entry of a kustomization's `images:`: what replaces the name, tag and digest of a
    container image of that name (None: kept)."""

    name: str | None
    tag: str | None
    digest: str | None


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
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
