"""The container defaults a LimitRange declared in the same file as a pod gives its containers.

The LimitRanger admission plugin fills in the resources a container leaves out from each
LimitRange of its namespace (`type: Container`): limits from `default`, which the API server
takes from `max` when it is not given, and requests from `defaultRequest`, else `default`,
else `min`. Only the pod's own file is read (what is applied with it); a LimitRange elsewhere
in the cluster is unknown, and a file that does not name `LimitRange` is not parsed again. A
chart's template gives the LimitRanges every rendering holds alike (manifest_objects).
"""

from __future__ import annotations

from dataclasses import dataclass

from guardlint.documents.kubernetes import mapping, sequence
from guardlint.documents.kustomize.builds import namespaces_set
from guardlint.documents.manifest_objects import manifest_objects, manifest_signature
from guardlint.model.documents import Document
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.recorder import memoized
from guardlint.parse.scalars import zero_quantity

MAX_MANIFEST_BYTES = 2_000_000
# Where a LimitRange item's resources end up in a container that leaves them out.
_LIMIT_FIELDS = ("default", "max")
_REQUEST_FIELDS = ("defaultRequest", "default", "max", "min")
# namespace (None: none written) -> (resources given limits, resources given requests)
Defaults = tuple[tuple[str | None, frozenset[str], frozenset[str]], ...]


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class ContainerDefaults:
    """The resources a LimitRange beside the pod fills in for its containers."""

    limits: frozenset[str] = frozenset()
    requests: frozenset[str] = frozenset()


NO_DEFAULTS = ContainerDefaults()


def container_defaults(document: Document) -> ContainerDefaults:
    """What the LimitRanges of the document's file, in the document's namespace, fill in
    (both naming no namespace is one namespace: wherever the file is applied; a kustomization
    that builds the file sets its namespace on both)."""
    source = document.source
    if source is None:
        return NO_DEFAULTS
    if source.content is not None:
        found = _declared(source.content, source.chart_template)
    else:
        signature = manifest_signature(source.path)
        found = _declared_in_file(source.path, source.root, signature, source.chart_template)
    if not found:
        return NO_DEFAULTS
    namespace = mapping(mapping(document.data).get("metadata")).get("namespace") or None
    # A build that sets a namespace sets it on the pod and the file's LimitRanges alike; the
    # defaults are those every build gives.
    given: list[ContainerDefaults] = []
    for set_by in namespaces_set(document):
        limits: set[str] = set()
        requests: set[str] = set()
        for declared_in, given_limits, given_requests in found:
            if (set_by or declared_in) == (set_by or namespace):
                limits |= given_limits
                requests |= given_requests
        given.append(ContainerDefaults(frozenset(limits), frozenset(requests)))
    return ContainerDefaults(
        frozenset.intersection(*(d.limits for d in given)),
        frozenset.intersection(*(d.requests for d in given)),
    )


@memoized(maxsize=1024)
def _declared_in_file(
    path: str, root: str | None, signature: tuple, chart_template: bool
) -> Defaults:
    """The LimitRanges of one file (`signature`: its size, time and inode, so that a file
    written between two scans is read again), as Helm renders it where it is a chart's
    template (those every rendering declares alike)."""
    try:
        return _declared(read_input(path, MAX_MANIFEST_BYTES, root), chart_template)
    except InputError:
        return ()


def _declared(data: bytes, chart_template: bool) -> Defaults:
    if b"LimitRange" not in data or len(data) > MAX_MANIFEST_BYTES:
        return ()
    return tuple(
        _defaults_of(item)
        for item in manifest_objects(data, chart_template)
        if item.get("kind") == "LimitRange"
    )


def _defaults_of(limit_range: dict) -> tuple[str | None, frozenset[str], frozenset[str]]:
    namespace = mapping(limit_range.get("metadata")).get("namespace")
    items = [
        mapping(item)
        for item in sequence(mapping(limit_range.get("spec")).get("limits"))
        if mapping(item).get("type") == "Container"
    ]
    return (
        namespace if isinstance(namespace, str) and namespace else None,
        _resources(items, _LIMIT_FIELDS),
        _resources(items, _REQUEST_FIELDS),
    )


def _resources(items: list[dict], fields: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        str(name)
        for item in items
        for field in fields
        for name, quantity in mapping(item.get(field)).items()
        if quantity not in (None, "") and not zero_quantity(quantity)
    )
