"""The Kubernetes objects a CloudFormation template applies to an EKS cluster, as documents of
their own (a derived document: guardlint.documents.registry). The AWS CDK's
`cluster.addManifest()` and `KubernetesManifest` synthesise a `Custom::AWSCDK-EKS-
KubernetesResource` whose `Manifest` is the objects as JSON text (an `Fn::Join` around the
tokens it holds, such as a role's ARN); its kubectl handler applies them. Each object is a
`kubernetes` document that the Kubernetes pack inspects like a manifest file, placed at the
`Manifest` property and named with its custom resource, so that a finding says which one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.classify import is_kubernetes, kubernetes_meta, kubernetes_objects
from guardlint.documents.cloudformation.embedded_text import (
    Place,
    load_node,
    parsed_texts,
    partially_resolved_texts,
)
from guardlint.documents.cloudformation.resources import resources_of, template_of
from guardlint.model import NEVER_CREATED, ONE_PLACE, Document
from guardlint.parse.located import YamlMap, YamlSeq
from guardlint.parse.scalars import key_of
from guardlint.parse.text import ParseError

MANIFEST_TYPE = "Custom::AWSCDK-EKS-KubernetesResource"
# Bounds the parse of a text an intrinsic makes; the template that writes it is at most the
# file size limit, and kubectl's own request limit is 3 MB.
MAX_MANIFEST_TEXT = 3 * 1024 * 1024


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
        anchor = props.key_region(key) if isinstance(props, YamlMap) else resource.region
        written = props.value_region(key) if isinstance(props, YamlMap) else resource.region
        texts = [
            (parsed.document, parsed.one_place)
            for parsed in parsed_texts(
                props[key], written or anchor, template.lines, evaluator, _objects, anchor
            )
        ] or [
            (objects, anchor)
            for objects in partially_resolved_texts(props[key], evaluator, _objects, anchor)
        ]
        for objects, one_place in texts:
            meta = {NEVER_CREATED: resource.logical_id not in created, ONE_PLACE: one_place}
            for item in objects:
                described = kubernetes_meta(item, False)
                described["resource"] = f"{described['resource']} in {resource.label}"
                yield template.derived("kubernetes", item, {**described, **meta})


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
