"""The Kubernetes objects of a manifest read as bytes: what a pod's file or directory declares
beside it (guardlint.documents.service_accounts, guardlint.documents.limit_ranges), and what
tells one version of such a file from another, to read it once per version.

A file of a Helm chart's templates/ declares what Helm renders of it, not what its bytes read
as YAML (`# {{ if false }}` hides what follows from Helm, not from YAML): its objects are those
every rendering its control actions can choose holds alike (guardlint.parse.helm_templates),
so an object that removes a finding is there whatever the values; none where the rendering
depends on values."""

from __future__ import annotations

import os

from guardlint.documents.classify import kubernetes_objects
from guardlint.parse.helm_charts import below_chart_templates
from guardlint.parse.helm_templates import static_texts
from guardlint.parse.lookups import FILE, entry_info, path_kind
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents


def manifest_objects(data: bytes, chart_template: bool = False) -> list[dict]:
    """Each object of the manifest, the items of its Lists and Templates included; none where
    the bytes are not UTF-8 YAML or JSON. For a chart's template, the objects every rendering
    holds (see the module's doc)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    if not chart_template:
        return _objects(text)
    renderings = [_objects(rendered) for rendered in static_texts(text) or []]
    if not renderings:
        return []
    first, *others = renderings
    return [item for item in first if all(item in objects for objects in others)]


def _objects(text: str) -> list[dict]:
    try:
        documents = load_documents(text, cfn_tags=False)
    except (ParseError, RecursionError):
        return []
    return [
        item
        for raw in documents
        if isinstance(raw, dict) and isinstance(raw.get("kind"), str)
        for item, _ in kubernetes_objects(raw, [])
        if isinstance(item, dict)
    ]


def in_chart_templates(path: str, root: str) -> bool:
    """Whether the file at `path` lies below a Helm chart's templates/ directory inside the
    scan `root`, as discovery tells a chart's templates; each Chart.yaml looked for is
    recorded for the result cache."""
    return below_chart_templates(
        os.path.abspath(path), os.path.abspath(root), lambda chart: path_kind(chart) == FILE
    )


def manifest_signature(path: str) -> tuple:
    """What tells one version of a file from another (size, time, inode; links not followed),
    recorded as a lookup; () where there is no such file."""
    info = entry_info(path)
    return (info.st_size, info.st_mtime_ns, info.st_ino) if info else ()
