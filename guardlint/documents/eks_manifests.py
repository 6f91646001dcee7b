"""The Kubernetes objects a CloudFormation template applies to an EKS cluster, as documents of
their own (a derived document: guardlint.documents.registry). The AWS CDK's
`cluster.addManifest()` and `KubernetesManifest` synthesise a `Custom::AWSCDK-EKS-
KubernetesResource` whose `Manifest` is the objects as JSON text (an `Fn::Join` around the
tokens it holds, such as a role's ARN); its kubectl handler applies them. Each object is a
`kubernetes` document that the Kubernetes pack inspects like a manifest file, placed at the
`Manifest` property and named with its custom resource, so that a finding says which one.

The CDK's `KubernetesPatch` synthesises a `Custom::AWSCDK-EKS-KubernetesPatch`, whose handler
runs `kubectl patch <ResourceName> -n <ResourceNamespace> -p <ApplyPatchJson> --type
<PatchType>` when it is created or updated (RestorePatchJson only when it is deleted):
ResourceName is `kind/name` in kubectl's spelling (`deployment/coredns`, `ds/aws-node`,
`deployment.apps/web`), ResourceNamespace `default` unless set, PatchType `strategic` (the
CDK's default), `merge` or `json`. A strategic or merge patch is a partial object over the one
the cluster holds: it is a `kubernetes` document of the kind and name it patches, marked
partial (kustomizations.PARTIAL_OBJECT), so the rules judge what it sets (privileged, hostNetwork,
a hostPath, an added capability, an image) and leave what it does not say to the object it
patches, which is not in the template (no limits, no probe, no USER). A JSON patch (RFC 6902,
a list of operations on paths) is read as the partial object its `add` and `replace`
operations write (guardlint.documents.json_patch). A patch of a kind kubectl names in no way
known here is not read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from guardlint.documents.classify import is_kubernetes, kubernetes_meta, kubernetes_objects
from guardlint.documents.cloudformation.embedded_text import (
    Place,
    load_node,
    parsed_texts,
    partially_resolved_texts,
)
from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.json_patch import as_patched_object, patched_object
from guardlint.documents.kustomize.kustomizations import PARTIAL_OBJECT
from guardlint.documents.patched_kinds import BY_KUBECTL_NAME
from guardlint.model.documents import NEVER_CREATED, ONE_PLACE, Document, Region
from guardlint.parse.located import YamlMap, YamlSeq
from guardlint.parse.scalars import key_of
from guardlint.parse.text import ParseError

MANIFEST_TYPE = "Custom::AWSCDK-EKS-KubernetesResource"
# Bounds the parse of a text an intrinsic makes; the template that writes it is at most the
# file size limit, and kubectl's own request limit is 3 MB.
MAX_MANIFEST_TEXT = 3 * 1024 * 1024
PATCH_TYPE = "Custom::AWSCDK-EKS-KubernetesPatch"
_OBJECT_PATCH_TYPES = frozenset({"strategic", "merge"})
_JSON_PATCH_TYPE = "json"
_Parsed = TypeVar("_Parsed")


def template_manifests(template: Document) -> Iterator[Document]:
    """Each Kubernetes object of each manifest resource of the template. One whose Condition is
    always false is never applied: it is kept for the secrets written in it (NEVER_CREATED)."""
    evaluator = template_of(template)
    created = {resource.logical_id for resource in resources_of(template, MANIFEST_TYPE)}
    for resource in resources_of(template, MANIFEST_TYPE, created_only=False):
        props = resource.props
        key = key_of(props, "Manifest")
        if key is None:
            continue
        for objects, one_place in _texts(template, resource, key, evaluator, _objects):
            meta = {NEVER_CREATED: resource.logical_id not in created, ONE_PLACE: one_place}
            for item in objects:
                described = kubernetes_meta(item, False)
                described["resource"] = f"{described['resource']} in {resource.label}"
                yield template.derived("kubernetes", item, {**described, **meta})


def _texts(
    template: Document,
    resource: Resource,
    key: str,
    evaluator: Template,
    parse: Callable[[str, Place], _Parsed | None],
) -> list[tuple[_Parsed, Region]]:
    """(what `parse` finds, where its findings go) in the text a property of the resource
    writes: as written, or else from its resolved values (placed at the property's key)."""
    props = resource.props
    anchor = props.key_region(key) if isinstance(props, YamlMap) else resource.region
    written = props.value_region(key) if isinstance(props, YamlMap) else resource.region
    return [
        (parsed.document, parsed.one_place)
        for parsed in parsed_texts(
            props[key], written or anchor, template.lines, evaluator, parse, anchor
        )
    ] or [
        (found, anchor) for found in partially_resolved_texts(props[key], evaluator, parse, anchor)
    ]


def _objects(text: str, place: Place) -> list[dict] | None:
    """The Kubernetes objects a manifest text holds (a list of objects, or one object), Lists
    expanded as kubectl does; None for a text that holds none."""
    document = load_node(text, place, MAX_MANIFEST_TEXT, (YamlMap, YamlSeq))
    if document is None:
        return None
    written: list[Any] = document if isinstance(document, YamlSeq) else [document]
    unscanned: list[ParseError] = []  # an item kubectl rejects fails the whole apply
    found = [
        item
        for candidate in written
        if isinstance(candidate, YamlMap) and is_kubernetes(candidate)
        for item, _ in kubernetes_objects(candidate, unscanned)
    ]
    return found or None


def template_patches(template: Document) -> Iterator[Document]:
    """The object each strategic or merge KubernetesPatch of the template applies, as a partial
    `kubernetes` document (see the module's docstring); one whose Condition is always false is
    kept for the secrets written in it (NEVER_CREATED)."""
    evaluator = template_of(template)
    created = {resource.logical_id for resource in resources_of(template, PATCH_TYPE)}
    for resource in resources_of(template, PATCH_TYPE, created_only=False):
        props = resource.props
        key = key_of(props, "ApplyPatchJson")
        target = _patched(resource, evaluator)
        if key is None or target is None:
            continue
        reading = _patch_reading(resource, evaluator)
        for patch, one_place in _texts(template, resource, key, evaluator, reading):
            item = as_patched_object(patch, *target)
            described = kubernetes_meta(item, False)
            described["resource"] = f"{described['resource']} in {resource.label}"
            meta = {NEVER_CREATED: resource.logical_id not in created, ONE_PLACE: one_place}
            yield template.derived("kubernetes", item, {**described, **meta, PARTIAL_OBJECT: True})


def _patched(resource: Resource, template: Template) -> tuple[str, str, str, str | None] | None:
    """(apiVersion, kind, name, namespace) of the object a patch names (`kind[.group]/name`);
    None when its kind or name is not known."""
    names = template.resolved_strings(resource.props.get("ResourceName"))
    if len(names) != 1 or names[0].count("/") != 1:
        return None
    kind_name, name = (part.strip() for part in names[0].split("/"))
    known = BY_KUBECTL_NAME.get(kind_name.split(".", 1)[0].lower())
    if known is None or not name:
        return None
    namespace = resource.props.get("ResourceNamespace", "default")
    namespaces = template.resolved_strings(namespace)
    return (*known, name, namespaces[0] if len(namespaces) == 1 else None)


def _patch_reading(
    resource: Resource, template: Template
) -> Callable[[str, Place], YamlMap | None]:
    """How the patch's text is read, by its PatchType (the CDK's default is strategic): a
    strategic or merge patch's mapping, a JSON patch's operations as the object they write;
    of a type the template does not resolve, whichever the text holds."""
    kind = resource.props.get("PatchType", "strategic")
    types = {value.strip().lower() for value in template.resolved_strings(kind)}
    objects, operations = bool(types & _OBJECT_PATCH_TYPES), _JSON_PATCH_TYPE in types
    if not types or (objects and operations):
        return _any_patch
    return _patch if objects else _json_patch if operations else _no_patch


def _patch(text: str, place: Place) -> YamlMap | None:
    """The mapping a strategic or merge patch text holds (a JSON patch is a list: none)."""
    return load_node(text, place, MAX_MANIFEST_TEXT, YamlMap)  # type: ignore[return-value]


def _json_patch(text: str, place: Place) -> YamlMap | None:
    """The object a JSON patch's operations write (a strategic or merge patch is a map: none)."""
    operations = load_node(text, place, MAX_MANIFEST_TEXT, YamlSeq)
    return patched_object(operations) if isinstance(operations, YamlSeq) else None


def _any_patch(text: str, place: Place) -> YamlMap | None:
    """A patch of a type not known: the object a mapping is, or a list of operations writes."""
    found = load_node(text, place, MAX_MANIFEST_TEXT, (YamlMap, YamlSeq))
    if isinstance(found, YamlSeq):
        return patched_object(found)
    return found


def _no_patch(text: str, place: Place) -> None:
    """A PatchType kubectl does not know: the patch fails, nothing is applied."""
    return None
