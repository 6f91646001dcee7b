"""A template's resources as checks see them: Properties with SAM Globals applied, a label, and
where each value is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.cloudformation.conditions import resource_never_created
from guardlint.documents.cloudformation.template import Template
from guardlint.model.documents import Document, Region
from guardlint.parse.located import YamlMap, YamlSeq

SAM_FUNCTION = "AWS::Serverless::Function"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
FUNCTION_TYPES = (LAMBDA_FUNCTION, SAM_FUNCTION)


def template_of(document: Document) -> Template:
    """The document's Template, built once and shared by every check of the pack."""
    template = document.meta.get("cfn_template")
    if template is None:
        template = document.meta["cfn_template"] = Template(document.data)
        template.embedded_text_budget += sum(map(len, document.lines))
    return template


def resource_types(document: Document) -> frozenset[str]:
    """The types of the template's resources, as `resources_of` tells them apart."""
    return template_of(document).types


def resource_label(resource_type: str, logical_id: str, construct_path: str | None = None) -> str:
    """How findings name a resource: `AWS::S3::Bucket Logs`, or for one the CDK named,
    `AWS::S3::Bucket MyStack/Logs/Resource (Logs9C4D8843)` (documents.cloudformation.cdk)."""
    if construct_path:
        return f"{resource_type} {construct_path} ({logical_id})"
    return f"{resource_type} {logical_id}"


def construct_path(document: Document, logical_id: str) -> str | None:
    """The CDK construct path of a resource of the template, if the CDK named it."""
    named = document.resource_names.get(logical_id)
    # A framework resource of a template without construct paths is named by its logical ID.
    return named.stable if named is not None and named.stable != logical_id else None


@dataclass(frozen=True)  # one per resource, shared by every check (resources_of)
class Resource:
    """One template resource as checks see it: Properties with SAM Globals applied."""

    logical_id: str
    type: str
    props: YamlMap
    region: Region
    construct_path: str | None = None  # the CDK's name for it (aws:cdk:path)

    @property
    def label(self) -> str:
        return resource_label(self.type, self.logical_id, self.construct_path)


def resources_of(document: Document, *types: str, created_only: bool = True) -> Iterator[Resource]:
    """The template's resources of `types` (all when none), in the template's order; each
    made once per document, as forty-odd checks ask for them. A resource whose Condition is
    known to be false is never created, so only `created_only=False` gives it (a secret
    written in it is in the repository all the same)."""
    template = template_of(document)
    if types and template.types.isdisjoint(types):
        return  # the usual answer: most checks ask for types a template lacks
    made: dict[str, Resource] = document.meta.setdefault("cfn_resources", {})
    for logical_id, resource in template.resources_of(*types):
        if created_only and resource_never_created(template.condition_values, resource):
            continue
        found = made.get(logical_id)
        if found is None:
            found = made[logical_id] = Resource(
                logical_id,
                str(resource.get("Type", "")),
                template.properties(logical_id),
                template.resource_region(logical_id),
                construct_path(document, logical_id),
            )
        yield found


def region_at(container: Any, key: Any, fallback: Region) -> Region:
    """Region of `container[key]`: its value for a scalar, the `key:` line for a map or list
    (their own region starts at their first entry); `fallback` when it is not written there."""
    region = None
    if isinstance(container, YamlMap) and key in container:
        nested = isinstance(container[key], (dict, list))
        region = container.key_region(key) if nested else container.value_region(key)
    elif isinstance(container, YamlSeq) and isinstance(key, int):
        region = container.item_region(key)
    elif key is None:
        region = getattr(container, "region", None)
    return region or fallback


def value_region(container: Any, key: Any) -> Region | None:
    """Where `container[key]` itself is written (for a map or list: all of it)."""
    if isinstance(container, YamlMap) and key in container:
        return container.value_region(key)
    if isinstance(container, YamlSeq) and isinstance(key, int):
        return container.item_region(key)
    return None
