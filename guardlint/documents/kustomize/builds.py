"""How kustomize deploys a file: the builds that emit its objects.

A kustomization lists files and other kustomizations' directories under `resources:` (or the
deprecated `bases:`) and `components:`; `kustomize build DIR` emits what DIR's kustomization
lists, each listed kustomization built first and its output transformed again by the one
that lists it. A base is therefore deployed through every overlay that lists it, directly or
through another overlay: a build is a chain of kustomizations, from the one that lists the
file (or a patch of it, or a plain directory holding it) to one that no kustomization of the
scan lists (the one `kustomize build` runs on). A kustomization that some other one lists is
taken for a base, not deployed alone; a file no kustomization above it builds or patches is
judged alone, as applied with `kubectl apply -f` (no build is looked for). A kustomization
kustomize refuses to build (its load restrictor: guardlint.documents.kustomize.restrictor), and
one that lists such a kustomization (whose error fails it), is on no chain: what it lists is a
base deployed alone, unless another lists it.

Along a chain, each kustomization's `namespace:` is set on every namespaced object it emits,
whatever the object's own said (kubectl.docs.kubernetes.io, kustomization/namespace: "will
override the existing namespace"), so the outermost one that names a namespace wins; its
`images:` rewrite the containers' images, the nearest first.

The kustomizations are found by one walk per scan of the directory OVERLAY_LEVELS above the
outermost kustomization above the file (inside the scan root: where the overlays of a base are
kept, `app/base` and `app/overlays/prod`, `apps/web/base` and `clusters/prod/web`; an overlay
further away is not looked for, and a kustomization it lists is taken for the one built). Links
to directories are not entered (a path a kustomization lists through a link is the one it leads
to, where that stays in the scan root: guardlint.documents.kustomize.links), version control and
dependency directories are passed over, and
directories more than MAX_TREE_DEPTH below are not looked in; at most MAX_TREE_DIRECTORIES
directories and MAX_TREE_KUSTOMIZATIONS kustomizations of MAX_TREE_BYTES in all are read: past
any of them, or past MAX_BUILDS chains (a tree of many overlays, or layers of overlays each
listing every one of the layer below: a chain through each path), the builds are unknown (None)
and the callers read only the kustomizations above the file, as before overlays were looked
for. A remote resource (a URL) is never fetched: it lists nothing here. Kustomizations that
list each other in a cycle (which kustomize refuses to build) end each chain where it would
come back.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass

from guardlint.documents.kustomize.kustomization_contents import (
    KUSTOMIZATION_NAMES,
    Kustomization,
    kustomization_at,
)
from guardlint.documents.kustomize.kustomizations import (
    directories_up,
    kustomized_above,
    kustomized_image,
    kustomized_namespace,
    rewritten_image,
)
from guardlint.documents.kustomize.links import followed_link
from guardlint.model.documents import Document
from guardlint.parse.inputs import lies_inside
from guardlint.parse.lookups import walk
from guardlint.parse.recorder import per_snapshot

OVERLAY_LEVELS = 3
# The walk: directories at most MAX_TREE_DEPTH below where it starts, at most
# MAX_TREE_DIRECTORIES of them (a scan of a large repository pays for one such walk).
MAX_TREE_DEPTH = 6
MAX_TREE_DIRECTORIES = 2_000
MAX_TREE_KUSTOMIZATIONS = 1_000
# Bytes of the kustomizations the walk parses (each may be 1 MB, and a scan of one small base
# would parse a thousand of them); real ones are a few hundred bytes.
MAX_TREE_BYTES = 2_000_000
# Chains of one file, and the steps taken to find them (each step one kustomization added to
# a chain): overlays of overlays in a diamond multiply the chains.
MAX_BUILDS = 64
MAX_CHAIN_STEPS = 2_000
# Directories no kustomization of the project is kept in (discovery passes them over too).
_PASSED_OVER = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", ".terraform", ".eggs", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox", ".idea",
})  # fmt: skip
_BUILDS = "kustomize_builds"  # builds' answer, kept in Document.meta for the file's other rules


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class Build:
    """One way kustomize deploys a file: the directories of the kustomizations from the one
    that lists it to the one built, and the kustomizations whose transformers apply to its
    objects in the order kustomize applies them (at each level, the components it lists, then
    itself)."""

    directories: tuple[str, ...]
    kustomizations: tuple[Kustomization, ...]
    # The directory of each of `kustomizations`, in the same order.
    transformer_directories: tuple[str, ...] = ()

    @property
    def root(self) -> str:
        """The directory `kustomize build` runs on."""
        return self.directories[-1]

    @property
    def namespace(self) -> str | None:
        """The namespace the build sets on the file's objects (None: their own stands)."""
        return next((k.namespace for k in reversed(self.kustomizations) if k.namespace), None)

    def image(
        self, name: str, tag: str | None, digest: str | None
    ) -> tuple[str, str | None, str | None]:
        """(name, tag, digest) of a container image once the build's `images:` rewrite it."""
        rewrites = (kustomization.images for kustomization in self.kustomizations)
        return rewritten_image(rewrites, name, tag, digest)


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class _Tree:
    """The kustomizations of a scan root, indexed by what they list."""

    directories: frozenset[str]  # those holding a kustomization
    listed_by: dict[str, tuple[str, ...]]  # a kustomization's directory -> those listing it
    building: dict[str, tuple[str, ...]]  # a listed file or plain directory -> its listers
    patching: dict[str, tuple[str, ...]]  # a patch's file -> the kustomizations listing it


