"""The `default` ServiceAccounts declared beside a Kubernetes document: in its own file, in the
other YAML/JSON files of its directory and of each directory above it up to the scan root
(what `kubectl apply -R -f DIR` creates together), and in what kustomize builds with it. A pod
that leaves automountServiceAccountToken unset gets its service account's setting, so whether
the namespace's default account mounts its token is written there.

A pod kustomize deploys (guardlint.documents.kustomize.builds: through each overlay that lists
its base) is judged in each build: the accounts the build emits, each in the namespace the
build sets (else its own), with those beside the pod as written, must hold the default account
of the namespace the build sets on the pod (else its own) without automount, in every build,
for the account to count. Where the builds are not known (past their bounds), the files listed
under `resources:` (or `bases:`) by a kustomization above that builds the pod count with those
beside it, in the namespace that kustomization sets.

The files are read like any input (guardlint.parse.inputs: inside the scan root, bounded; a
kustomization's resource that leads out of it is not looked at) and recorded for the result
cache; each directory's and each kustomization's files are listed and read once per scan, and
only a file whose text names both `ServiceAccount` and `automountServiceAccountToken` is parsed.
A file of a chart's templates/ declares the accounts every rendering holds alike
(guardlint.documents.manifest_objects), a partial there none.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass

from guardlint.documents.kubernetes import flag, mapping
from guardlint.documents.kustomize.builds import Build, builds
from guardlint.documents.kustomize.kustomization_contents import kustomization_at
from guardlint.documents.kustomize.kustomizations import (
    building_kustomizations,
    directories_up,
    kustomized_namespace,
)
from guardlint.documents.manifest_objects import (
    in_chart_templates,
    manifest_objects,
    manifest_signature,
)
from guardlint.model.documents import Document
from guardlint.parse.helm_template_set import defined_elsewhere
from guardlint.parse.inputs import InputError, lies_inside, read_input
from guardlint.parse.lookups import entry_info, files_named
from guardlint.parse.recorder import memoized, per_snapshot

_SUFFIXES = (".yaml", ".yml", ".json")
MAX_MANIFEST_BYTES = 2_000_000
# What one document's lookup may read, all its directories and kustomizations together: it is
# charged to the time budget of the first pod file that asks, so a tree of many or large
# manifests (all naming ServiceAccounts, to be parsed) must not use it up and lose that file's
# findings. The nearest directories are read first; past either bound the others are not, and
# K8S018 reports as without the accounts they may declare.
MAX_DIRECTORY_FILES = 500
MAX_DIRECTORY_BYTES = 16_000_000
# Kustomizations followed through the directories a building kustomization lists (each read
# up to kustomization_contents.MAX_KUSTOMIZATION_BYTES); past it the accounts are unknown.
MAX_KUSTOMIZATIONS = 16
# namespace (None: none written) -> what the `default` account there says (None: nothing).
Declared = dict[str | None, bool | None]


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class _Manifests:
    """Files that may declare accounts: (path, signature) of each."""

    files: tuple[tuple[str, tuple], ...]

    @functools.cached_property
    def size(self) -> int:
        # Once per directory, not once for each document that looks up through it.
        sizes = (signature[0] for _, signature in self.files if signature)
        return sum(min(size, MAX_MANIFEST_BYTES) for size in sizes)


def default_account_automount(document: Document) -> bool | None:
    """What the `default` ServiceAccount of the document's namespace, declared beside it, says
    of automountServiceAccountToken; None when none is declared or it does not say.

    An object that names no namespace lands in its kustomization's, for the pod and the account
    alike; else in the namespace it is applied to, unknown here: the account is the pod's only
    when neither names one (as for LimitRanges), not when one names `default`."""
    source = document.source
    if source is None or source.root is None:
        return None  # standard input (every discovered file has a root): no directory
    path, root = os.path.abspath(source.path), os.path.abspath(source.root)
    # Each directory up from the pod's, and after it the files its kustomization lists when
    # that builds the pod.
    building = {directory for directory, _ in building_kustomizations(document)}
    sources = [
        (kind, directory)
        for directory in directories_up(os.path.dirname(path), root)
        for kind in (_DIRECTORY, _KUSTOMIZATION)
        if kind == _DIRECTORY or directory in building
    ]
    deployed = builds(document)
    if deployed:  # through each build: its accounts, and those beside the pod as written
        sources = [(kind, directory) for kind, directory in sources if kind == _DIRECTORY]
    declared = dict(_declared_within_bounds(tuple(sources), root))
    if not path.lower().endswith(_SUFFIXES):  # its own file, whatever its name (`app.yaml.j2`)
        _merged(declared, _declared_in_file(path, root, manifest_signature(path)))
    own = document.meta.get("namespace") or None
    if deployed:
        return _through_builds(deployed, declared, own, root)
    if not declared:
        return None
    # The builds are not known: the kustomizations above, whose namespace is set on both.
    fallback = kustomized_namespace(document)
    wanted = fallback or own
    said = [said for namespace, said in declared.items() if (fallback or namespace) == wanted]
    return said[0] if len(said) == 1 else None


def _through_builds(
    deployed: tuple[Build, ...], beside: Declared, own: str | None, root: str
) -> bool | None:
    """False when the default account of the pod's namespace is declared without automount in
    every build that deploys it (its own accounts, in the namespaces it sets, with those beside
    the pod as written); else what the first other build says. The builds' reads count
    together against MAX_DIRECTORY_FILES and MAX_DIRECTORY_BYTES, as one lookup's."""
    files = size = 0
    for build in deployed:
        built = _built_accounts(build.root, root)
        if built is None:
            return None
        accounts, build_files, build_size = built
        files, size = files + build_files, size + build_size
        if files > MAX_DIRECTORY_FILES or size > MAX_DIRECTORY_BYTES:
            return None
        declared = _merged(dict(beside), accounts.items())
        wanted = build.namespace or own
        said = [said for namespace, said in declared.items() if namespace == wanted]
        verdict = said[0] if len(said) == 1 else None
        if verdict is not False:
            return verdict
    return False


