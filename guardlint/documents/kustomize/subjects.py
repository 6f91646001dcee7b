"""The namespace a binding's ServiceAccount subject names once kustomize builds it: its
namereference transformer (api/filters/nameref) points a RoleBinding's or ClusterRoleBinding's
subject at the ServiceAccount of that name the same build emits, writing that account's name
and, where the build sets one on it, namespace. The candidates are the build's accounts of the
subject's name, those whose namespace as written (or as the build sets it) is the subject's
when the subject names one; one candidate (or several landing alike) is the referral, none or
several that differ leave the subject as written.

The build's accounts are read from the files it lists (guardlint.documents.service_accounts:
built_files, within its bounds); only a file whose text names `ServiceAccount` is parsed.
"""

from __future__ import annotations

import os

from guardlint.documents.kubernetes import mapping
from guardlint.documents.kustomize.builds import builds
from guardlint.documents.manifest_objects import manifest_objects
from guardlint.documents.service_accounts import MAX_MANIFEST_BYTES, built_files
from guardlint.model.documents import Document
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.recorder import memoized, per_snapshot

# (name, namespace as written, namespace the build sets on it) of each account a build emits.
Account = tuple[str, str | None, str | None]


def subject_namespaces(binding: Document, name: str, own: str | None) -> tuple[str | None, ...]:
    """The namespace the ServiceAccount subject `name` (`own`: its namespace as written, None
    for none) names after each build that deploys the binding, each distinct one once; (own,)
    when no build deploys it or the builds are not known."""
    source = binding.source
    deployed = builds(binding)
    if not deployed or source is None or source.root is None:
        return (own,)
    root = os.path.abspath(source.root)
    found: list[str | None] = []
    for build in deployed:
        accounts = _built_accounts(build.root, root)
        found.append(_referred(accounts, name, own) if accounts is not None else own)
    return tuple(dict.fromkeys(found))


def _referred(accounts: tuple[Account, ...], name: str, own: str | None) -> str | None:
    candidates = [
        account
        for account in accounts
        if account[0] == name and (own is None or own in (account[1], account[2]))
    ]
    landed = {account[2] for account in candidates}
    if len(landed) != 1:
        return own  # none, or several that differ: kustomize leaves the subject (or fails)
    (namespace,) = landed
    return namespace or own


@per_snapshot
def _built_accounts(directory: str, root: str) -> tuple[Account, ...] | None:
    built = built_files(directory, root)
    if built is None:
        return None
    return tuple(
        (name, written, namespace or written)
        for path, signature, namespace in built[0]
        for name, written in _accounts_in_file(path, root, signature)
    )


@memoized(maxsize=4096)
def _accounts_in_file(
    path: str, root: str | None, signature: tuple
) -> tuple[tuple[str, str | None], ...]:
    """(name, namespace as written) of each ServiceAccount of one file (`signature`: its size,
    time and inode, so that a file written between two scans is read again)."""
    try:
        data = read_input(path, MAX_MANIFEST_BYTES, root)
    except InputError:
        return ()
    if b"ServiceAccount" not in data:
        return ()
    return tuple(
        (name, namespace or None)
        for item in manifest_objects(data)
        if item.get("kind") == "ServiceAccount"
        for metadata in [mapping(item.get("metadata"))]
        for name, namespace in [(metadata.get("name"), metadata.get("namespace"))]
        if isinstance(name, str) and (namespace is None or isinstance(namespace, str))
    )
