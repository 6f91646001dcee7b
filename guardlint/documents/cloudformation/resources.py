"""A template's resources as checks see them: Properties with SAM Globals applied, a label, and
where each value is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.cloudformation.template import Template
from guardlint.model import Document, Region
from guardlint.parse.yaml_nodes import YamlMap, YamlSeq

SAM_FUNCTION = "AWS::Serverless::Function"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
FUNCTION_TYPES = (LAMBDA_FUNCTION, SAM_FUNCTION)


def template_of(document: Document) -> Template:
    """The document's Template, built once and shared by every check of the pack."""
    template = document.meta.get("cfn_template")
    if template is None:
        template = document.meta["cfn_template"] = Template(document.data)
    return template


@dataclass
class Resource:
    """One template resource as checks see it: Properties with SAM Globals applied."""

    logical_id: str
    type: str
    props: YamlMap
    region: Region

    @property
    def label(self) -> str:
        return f"{self.type} {self.logical_id}"


def resources_of(document: Document, *types: str) -> Iterator[Resource]:
    template = template_of(document)
    for logical_id, resource in template.resources_of(*types):
        yield Resource(
            logical_id,
            str(resource.get("Type", "")),
            template.properties(logical_id),
            template.resource_region(logical_id),
        )


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