@per_snapshot
def _built_accounts(directory: str, root: str) -> tuple[Declared, int, int] | None:
    """The `default` accounts `kustomize build` of `directory` emits, by the namespace each
    lands in (the outermost kustomization's that names one, else its own), with the files and
    bytes read (built_files); None past its bounds."""
    built = built_files(directory, root)
    if built is None:
        return None
    listed, files, size = built
    declared: Declared = {}
    for path, signature, namespace in listed:
        found = _declared_in_file(path, root, signature)
        _merged(declared, ((namespace or written, said) for written, said in found))
    return declared, files, size


@per_snapshot
def built_files(
    directory: str, root: str
) -> tuple[list[tuple[str, tuple, str | None]], int, int] | None:
    """The files `kustomize build` of `directory` reads: those its kustomization lists, and
    those of the kustomizations it lists, inside the scan root, each with its signature and
    the namespace the build sets on its objects (the outermost kustomization's that names one;
    None: their own stands); with the files and the bytes (theirs and the kustomizations')
    read. None past MAX_KUSTOMIZATIONS, MAX_DIRECTORY_FILES or MAX_DIRECTORY_BYTES."""
    listed: list[tuple[str, tuple, str | None]] = []
    pending: list[tuple[str, str | None]] = [(directory, None)]
    seen = set(pending)
    files = size = 0
    while pending:
        current, namespace = pending.pop()
        if len(seen) > MAX_KUSTOMIZATIONS:
            return None
        kustomization = kustomization_at(current, root)
        size += kustomization.size
        namespace = namespace or kustomization.namespace
        for resource in sorted(kustomization.resources):
            if not lies_inside(resource, root):
                continue
            info = entry_info(resource)
            if info is not None and stat.S_ISDIR(info.st_mode):
                if (resource, namespace) not in seen:
                    seen.add((resource, namespace))
                    pending.append((resource, namespace))
                continue
            signature = manifest_signature(resource)
            files, size = files + 1, size + min(signature[0] if signature else 0,
                                                MAX_MANIFEST_BYTES)  # fmt: skip
            if files > MAX_DIRECTORY_FILES or size > MAX_DIRECTORY_BYTES:
                return None
            listed.append((resource, signature, namespace))
    return listed, files, size


_DIRECTORY, _KUSTOMIZATION = "directory", "kustomization"


@per_snapshot
def _declared_within_bounds(sources: tuple[tuple[str, str], ...], root: str) -> Declared:
    """The accounts of the sources within bounds, merged: once per scan for the pods of one
    directory that no kustomization builds (each asked every directory up again)."""
    declared: Declared = {}
    for kind, directory in _within_bounds(sources, root):
        _merged(declared, _declared_in(kind, directory, root).items())
    return declared


def _within_bounds(sources: Iterable[tuple[str, str]], root: str) -> list[tuple[str, str]]:
    """The sources, nearest first, up to the first that would take the look-up past
    MAX_DIRECTORY_FILES or MAX_DIRECTORY_BYTES: those beyond it are not read."""
    kept: list[tuple[str, str]] = []
    files = size = 0
    for kind, directory in sources:
        manifests = _manifests(kind, directory, root)
        if manifests is None:
            break
        files, size = files + len(manifests.files), size + manifests.size
        if files > MAX_DIRECTORY_FILES or size > MAX_DIRECTORY_BYTES:
            break
        kept.append((kind, directory))
    return kept


