"""The object each kustomize build emits of a base's object, once the build's patches change
it: a rule's finding on the base stands only where one of them still has it (the engine asks,
guardlint.documents.registry.deployed_documents), so a base that every overlay deploying it
patches safe is not reported, and one that some build leaves unsafe is, once, at the base.

The builds are guardlint.documents.kustomize_builds'. Along each, every kustomization's
patches (kustomize_patch_entries: files and inline texts, in kustomize's order) that surely
select the object are applied to it in turn: a strategic merge patch merged over it
(guardlint.documents.strategic_merge, located on the base's lines where both write), RFC 6902
operations applied to it (guardlint.documents.json_patch_apply). A patch selects the object by
its `target` (kustomize_targets.Selector), else by the apiVersion, kind, name and namespace it
names; the namespaces an object has had along the build (its own, `default` for none, then
each kustomization's) all match, as kustomize matches every ID an object had. So do its
names: a target its first or its current one (kustomize's resWrangler.Select), a patch that
names it any it has had, each kustomization's `namePrefix`/`nameSuffix` giving it one after
its strategic merges and before its `patchesJson6902`. A patch that may
select it or not (a label selector, a name pattern) is not applied: the base's findings it
might remove stay, and what it might add is the patch's own finding (a patch is judged as the
partial object it is).

Each kustomization's `replacements:` apply after its patches (guardlint.documents.
kustomize_replaced), and a patch whose root says `$patch: delete` leaves the build none of the
object (kustomize_deletions).

The builds are not known here (None: every finding of the object stands) where they are not
known at all, where none deploys the object (it is judged alone), where one deploys it as
written (no patch selects it), and where a kustomization on a build has a patch that cannot be
read or parsed, that is not a patch, that kustomize would fail on, or past the bounds: the
patch documents of one kustomization (MAX_PATCH_DOCUMENTS, each file within
MAX_PATCH_FILE_BYTES), the patches looked at and applied for one object over all its builds
(MAX_EXAMINED, MAX_APPLIED), the distinct objects they emit (MAX_EMITTED: each rule that finds
something on the base runs on each) and the entries each strategic merge copies
(MERGE_BUDGET). Each kustomization's patches are read
once per scan, each file once per version, like every input (recorded for the result cache).
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from guardlint.documents.classify import TEMPLATE_OBJECT
from guardlint.documents.json_patch import is_operation_list
from guardlint.documents.json_patch_apply import applied_operations
from guardlint.documents.kustomize import PARTIAL_OBJECT, is_patch, kustomization_at
from guardlint.documents.kustomize_builds import Build, builds
from guardlint.documents.kustomize_deletions import DELETED, deleted_at_last, deletes_object
from guardlint.documents.kustomize_replaced import Replaced, replaced
from guardlint.documents.kustomize_targets import Selector
from guardlint.documents.manifest_objects import manifest_signature
from guardlint.documents.strategic_merge import PatchMerge
from guardlint.model import ONE_PLACE, Document
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.recorder import memoized, per_snapshot
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents

MAX_PATCH_DOCUMENTS = 256
MAX_PATCH_FILE_BYTES = 1_000_000
# The patches (and replacements' targets) looked at for one object over all its builds (each
# asked whether it selects the object), those applied to it, and the distinct objects its
# builds emit: each rule that finds something on the object runs again on each of those.
MAX_EXAMINED = 1_024
MAX_APPLIED = 64
MAX_EMITTED = 8
MERGE_BUDGET = 20_000
# What a variant of the object keeps of the base's meta: what names it, not what rules cached.
_IDENTITY = ("kind", "name", "namespace", "resource", TEMPLATE_OBJECT, ONE_PLACE)
_DEPLOYED = "kustomize_deployed"  # the answer, kept in Document.meta
_NOT_RENAMED = frozenset({"CustomResourceDefinition", "APIService", "Namespace"})


class _Patch(NamedTuple):
    """One patch document: a map (strategic merge) or RFC 6902 operations, and its target."""

    selector: Selector | None
    body: Any
    # Listed under patchesJson6902: applied after its kustomization's namespace and prefix.
    renamed_first: bool


class _Identity(NamedTuple):
    api_version: str
    kind: str
    name: str
    namespace: str | None


def deployed_objects(document: Document) -> list[Document] | None:
    """The object each build emits of the document's, each distinct one once, as documents of
    its file; None where they are not known (see the module's docstring)."""
    return document.once(_DEPLOYED, lambda: _deployed(document))


def _deployed(document: Document) -> list[Document] | None:
    identity = _identity(document.data)
    source = document.source
    if identity is None or source is None or source.root is None:
        return None
    if document.meta.get(PARTIAL_OBJECT) or is_patch(document):
        return None
    found = builds(document)
    if not found:
        return None
    root = os.path.abspath(source.root)
    emitted: dict[tuple[int, ...], Any] = {}
    examined = applied = 0
    for build in found:
        chosen, looked_at = _selecting(build, identity, root, MAX_EXAMINED - examined)
        examined += looked_at
        if not chosen:
            return None  # deployed as written, or not known
        key = tuple(
            patch.body.key if isinstance(patch.body, Replaced) else id(patch) for patch in chosen
        )
        if key in emitted:
            continue
        applied += len(chosen)
        if len(emitted) == MAX_EMITTED or applied > MAX_APPLIED:
            return None
        emitted[key] = _applied(document.data, chosen)
        if emitted[key] is None:
            return None
    meta = {key: document.meta[key] for key in _IDENTITY if key in document.meta}
    return [
        document.derived("kubernetes", data, dict(meta))
        for data in emitted.values()
        if data is not DELETED
    ]


def _identity(data: Any) -> _Identity | None:
    metadata = data.get("metadata") if isinstance(data, dict) else None
    if not isinstance(metadata, dict):
        return None
    said = (data.get("apiVersion"), data.get("kind"), metadata.get("name"))
    namespace = metadata.get("namespace")
    if not all(isinstance(value, str) and value for value in said):
        return None
    return _Identity(*said, namespace if isinstance(namespace, str) and namespace else None)


def _selecting(
    build: Build, identity: _Identity, root: str, left: int
) -> tuple[list[_Patch] | None, int]:
    """(the patches of the build that select the object, in the order kustomize applies
    them, the patches looked at); None where one of its kustomizations has a patch not known,
    or past `left` patches looked at."""
    namespaces = {identity.namespace or "default"}
    names = [identity.name]  # each name the object has had, the first its own
    chosen: list[_Patch] = []
    looked_at = 0
    for directory, kustomization in zip(
        build.transformer_directories, build.kustomizations, strict=True
    ):
        patches = _patches(directory, root)
        renamed = [*names, _renamed(names[-1], identity.kind, kustomization.name_affixes)]
        candidates = None if patches is None else patches.candidates(identity.kind, renamed)
        if candidates is None or looked_at + len(candidates) > left:
            return None, looked_at
        looked_at += len(candidates)
        after = namespaces | {kustomization.namespace} if kustomization.namespace else namespaces
        for patch in candidates:
            seen = (renamed, after) if patch.renamed_first else (names, namespaces)
            if _selects(patch, identity, *seen):
                chosen.append(patch)
        writes, targets = replaced(kustomization, directory, root, *identity[:2], renamed, after)
        looked_at += targets
        if writes is None or looked_at > left:
            return None, looked_at
        chosen.extend(_Patch(None, write, renamed_first=True) for write in writes)
        names, namespaces = renamed, after
    return chosen, looked_at


def _renamed(name: str, kind: str, affixes: tuple[str, str]) -> str:
    """The object's name once a kustomization's `namePrefix` and `nameSuffix` change it
    (kustomize's prefixSuffixFieldSpecsToSkip: the kinds they leave)."""
    prefix, suffix = affixes
    return name if kind in _NOT_RENAMED else prefix + name + suffix


def _selects(patch: _Patch, identity: _Identity, names: list[str], namespaces: set[str]) -> bool:
    """Whether the patch surely selects the object, named `names` so far: a target matches
    its first or its current name (kustomize's resWrangler.Select), a patch naming the object
    any name it has had (GetMatchingResourcesByAnyId)."""
    if patch.selector is not None:
        return any(
            patch.selector.selects(identity.api_version, identity.kind, name, namespaces)
            for name in {names[0], names[-1]}
        )
    named = _identity(patch.body)
    return (
        named is not None
        and named[:2] == identity[:2]
        and named.name in names
        and (named.namespace is None or named.namespace in namespaces)
    )


def _applied(data: Any, patches: list[_Patch]) -> Any:
    """The object once the patches change it, in order (DELETED: a patch removes it from the
    build); None where that is not known."""
    for at, patch in enumerate(patches):
        if isinstance(patch.body, Replaced):
            data = patch.body.applied(data)
        elif is_operation_list(patch.body):
            data = applied_operations(data, patch.body)
        elif deletes_object(patch.body):
            return deleted_at_last(at, len(patches))
        else:
            merge = PatchMerge(MERGE_BUDGET)
            data = merge.patched(data, patch.body)
            if not merge.complete or not isinstance(data, dict):
                return None
        if data is None:
            return None
    return data


class _Patches:
    """A kustomization's patch documents, indexed by the kind and name they select (the others,
    a target without a name or kind, looked at for every object)."""

    def __init__(self, patches: list[_Patch]) -> None:
        self.patches = patches
        self.named: dict[tuple[str, str], list[int]] = {}
        self.wide: list[int] = []
        for index, patch in enumerate(patches):
            kind, name = _kind_and_name(patch)
            if kind is None or name is None:
                self.wide.append(index)
            else:
                self.named.setdefault((kind, name), []).append(index)

    def candidates(self, kind: str, names: list[str]) -> list[_Patch]:
        """The patches that may select an object of this kind and any of these names, in
        order."""
        named = [index for name in set(names) for index in self.named.get((kind, name), ())]
        indexes = sorted({*named, *self.wide}) if named else self.wide
        return [self.patches[index] for index in indexes]


def _kind_and_name(patch: _Patch) -> tuple[str | None, str | None]:
    if patch.selector is not None:
        return patch.selector.kind, patch.selector.name
    named = _identity(patch.body)
    return (named.kind, named.name) if named is not None else (None, None)


@per_snapshot
def _patches(directory: str, root: str) -> _Patches | None:
    """Each patch document the kustomization in `directory` applies; None where one is not
    known (see the module's docstring)."""
    found: list[_Patch] = []
    for entry in kustomization_at(directory, root).patch_entries:
        if entry.path is not None:
            documents = _file_documents(entry.path, root, manifest_signature(entry.path))
        elif entry.text is not None:
            documents = _text_documents(entry.text)
        else:
            return None
        for body in documents or ():
            if body is None:
                continue
            operations = is_operation_list(body)
            if operations and entry.target is None:
                return None  # kustomize fails: operations need a target
            if not operations and (entry.operations_only or not isinstance(body, dict)):
                return None
            found.append(_Patch(entry.target, body, entry.operations_only))
        if documents is None or len(found) > MAX_PATCH_DOCUMENTS:
            return None
    return _Patches(found)


@memoized(maxsize=1024)
def _file_documents(path: str, root: str, signature: tuple) -> tuple | None:
    """The documents of a patch file (`signature`: its size, time and inode, so that a file
    written between two scans of one process is read again); None where it cannot be read or
    parsed."""
    try:
        data = read_input(path, MAX_PATCH_FILE_BYTES, root)
        return tuple(load_documents(data.decode("utf-8"), cfn_tags=False))
    except (InputError, UnicodeDecodeError, ParseError, RecursionError):
        return None


def _text_documents(text: str) -> tuple | None:
    try:
        return tuple(load_documents(text, cfn_tags=False))
    except (ParseError, RecursionError):
        return None
