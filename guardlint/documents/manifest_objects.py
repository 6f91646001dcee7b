"""The Kubernetes objects of a manifest read as bytes: what a pod's file or directory declares
beside it (guardlint.documents.service_accounts, guardlint.documents.limit_ranges), and what
tells one version of such a file from another, to read it once per version."""

from __future__ import annotations

from guardlint.documents.classify import kubernetes_objects
from guardlint.parse.lookups import entry_info
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents


def manifest_objects(data: bytes) -> list[dict]:
    """Each object of the manifest, the items of its Lists and Templates included; none where
    the bytes are not UTF-8 YAML or JSON."""
    try:
        documents = load_documents(data.decode("utf-8"), cfn_tags=False)
    except (UnicodeDecodeError, ParseError, RecursionError):
        return []
    return [
        item
        for raw in documents
        if isinstance(raw, dict) and isinstance(raw.get("kind"), str)
        for item, _ in kubernetes_objects(raw, [])
        if isinstance(item, dict)
    ]


def manifest_signature(path: str) -> tuple:
    """What tells one version of a file from another (size, time, inode; links not followed),
    recorded as a lookup; () where there is no such file."""
    info = entry_info(path)
    return (info.st_size, info.st_mtime_ns, info.st_ino) if info else ()
