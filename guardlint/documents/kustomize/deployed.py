"""The object each kustomize build emits of a base's object, once the build's patches change
it: a rule's finding on the base stands only where one of them still has it (the engine asks,
guardlint.documents.registry.deployed_documents), so a base that every overlay deploying it
patches safe is not reported, and one that some build leaves unsafe is, once, at the base.

The builds are guardlint.documents.kustomize.builds'. Along each, every kustomization's
patches (patch_entries: files and inline texts, in kustomize's order) that surely
select the object are applied to it in turn: a strategic merge patch merged over it
(guardlint.documents.strategic_merge, located on the base's lines where both write), RFC 6902
operations applied to it (guardlint.documents.json_patch_apply). A patch selects the object by
its `target` (targets.Selector), else by the apiVersion, kind, name and namespace it
names (`default` for none, on either side). A target matches the object's first or current
name and its first or current namespace (kustomize's resWrangler.Select); a patch that names
it, any name and namespace it has had together (GetMatchingResourcesByAnyId: its previous
IDs), each kustomization's `namespace` and then its `namePrefix`/`nameSuffix` giving it one
after its strategic merges and before its `patchesJson6902`. A patch that may
select it or not (a label selector, a name pattern) is not applied: the base's findings it
might remove stay, and what it might add is the patch's own finding (a patch is judged as the
partial object it is).

Each kustomization's `replacements:` apply after its patches (guardlint.documents.
replaced), and a patch whose root says `$patch: delete` leaves the build none of the
object (deletions).

The builds are not known here (None: every finding of the object stands) where they are not
known at all, where none deploys the object (it is judged alone), where one deploys it as
written (no patch selects it), and where a kustomization on a build has a patch that cannot be
read or parsed (a duplicate key, which kyaml reads as its first value, PyYAML its last), that
is not a patch, that kustomize would fail on or that changes the object's apiVersion, kind,
name or namespace (RFC 6902 operations: kustomize restores them after a strategic merge, but
the name and kind the entry's `options` let it change), where kustomize fails a build
(unique_targets: a strategic merge patch without a target selects no object or several; a
`patches:` entry with both `patch` and `path`, or not one document), or past the bounds:
the patch documents of one kustomization (MAX_PATCH_DOCUMENTS, each file within
MAX_PATCH_FILE_BYTES), the patches looked at and applied for one object over all its builds
(MAX_EXAMINED, MAX_APPLIED), the distinct objects they emit (MAX_EMITTED: each rule that finds
something on the base runs on each) and the work of applying them to the object (MERGE_BUDGET:
the entries of both sides each strategic merge reads, one per RFC 6902 operation and one per
entry of each map or list it copies, over all its builds, so that a file of a thousand objects
a 1 MB patch selects costs a bounded time). Each kustomization's patches are read once per
scan, each file once per version, like every input (recorded for the result cache).
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from guardlint.documents.classify import TEMPLATE_OBJECT
from guardlint.documents.json_patch import is_operation_list
from guardlint.documents.json_patch_apply import Copies, applied_operations
from guardlint.documents.kustomize.builds import Build, builds
from guardlint.documents.kustomize.deletions import DELETED, deleted_at_last, deletes_object
from guardlint.documents.kustomize.kustomization_contents import kustomization_at
from guardlint.documents.kustomize.kustomizations import PARTIAL_OBJECT, is_patch
from guardlint.documents.kustomize.replaced import Replaced, replaced
from guardlint.documents.kustomize.targets import Selector
from guardlint.documents.kustomize.unique_targets import (
    DEFAULT_NAMESPACE,
    misses_a_target,
    renamed,
)
from guardlint.documents.manifest_objects import manifest_signature
from guardlint.documents.strategic_merge import PatchMerge, copy_entry
from guardlint.model.documents import ONE_PLACE, Document
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.kubectl_keys import read_keys_as_kubectl
from guardlint.parse.located import located_copy
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
MERGE_BUDGET = 10_000
# What a variant of the object keeps of the base's meta: what names it, not what rules cached.
_IDENTITY = ("kind", "name", "namespace", "resource", TEMPLATE_OBJECT, ONE_PLACE)
_DEPLOYED = "kustomize_deployed"  # the answer, kept in Document.meta


class _Patch(NamedTuple):
    """One patch document: a map (strategic merge) or RFC 6902 operations, and its target."""

    selector: Selector | None
    body: Any
    # Listed under patchesJson6902: applied after its kustomization's namespace and prefix.
    renamed_first: bool
    # A strategic merge may change the object's name, its kind (the entry's `options`).
    name_change: bool = False
    kind_change: bool = False


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
    if any(_fails(directory, root) for build in found for directory in build.directories):
        return None  # a build kustomize fails deploys nothing: it patches nothing safe
    emitted: dict[tuple[int, ...], Any] = {}
    examined = applied = 0
    merge = PatchMerge(MERGE_BUDGET)  # the work of all the object's builds
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
        emitted[key] = _applied(document.data, chosen, merge)
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
    ids = [
        (identity.name, identity.namespace or DEFAULT_NAMESPACE)
    ]  # each it has had, the first its own
    chosen: list[_Patch] = []
    looked_at = 0
    for directory, kustomization in zip(
        build.transformer_directories, build.kustomizations, strict=True
    ):
        patches = _patches(directory, root)
        name, namespace = ids[-1]
        namespace = kustomization.namespace or namespace
        after = [*ids, (name, namespace)]
        after.append((renamed(name, identity.kind, kustomization.name_affixes), namespace))
        names = [name for name, _ in after]
        candidates = None if patches is None else patches.candidates(identity.kind, names)
        if candidates is None or looked_at + len(candidates) > left:
            return None, looked_at
        looked_at += len(candidates)
        for patch in candidates:
            if _selects(patch, identity, after if patch.renamed_first else ids):
                chosen.append(patch)
        namespaces = {namespace for _, namespace in after}
        writes, targets = replaced(kustomization, directory, root, *identity[:2], names, namespaces)
        looked_at += targets
        if writes is None or looked_at > left:
            return None, looked_at
        chosen.extend(_Patch(None, write, renamed_first=True) for write in writes)
        ids = after
    return chosen, looked_at


def _selects(patch: _Patch, identity: _Identity, ids: list[tuple[str, str]]) -> bool:
    """Whether the patch surely selects the object, whose names and namespaces so far are
    `ids`: a target matches its first or current name and its first or current namespace
    (kustomize's resWrangler.Select), a patch naming the object one of its IDs
    (GetMatchingResourcesByAnyId, ResId.Equals: no namespace is `default`)."""
    if patch.selector is not None:
        namespaces = {ids[0][1], ids[-1][1]}
        return any(
            patch.selector.selects(identity.api_version, identity.kind, name, namespaces)
            for name in {ids[0][0], ids[-1][0]}
        )
    named = _identity(patch.body)
    return (
        named is not None
        and named[:2] == identity[:2]
        and (named.name, named.namespace or DEFAULT_NAMESPACE) in ids
    )


def _applied(data: Any, patches: list[_Patch], merge: PatchMerge) -> Any:
    """The object once the patches change it, in order (DELETED: a patch removes it from the
    build); None where that is not known (past the merge's budget, or where operations change
    what names the object)."""
    copies = Copies(merge.spend)
    for at, patch in enumerate(patches):
        if isinstance(patch.body, Replaced):
            # The replacements in a row change in place what the first of them copied: the
            # maps on a field's path are copied once per object, not once per replacement.
            data = patch.body.applied(data, copies)
        elif is_operation_list(patch.body):
            named = _identity(data)
            if not merge.spend(len(patch.body)):
                return None
            data = applied_operations(data, patch.body, merge.spend)
            if data is None or _identity(data) != named:
                return None
        elif deletes_object(patch.body):
            return deleted_at_last(at, len(patches))
        else:
            merged = merge.patched(data, patch.body)
            if not merge.complete or not isinstance(merged, dict):
                return None
            data = _kept_identity(data, merged, patch)
        if data is None:
            return None
        if not isinstance(patch.body, Replaced):
            copies = Copies(merge.spend)  # another patch's result may share what was copied
    return data


def _kept_identity(before: dict, merged: dict, patch: _Patch) -> dict | None:
    """The object a strategic merge leaves as kustomize keeps it (resWrangler.ApplySmPatch,
    Resource.ApplySmPatch): with its apiVersion and namespace, and its kind and name unless
    the patch's options let it change them; None where they do and it does (renamed, it is
    not the object the later patches selected here select)."""
    was, now = _identity(before), _identity(merged)
    if was is None:
        return None  # an earlier replacement wrote what names it as kustomize may not read it
    if (patch.name_change or patch.kind_change) and (
        now is None
        or (patch.name_change and now.name != was.name)
        or (patch.kind_change and now.kind != was.kind)
    ):
        return None
    if now == was:
        return merged
    metadata = merged.get("metadata")
    if not isinstance(metadata, dict):
        return None
    kept, kept_metadata = located_copy(merged), located_copy(metadata)
    for key in ("apiVersion", "kind"):
        copy_entry(kept, before, key)
    for key in ("name", "namespace"):
        if key in before["metadata"]:
            copy_entry(kept_metadata, before["metadata"], key)
        else:
            kept_metadata.pop(key, None)
    copy_entry(kept, merged, "metadata", kept_metadata)
    return kept


class _Patches:
    """A kustomization's patch documents, indexed by the kind and name they select (the others,
    a target without a name or kind, looked at for every object)."""

    def __init__(self, patches: list[_Patch]) -> None:
        self.patches = patches
        # The ID each strategic merge without a target names: kustomize fails the build where
        # it selects no object or several (unique_targets).
        self.unique = tuple(
            _named_id(patch.body)
            for patch in patches
            if patch.selector is None and not is_operation_list(patch.body)
        )
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


def _named_id(body: dict) -> tuple[str, ...]:
    named = _identity(body)  # never None: _patches refuses such a patch
    return (*named[:3], named.namespace or DEFAULT_NAMESPACE)


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
            if not operations and entry.target is None and _identity(body) is None:
                return None  # kustomize fails: it names no object to select
            found.append(
                _Patch(
                    entry.target, body, entry.operations_only, entry.name_change, entry.kind_change
                )
            )
        if documents is None or len(found) > MAX_PATCH_DOCUMENTS:
            return None
        if entry.one_document and sum(body is not None for body in documents) != 1:
            return None  # kustomize fails: "expected 1 resource"
    return _Patches(found)


def _fails(directory: str, root: str) -> bool:
    """Whether kustomize fails to build the kustomization in `directory` on what is seen here:
    a strategic merge patch without a target that selects no object or several."""
    patches = _patches(directory, root)
    return (
        patches is not None
        and bool(patches.unique)
        and (misses_a_target(directory, root, patches.unique))
    )


@memoized(maxsize=1024)
def _file_documents(path: str, root: str, signature: tuple) -> tuple | None:
    """The documents of a patch file (`signature`: its size, time and inode, so that a file
    written between two scans of one process is read again); None where it cannot be read or
    parsed."""
    try:
        data = read_input(path, MAX_PATCH_FILE_BYTES, root)
        return _text_documents(data.decode("utf-8"))
    except (InputError, UnicodeDecodeError):
        return None


def _text_documents(text: str) -> tuple | None:
    """The documents of a patch's text, its keys as kubectl reads them; None where it cannot be
    parsed, or where a key is written twice (to kubectl too) or is a map or list (kyaml reads
    those otherwise than PyYAML)."""
    problems: list = []
    try:
        documents = tuple(load_documents(text, cfn_tags=False, notes=problems))
    except (ParseError, RecursionError):
        return None
    for document in documents:
        problems += read_keys_as_kubectl(document)
    return None if problems else documents
