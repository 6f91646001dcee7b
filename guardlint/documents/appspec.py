"""CodeDeploy AppSpec files: which YAML/JSON documents are AppSpecs, and the view the CDP rules
read (guardlint/checks/codedeploy/).

An AppSpec is an `appspec.yml`/`.yaml`/`.json` with an AppSpec section, or any document with
`version` 0.0 and either `os` with `files`, `hooks`, or a `Resources` list of ECS services or
Lambda functions (guardlint.documents.classify asks before CloudFormation: a `Resources` list
is never a template). Keys are looked up in any case, as CodeDeploy's own samples write both
`hooks` and `Hooks`. The platform follows from the content: EC2/On-Premises (`os`, `files`,
`permissions`, hooks mapping an event to scripts), ECS or Lambda (`Resources`, hooks as a list
of `event: function` maps). An ECS AppSpec's TargetService is also an `ecs-service` document,
its `Properties` as written (a derived document: guardlint.documents.registry).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.model.documents import Document, Region
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.located import YamlMap, YamlSeq, region_of
from guardlint.parse.scalars import key_of, value_of
from guardlint.parse.use_sites import UseSites

EC2, ECS, LAMBDA = "EC2/On-Premises", "ECS", "Lambda"
ECS_SERVICE, LAMBDA_FUNCTION = "AWS::ECS::Service", "AWS::Lambda::Function"
PLATFORM_OF_TYPE = {ECS_SERVICE: ECS, LAMBDA_FUNCTION: LAMBDA}
# The sections beside `version` (which MoveApps' `appspec.json` has too).
SECTIONS = frozenset({"os", "files", "permissions", "hooks", "resources", "file_exists_behavior"})
# An integer as YAML 1.1 writes it: PyYAML reads `0755` as octal (493), `755` as decimal; a
# node's text starts with its tag and anchor (`!!int 0755`, `&mode 0755`).
_YAML_INT = LazyPattern(r"[-+]?(?P<octal>0[0-7_]+)|[-+]?(?:0|[1-9][0-9_]*)")
_NODE_PROPERTIES = re.compile(r"(?:[!&]\S*\s+)*")
_CACHE = "appspec"


def is_version_zero(value: Any) -> bool:
    """`version: 0.0`, as a number or a string."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == 0
    return isinstance(value, str) and value.strip() == "0.0"


def _resource_entries(resources: Any) -> Iterator[tuple[int, str, Any]]:
    """(index, name, definition) of each single-key map of a `Resources` list."""
    if not isinstance(resources, list):
        return
    for index, item in enumerate(resources):
        if isinstance(item, dict) and len(item) == 1:
            ((name, definition),) = item.items()
            yield index, str(name), definition


def _type_of(definition: Any) -> str | None:
    """A resource's `type`, when it is text (a map or list there names no type)."""
    kind = value_of(definition, "type")
    return kind if isinstance(kind, str) else None


def _serverless_platform(resources: Any) -> str | None:
    """ECS or Lambda when a `Resources` list holds a service or a function of that kind."""
    entries = _resource_entries(resources)
    platforms = {PLATFORM_OF_TYPE.get(_type_of(definition)) for _, _, definition in entries}
    return ECS if ECS in platforms else LAMBDA if LAMBDA in platforms else None


def is_appspec(data: dict, by_name: bool) -> bool:
    """Whether a parsed document is an AppSpec: by its file's name, any AppSpec section other
    than `version` (a MoveApps `appspec.json` has only that); by content alone, version 0.0
    and an AppSpec's shape."""
    if by_name:
        sections = any(isinstance(key, str) and key.lower() in SECTIONS for key in data)
        return sections and not isinstance(value_of(data, "resources"), dict)
    if not is_version_zero(value_of(data, "version")):
        return False
    ec2 = key_of(data, "hooks") is not None or (
        key_of(data, "os") is not None and key_of(data, "files") is not None
    )
    return ec2 or _serverless_platform(value_of(data, "resources")) is not None


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class Entry:
    """An item of the `files` or `permissions` list, or a hook entry: an EC2 script (its map)
    or an ECS/Lambda function name, `event` its lifecycle event."""

    section: str  # files, permissions, or `hook <event>`
    index: int  # in the list, or among the event's entries
    value: Any
    region: Region
    event: str = ""

    @property
    def resource(self) -> str:
        return f"appspec {self.section}[{self.index}]"


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class Resource:
    """An entry of an ECS/Lambda AppSpec's `Resources` list."""

    index: int
    name: str
    definition: Any
    region: Region

    @property
    def type(self) -> str | None:
        return _type_of(self.definition)

    @property
    def properties(self) -> Any:
        return value_of(self.definition, "properties")

    @property
    def resource(self) -> str:
        return f"appspec {self.type or 'resource'} {self.name}"


