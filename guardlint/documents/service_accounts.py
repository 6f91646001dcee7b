"""The `default` ServiceAccounts declared beside a Kubernetes document: in its own file and in
the other YAML/JSON files of its directory (what `kubectl apply -f DIR` or a kustomization's
local resources create together). A pod that leaves automountServiceAccountToken unset gets
its service account's setting, so whether the namespace's default account mounts its token is
written there.

The files are read like any input (guardlint.parse.inputs: inside the scan root, bounded) and
recorded for the result cache; a directory's are read once per scan, and only a file whose
text names both `ServiceAccount` and `automountServiceAccountToken` is parsed.
"""

from __future__ import annotations

import os
from typing import Any

from guardlint.documents.classify import kubernetes_objects
from guardlint.documents.kubernetes import flag, mapping
from guardlint.documents.kustomize import kustomized_namespace
from guardlint.model import Document
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.lookups import entry_info, walk
from guardlint.parse.recorder import memoized, per_snapshot
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents

_SUFFIXES = (".yaml", ".yml", ".json")
MAX_MANIFEST_BYTES = 2_000_000
# What one directory's lookup may read: it is charged to the time budget of the first pod file
# that asks, so a directory of many or large manifests (all naming ServiceAccounts, to be
# parsed) must not use it up and lose that file's findings. Past either bound the accounts are
# unknown, and K8S018 reports as without them.
MAX_DIRECTORY_FILES = 500
MAX_DIRECTORY_BYTES = 16_000_000
# namespace (None: none written) -> what the `default` account there says (None: nothing).
Declared = dict[str | None, bool | None]


def default_account_automount(document: Document) -> bool | None:
    """What the `default` ServiceAccount of the document's namespace, declared beside it, says
    of automountServiceAccountToken; None when none is declared or it does not say.

    An object that names no namespace lands in its kustomization's, else in `default` (as
    guardlint names its resources), for the pod and the account alike."""
    source = document.source
    if source is None or source.root is None:
        return None  # standard input (every discovered file has a root): no directory
    path = os.path.abspath(source.path)
    declared = _declared_in(os.path.dirname(path), source.root)
    if declared is None:
        return None  # too much to read (MAX_DIRECTORY_FILES, MAX_DIRECTORY_BYTES)
    if not path.lower().endswith(_SUFFIXES):  # its own file, whatever its name (`app.yaml.j2`)
        declared = _merged(dict(declared), _declared_in_file(path, source.root, _signature(path)))
    if not declared:
        return None
    fallback = kustomized_namespace(document) or "default"
    wanted = document.meta.get("namespace") or fallback
    found = [said for namespace, said in declared.items() if (namespace or fallback) == wanted]
    return found[0] if len(found) == 1 else None


@per_snapshot
def _declared_in(directory: str, root: str | None) -> Declared | None:
    """The accounts of the directory's manifests; None past MAX_DIRECTORY_FILES or
    MAX_DIRECTORY_BYTES."""
    manifests: list[tuple[str, tuple]] = []
    for _, dirs, files in walk(directory):
        dirs[:] = []  # this directory only
        names = [name for name in files if name.lower().endswith(_SUFFIXES)]
        if len(names) > MAX_DIRECTORY_FILES:
            return None
        manifests = [(path, _signature(path)) for path in
                     (os.path.join(directory, name) for name in sorted(names))]  # fmt: skip
    if sum(min(signature[0], MAX_MANIFEST_BYTES) for _, signature in manifests if signature) > (
        MAX_DIRECTORY_BYTES
    ):
        return None
    declared: Declared = {}
    for path, signature in manifests:
        _merged(declared, _declared_in_file(path, root, signature))
    return declared


def _merged(declared: Declared, found: tuple[tuple[str | None, bool | None], ...]) -> Declared:
    for namespace, said in found:
        # Two declarations of one account that disagree: unknown.
        declared[namespace] = said if declared.get(namespace, said) == said else None
    return declared


def _signature(path: str) -> tuple:
    """What tells one version of a file from another (size, time, inode; links not followed)."""
    info = entry_info(path)
    return (info.st_size, info.st_mtime_ns, info.st_ino) if info else ()


@memoized(maxsize=4096)
def _declared_in_file(
    path: str, root: str | None, signature: tuple
) -> tuple[tuple[str | None, bool | None], ...]:
    """(namespace, automount) of each `default` ServiceAccount of one file (`signature`: its
    size, time and inode, so that a file written between two scans is read again)."""
    try:
        data = read_input(path, MAX_MANIFEST_BYTES, root)
    except InputError:
        return ()
    if b"ServiceAccount" not in data or b"automountServiceAccountToken" not in data:
        return ()
    try:
        documents = load_documents(data.decode("utf-8"), cfn_tags=False)
    except (UnicodeDecodeError, ParseError, RecursionError):
        return ()
    return tuple(
        (namespace or None, flag(item.get("automountServiceAccountToken")))
        for raw in documents
        if isinstance(raw, dict) and isinstance(raw.get("kind"), str)
        for item in kubernetes_objects(raw, [])
        if _is_default_account(item)
        for namespace in [mapping(item.get("metadata")).get("namespace")]
        if namespace is None or isinstance(namespace, str)
    )


def _is_default_account(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and item.get("kind") == "ServiceAccount"
        and mapping(item.get("metadata")).get("name") == "default"
    )