def builds(document: Document) -> tuple[Build, ...] | None:
    """The builds that deploy the document's file (see the module's docstring): () when none
    does, None when they are not known. Found once per document."""
    return document.once(_BUILDS, lambda: _builds(document))


def _builds(document: Document) -> tuple[Build, ...] | None:
    source = document.source
    if source is None or source.root is None or source.path == "-":
        return ()
    above = kustomized_above(document)
    if above is None:
        return ()  # no kustomization above builds or patches it: it is judged alone
    path, listing = above
    root = os.path.abspath(source.root)
    # The overlays of a base are looked for in the directory OVERLAY_LEVELS above the
    # outermost kustomization above the file (`app/base` and `app/overlays/prod`;
    # `apps/web/base` and `clusters/prod/web`), inside the scan root.
    top = directories_up(listing[-1], root)[: OVERLAY_LEVELS + 1][-1]
    return _builds_of(path, listing, top, root)


@per_snapshot  # a file's path alone: each document of a file of thousands asks
def _builds_of(
    path: str, listing: tuple[str, ...], top: str, root: str
) -> tuple[Build, ...] | None:
    tree = _tree(top, root)
    if tree is None or not tree.directories.issuperset(listing):
        return None  # past the bounds, or a kustomization above it the walk did not reach
    chains = _chains(tree, _listers(tree, path))
    if chains is None:
        return None
    found = []
    for chain in chains:
        directories = _transformers(chain, tree, root)
        kustomizations = tuple(kustomization_at(directory, root) for directory in directories)
        found.append(Build(chain, kustomizations, directories))
    return tuple(found)


def _transformers(chain: tuple[str, ...], tree: _Tree, root: str) -> tuple[str, ...]:
    """The directories of the kustomizations that transform a chain's objects, in order: at
    each level, the components it lists that are not on the chain (a component the file comes
    through already transformed it, once), then itself."""
    found: list[str] = []
    on_chain = set(chain)
    for directory in chain:
        components = kustomization_at(directory, root).components
        found.extend(
            component
            for component in (
                followed_link(listed, directory, tree.directories, root) for listed in components
            )
            if component not in on_chain and component in tree.directories
        )
        found.append(directory)
    return tuple(found)


def _listers(tree: _Tree, path: str) -> list[str]:
    """The kustomizations that list the file, as a resource or a patch (a directory that
    holds no kustomization is no resource: kustomize refuses to build one listing it)."""
    return list(dict.fromkeys([*tree.building.get(path, ()), *tree.patching.get(path, ())]))