@per_snapshot
def _manifests(kind: str, directory: str, root: str) -> _Manifests | None:
    """The manifests of a directory, or the files a kustomization there lists (each listed
    once per scan); None past MAX_DIRECTORY_FILES."""
    paths = _in_directory(directory) if kind == _DIRECTORY else _listed_by(directory, root)
    if paths is None:
        return None
    return _Manifests(tuple((path, manifest_signature(path)) for path in paths))


@per_snapshot
def _declared_in(kind: str, directory: str, root: str) -> Declared:
    """The accounts of _manifests' files (read only once the lookup's bounds are checked)."""
    declared: Declared = {}
    for path, signature in (_manifests(kind, directory, root) or _Manifests(())).files:
        _merged(declared, _declared_in_file(path, root, signature))
    return declared


def _in_directory(directory: str) -> list[str] | None:
    names = files_named(directory, _SUFFIXES)
    if names is None:
        return []
    if len(names) > MAX_DIRECTORY_FILES:
        return None
    return [os.path.join(directory, name) for name in names]


def _listed_by(directory: str, root: str) -> list[str] | None:
    """The files the kustomization in `directory` lists under `resources:` or `bases:`, and
    those of the kustomizations of the directories it lists, inside the scan root; the
    manifests of `directory` itself are its directory's (every building kustomization's
    directory is above the pod or its own). None past MAX_DIRECTORY_FILES or
    MAX_KUSTOMIZATIONS."""
    pending, seen, files, followed = [directory], {directory}, [], 0
    while pending:
        current, followed = pending.pop(), followed + 1
        if followed > MAX_KUSTOMIZATIONS:
            return None
        for resource in sorted(kustomization_at(current, root).resources):
            if resource in seen or not lies_inside(resource, root):
                continue
            seen.add(resource)
            info = entry_info(resource)
            if info is not None and stat.S_ISDIR(info.st_mode):
                pending.append(resource)
            elif not _in_listed_directory(resource, directory):
                files.append(resource)
            if len(seen) > MAX_DIRECTORY_FILES:
                return None
    return files


def _in_listed_directory(path: str, directory: str) -> bool:
    return os.path.dirname(path) == directory and path.lower().endswith(_SUFFIXES)


def _merged(declared: Declared, found: Iterable[tuple[str | None, bool | None]]) -> Declared:
    for namespace, said in found:
        # Two declarations of one account that disagree: unknown.
        declared[namespace] = said if declared.get(namespace, said) == said else None
    return declared


def _declared_in_file(
    path: str, root: str, signature: tuple
) -> tuple[tuple[str | None, bool | None], ...]:
    """(namespace, automount) of each `default` ServiceAccount of one file (`signature`: its
    size, time and inode, so that a file written between two scans is read again), as Helm
    renders it where it is a chart's template (a partial, `_x.yaml`, renders none alone, nor
    does one whose name another file of its template set may define)."""
    if not _names_accounts(path, root, signature):
        return ()  # most files: whether one is a chart's template is not asked (its Chart.yaml)
    chart_template = in_chart_templates(path, root)
    if chart_template and (os.path.basename(path).startswith("_") or defined_elsewhere(path, root)):
        return ()
    return _declared_in_read(path, root, signature, chart_template)


@memoized(maxsize=4096)
def _names_accounts(path: str, root: str, signature: tuple) -> bool:
    """Whether the file's text names both `ServiceAccount` and `automountServiceAccountToken`,
    as a file that declares what an account says of it must."""
    try:
        data = read_input(path, MAX_MANIFEST_BYTES, root)
    except InputError:
        return False
    return b"ServiceAccount" in data and b"automountServiceAccountToken" in data


@memoized(maxsize=4096)
def _declared_in_read(
    path: str, root: str, signature: tuple, chart_template: bool
) -> tuple[tuple[str | None, bool | None], ...]:
    try:  # read again, from what the scan keeps (guardlint.parse.kept_reads), for a few files
        data = read_input(path, MAX_MANIFEST_BYTES, root)
    except InputError:
        return ()
    return tuple(
        (namespace or None, flag(item.get("automountServiceAccountToken")))
        for item in manifest_objects(data, chart_template)
        if _is_default_account(item)
        for namespace in [mapping(item.get("metadata")).get("namespace")]
        if namespace is None or isinstance(namespace, str)
    )


def _is_default_account(item: dict) -> bool:
    return (
        item.get("kind") == "ServiceAccount"
        and mapping(item.get("metadata")).get("name") == "default"
    )
