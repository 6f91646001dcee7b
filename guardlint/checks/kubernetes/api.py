"""Kubernetes checks on objects themselves: API versions no longer served and the default
namespace.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from guardlint.checks.kubernetes.values import meta, option_strings
from guardlint.checks.registry import check
from guardlint.documents.classify import TEMPLATE_OBJECT, is_openshift_template
from guardlint.documents.kubernetes import mapping, pod_specs
from guardlint.documents.kustomize.builds import namespaces_landed, namespaces_set
from guardlint.documents.kustomize.kustomizations import is_patch
from guardlint.knowledge.tables import load_table
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import region_of


@functools.cache
def removed_api_versions() -> dict[tuple[str, str], dict[str, str]]:
    """(apiVersion, kind) -> {removed_in, replacement}, from guardlint/data."""
    table: dict[tuple[str, str], dict[str, str]] = {}
    for row in load_table("k8s_deprecated_apis.yaml")["removed"]:
        for kind in row["kinds"]:
            table[(row["apiVersion"], kind)] = {
                "removed_in": str(row["removed_in"]),
                "replacement": str(row["replacement"]),
            }
    return table


@check("K8S026")
def deprecated_api_version(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S026: an apiVersion current Kubernetes no longer serves for that kind."""
    if not isinstance(document.data, dict):
        return
    api_version = str(document.data.get("apiVersion", ""))
    removed = removed_api_versions().get((api_version, meta(document, "kind")))
    if removed is None:
        return
    resource = meta(document, "resource")
    yield Hit(
        message=f"{resource} uses {api_version}, which Kubernetes stopped serving in "
        f"{removed['removed_in']}; use {removed['replacement']}.",
        region=region_of(document.data, "apiVersion") or Region(1),
        resource=resource,
        properties={"apiVersion": api_version, **removed},
    )


@check("K8S016")
def default_namespace(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S016: a namespaced object with no namespace, or the default one."""
    data = document.data
    kind = meta(document, "kind")
    if not isinstance(data, dict) or not _is_namespaced(
        str(data.get("apiVersion", "")), kind, rule
    ):
        return
    if is_patch(document):
        return  # a Kustomize patch names its target; the namespace is the base's or the overlay's
    if document.meta.get(TEMPLATE_OBJECT):
        # An OpenShift Template's object lands where the template is instantiated: `oc
        # process` drops a literal namespace and fills in a `${PARAMETER}` one.
        return
    if is_openshift_template(data):
        # A Template runs nothing: `oc process` reads it (a file or a catalogue entry), and
        # where it is kept isolates none of what it makes.
        return
    metadata = mapping(data.get("metadata"))
    if f"{kind}/{metadata.get('name')}" in option_strings(rule, "built_in_objects"):
        return  # Kubernetes keeps it there itself: the manifest configures it, moves nothing
    named = metadata.get("name") or metadata.get("generateName")
    if not named and next(pod_specs(document), None) is None:
        # No API object lacks a name: a tool's config file (scheduler Policy, kubeconfig). A
        # workload that runs pods is one whatever its metadata says.
        return
    namespace = metadata.get("namespace")
    # A kustomization that builds the file sets the namespace, whatever the object's own says:
    # reported when one of the ways it is deployed lands it in default (or no namespace).
    if namespace not in (None, "") and not isinstance(namespace, str):
        return  # not a name
    own = namespace or None
    if own is None and document.source is not None and document.source.chart_template:
        return  # `helm install --namespace` gives a chart's objects the release's namespace
    if all(landed not in (None, "default") for landed in namespaces_landed(document, own)):
        return
    resource = meta(document, "resource")
    if namespace != "default" and "default" in namespaces_set(document):
        # The name stays the object's own (the resource, and so the fingerprint, do not move
        # with the overlays that deploy it); the message says what puts it in default.
        over = f", over its own {namespace}" if namespace else ""
        said = (
            "is deployed in the default namespace: a kustomization that builds it sets "
            f"`namespace: default`{over}"
        )
        region = region_of(metadata, "namespace") if namespace else None
        region = region or region_of(data, "metadata" if "metadata" in data else "kind")
    elif namespace:
        said, region = "is in the default namespace", region_of(metadata, "namespace")
    else:
        said, region = (
            "names no namespace (so it lands in default, or wherever kubectl points)",
            region_of(data, "metadata" if "metadata" in data else "kind"),
        )
    yield Hit(
        message=f"{resource} {said}; shared defaults make isolation by namespace (RBAC, "
        "network policies, quotas) impossible.",
        region=region or Region(1),
        resource=resource,
    )


def _is_namespaced(api_version: str, kind: str, rule: Rule) -> bool:
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    config_groups = option_strings(rule, "config_api_groups")
    if any(group == g or (g.startswith(".") and group.endswith(g)) for g in config_groups):
        return False  # a tool's config file (kustomize, kubeadm, kind ...), not a cluster object
    if group in option_strings(rule, "cluster_scoped_api_groups"):
        return False
    # `Kind` is cluster-scoped in every group, `Kind.group` in that group only.
    scoped = option_strings(rule, "cluster_scoped_kinds")
    if kind in scoped or f"{kind}.{group}" in scoped or kind == "List":
        return False
    return not kind.startswith("Cluster")