def _chains(tree: _Tree, listers: list[str]) -> list[tuple[str, ...]] | None:
    """Each chain from a lister up to a kustomization nothing lists (or one whose listers are
    all in the chain already: a cycle); None past MAX_BUILDS or MAX_CHAIN_STEPS."""
    chains: list[tuple[str, ...]] = []
    pending = [(lister,) for lister in reversed(listers)]
    steps = 0
    while pending:
        chain = pending.pop()
        steps += 1
        if steps > MAX_CHAIN_STEPS:
            return None
        on_chain = set(chain)
        above = [d for d in tree.listed_by.get(chain[-1], ()) if d not in on_chain]
        if above:
            pending.extend((*chain, directory) for directory in reversed(above))
        elif len(chains) < MAX_BUILDS:
            chains.append(chain)
        else:
            return None
    return chains


@per_snapshot
def _tree(top: str, root: str) -> _Tree | None:
    """The kustomizations under `top` (see the module's docstring); None past the bounds."""
    found: list[str] = []
    for count, (current, dirs, files) in enumerate(walk(top), 1):
        if count > MAX_TREE_DIRECTORIES:
            return None
        below = current[len(top) :].count(os.sep)
        dirs[:] = [d for d in dirs if d not in _PASSED_OVER] if below < MAX_TREE_DEPTH else []
        if any(name in KUSTOMIZATION_NAMES for name in files):
            found.append(os.path.normpath(current))
            if len(found) > MAX_TREE_KUSTOMIZATIONS:
                return None
    directories = set(found)
    listed_by: dict[str, list[str]] = defaultdict(list)
    building: dict[str, list[str]] = defaultdict(list)
    patching: dict[str, list[str]] = defaultdict(list)
    parsed = 0
    for directory in found:
        kustomization = kustomization_at(directory, root)
        parsed += kustomization.size
        if parsed > MAX_TREE_BYTES:
            return None
        for listed in sorted(kustomization.resources):
            resource = followed_link(listed, directory, directories, root)
            if resource == directory or not lies_inside(resource, root):
                continue
            (listed_by if resource in directories else building)[resource].append(directory)
        for patch in sorted(kustomization.patches):
            patching[followed_link(patch, directory, directories, root)].append(directory)
    failed = _failing(found, listed_by, root)
    return _Tree(
        frozenset(directories),
        *(
            {key: kept for key, listers in index.items() if (kept := _kept(listers, failed))}
            for index in (listed_by, building, patching)
        ),
    )


def _failing(found: list[str], listed_by: dict[str, list[str]], root: str) -> set[str]:
    """The kustomizations kustomize refuses to build (Kustomization.refused), and those that
    list one (its error fails theirs), up every chain: each is visited once."""
    failed = {directory for directory in found if kustomization_at(directory, root).refused}
    pending = list(failed)
    while pending:
        for lister in listed_by.get(pending.pop(), ()):
            if lister not in failed:
                failed.add(lister)
                pending.append(lister)
    return failed


def _kept(listers: list[str], failed: set[str]) -> tuple[str, ...]:
    return tuple(lister for lister in listers if lister not in failed)


def deployed_images(
    document: Document, name: str, tag: str | None, digest: str | None
) -> list[tuple[str, str | None, str | None]]:
    """(name, tag, digest) of a container image of the document as each build runs it (each
    distinct one once, in the builds' order); as written when no build deploys it, and as the
    kustomizations above rewrite it when the builds are not known."""
    found = builds(document)
    if found is None:
        return [kustomized_image(document, name, tag, digest)]
    if not found:
        return [(name, tag, digest)]
    return list(dict.fromkeys(build.image(name, tag, digest) for build in found))


def namespaces_set(document: Document) -> tuple[str | None, ...]:
    """The namespace each build of the document sets on its objects, each distinct one once
    (None: a build that sets none, where the object's own stands); (None,) when no build
    deploys it, and the outermost namespace the kustomizations above set when the builds are
    not known."""
    found = builds(document)
    if found is None:
        return (kustomized_namespace(document),)
    return tuple(dict.fromkeys(build.namespace for build in found)) or (None,)


def namespaces_landed(document: Document, own: str | None) -> tuple[str | None, ...]:
    """The namespace the document's object lands in through each build, given the one its
    metadata names (`own`, None for none): a build's wins (see the module's docstring)."""
    return tuple(dict.fromkeys(set_by or own for set_by in namespaces_set(document)))