class AppSpec:
    """An AppSpec document as the CDP rules read it."""

    def __init__(self, document: Document) -> None:
        self.data: dict = document.data
        self.lines = document.lines
        self.region: Region = region_of(self.data) or Region(1)
        self.platform = _serverless_platform(self.section("resources")) or (
            None if isinstance(self.section("resources"), list) else EC2
        )
        os_name = self.section("os")
        self.os = os_name.strip().lower() if isinstance(os_name, str) else None
        # An entry an alias brings (`- *script`) is reported where the alias uses it.
        self._sites = UseSites(document, root=self.data)

    def section(self, name: str) -> Any:
        return value_of(self.data, name)

    def key_region(self, name: str) -> Region:
        """The region of a top-level key (the document's when it is missing)."""
        key = key_of(self.data, name)
        return self.region if key is None else region_of(self.data, key) or self.region

    def entries(self, name: str) -> Iterator[Entry]:
        """The items of the `files` or `permissions` list."""
        items = self.section(name)
        if isinstance(items, list):
            for index, item in enumerate(items):
                yield Entry(name, index, item, self._item_region(items, index))

    def hooks(self) -> Iterator[Entry]:
        """Every hook entry: EC2 scripts by event, ECS/Lambda `event: function` pairs."""
        hooks = self.section("hooks")
        if self.platform == EC2 and isinstance(hooks, dict):
            for event, scripts in hooks.items():
                if isinstance(scripts, list):
                    for index, script in enumerate(scripts):
                        region = self._item_region(scripts, index)
                        yield Entry(f"hook {event}", index, script, region, str(event))
        elif self.platform != EC2:
            counts: dict[str, int] = {}
            for event, function, region in _function_hooks(hooks, self.region):
                counts[event] = counts.get(event, -1) + 1
                yield Entry(f"hook {event}", counts[event], function, region, event)

    def resources(self) -> list[Resource]:
        resources = self.section("resources")
        return [
            Resource(index, name, definition, self._item_region(resources, index))
            for index, name, definition in _resource_entries(resources)
        ]

    def written(self, mapping: dict, key: Any) -> str | None:
        """A scalar as the file writes it: a string, or an integer's own digits (`0755`, which
        PyYAML reads as the octal 493); None for other values."""
        value = mapping[key]
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        region = mapping.value_region(key) if isinstance(mapping, YamlMap) else None
        text = self._text(region).strip() if region is not None else ""
        text = text[_NODE_PROPERTIES.match(text).end() :]
        match = _YAML_INT.fullmatch(text)
        if match is None:
            return str(value)
        literal = text.replace("_", "")
        as_read = int(literal, 8) if match["octal"] else int(literal)
        return literal.lstrip("+") if as_read == value else str(value)

    def _item_region(self, items: Any, index: int) -> Region:
        if not isinstance(items, YamlSeq):
            return self.region
        return self._sites.value_region(items, index) or items.item_region(index)

    def _text(self, region: Region) -> str:
        """The text of a one-line region."""
        if region.end_line != region.start_line or region.end_column is None:
            return ""
        if not 1 <= region.start_line <= len(self.lines):
            return ""
        return self.lines[region.start_line - 1][region.start_column - 1 : region.end_column - 1]


def _function_hooks(hooks: Any, fallback: Region) -> Iterator[tuple[str, Any, Region]]:
    """(event, function, region) of ECS/Lambda hooks: a list of `event: function` maps (a
    mapping of events is read the same way)."""
    maps = hooks if isinstance(hooks, list) else [hooks]
    for item in maps:
        if isinstance(item, dict):
            for event, function in item.items():
                yield str(event), function, region_of(item, event) or fallback


def appspec_of(document: Document) -> AppSpec:
    """The document's AppSpec view, made once per document."""
    view = document.meta.get(_CACHE)
    if view is None:
        view = document.meta[_CACHE] = AppSpec(document)
    return view


def target_services(document: Document) -> Iterator[Document]:
    """An ECS AppSpec's TargetService as an `ecs-service` document: its `Properties` as
    written, for the ECS pack (ECS014)."""
    for resource in appspec_of(document).resources():
        properties = resource.properties
        if resource.type == ECS_SERVICE and isinstance(properties, dict):
            yield document.derived("ecs-service", properties, {"resource": resource.resource})
