"""A small CloudFormation evaluator: just enough intrinsic resolution for security rules.

Usage::

    template = Template(document.data)
    for logical_id, resource in template.resources_of("AWS::S3::Bucket"):
        props = template.properties(logical_id)
        for value in template.possible_values(props.get("AccessControl")):
            if value is UNRESOLVED: ...   # never report on what we could not resolve

`possible_values` returns every value an expression can take: `Ref` to a Parameter gives its
Default, or the one value its AllowedValues permit (guardlint.documents.cloudformation
.parameters), `Fn::If` gives both branches, `Fn::Sub`/`Fn::Join`/`Fn::Select` give strings
when every piece resolves, `Fn::FindInMap` the entries it may find or its DefaultValue
(guardlint.documents.cloudformation.mappings), `Fn::Split` a list.
Anything else (GetAtt, ImportValue, account-specific pseudo parameters, ...) is UNRESOLVED.
Rules must treat UNRESOLVED as "unknown, do not report": a value that cannot be resolved never
yields a false positive.

Helpers on top: `resolve` (the single value, or UNRESOLVED), `resolved_strings` (the scalar
values as strings), `is_true` (True/False when every value agrees), and `is_defined` (may a
Ref/GetAtt name this ID: resources, parameters, pseudo parameters, IDs the SAM transform or a
module generates).

`resources` holds what the template deploys: the resources its `Fn::ForEach` loops generate
in place of the loops (guardlint.documents.cloudformation.for_each), then SAM's globals.

SAM: `resources` applies each `Globals` section (Function, Api, HttpApi, WebSocketApi,
SimpleTable, ...) to the Properties of the AWS::Serverless::* resources it covers, the way the
transform does (the resource's own keys win; maps such as Environment.Variables are merged).
Regions of global values stay those of the Globals section, so findings point at the line that
sets them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.conditions import evaluate_conditions, taken_branches
from guardlint.documents.cloudformation.for_each import expand_resources
from guardlint.documents.cloudformation.intrinsics import (
    KNOWN_PSEUDO_VALUES,
    MAX_VALUES,
    PSEUDO_PARAMETERS,
    UNRESOLVED,
    concatenations,
    intrinsic,
    is_module_type,
    same_value,
    sub_references,
)
from guardlint.documents.cloudformation.mappings import find_in_map
from guardlint.documents.cloudformation.parameters import parameter_value
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap
from guardlint.parse.scalars import truth, whole_number

# Globals section name -> resource types it applies to (SAM transform).
_GLOBALS_TARGETS = {
    "Function": ("AWS::Serverless::Function",),
    "Api": ("AWS::Serverless::Api",),
    "HttpApi": ("AWS::Serverless::HttpApi",),
    "WebSocketApi": ("AWS::Serverless::WebSocketApi",),
    "SimpleTable": ("AWS::Serverless::SimpleTable",),
    "StateMachine": ("AWS::Serverless::StateMachine",),
    "LayerVersion": ("AWS::Serverless::LayerVersion",),
    "CapacityProvider": ("AWS::Serverless::CapacityProvider",),
}
SAM_GLOBALS_SECTIONS = frozenset(_GLOBALS_TARGETS)
# Logical IDs the SAM transform gives what it makes for the whole stack rather than after one
# resource (so references to them are valid): the implicit REST and HTTP APIs,
# DeploymentPreference's CodeDeploy application and service role, a SHARED usage plan and its
# key.
SAM_IMPLICIT_IDS = frozenset(
    {"ServerlessRestApi", "ServerlessHttpApi", "ServerlessDeploymentApplication",
     "CodeDeployServiceRole", "ServerlessUsagePlan", "ServerlessApiKey",
     "ServerlessUsagePlanKey"}
)  # fmt: skip
# ... and what it names after them, or after a hash: the implicit APIs' stages (for any
# StageName: ServerlessRestApiProdStage) and deployments (ServerlessRestApiDeployment<hash>),
# a custom domain's Route 53 record set group (RecordSetGroup<hash>).
SAM_IMPLICIT_PREFIXES = ("ServerlessRestApi", "ServerlessHttpApi", "RecordSetGroup")
# Only the first MAX_VALUES values of an expression are told apart (possible_values), so each
# part keeps no more: Fn::FindInMap over three Fn::If trees would go through the product of
# their leaves (cubic in the template's size).
PART_VALUES = MAX_VALUES
_MAX_DEPTH = 30


def _merge_globals(global_value: Any, own: Any) -> Any:
    """SAM merges maps key by key (own wins); any other own value replaces the global one."""
    if isinstance(global_value, dict) and isinstance(own, dict) and not intrinsic(own):
        merged = YamlMap(getattr(own, "region", getattr(global_value, "region", None)))
        for key, value in global_value.items():
            merged[key] = value
            _copy_regions(merged, global_value, key)
        for key, value in own.items():
            merged[key] = (
                _merge_globals(global_value.get(key), value) if key in global_value else value
            )
            _copy_regions(merged, own, key)
        return merged
    return own


def _copy_regions(target: YamlMap, source: Any, key: Any) -> None:
    if isinstance(source, YamlMap) and key in source.key_regions:
        target.key_regions[key] = source.key_regions[key]
        target.value_regions[key] = source.value_region(key)


# CloudFormation's limit on a logical ID's length.
MAX_LOGICAL_ID = 255


# What parsing the texts a template embeds (policies, buildspecs, manifests) may cost beyond
# the template's own size, in characters: a text it names many times (a parameter's default
# under a `Ref` in each of hundreds of resources) is parsed once per use, so the uses share
# this bound; a real template is at most 1 MB (CloudFormation's limit).
EMBEDDED_TEXT_BUDGET = 1 << 20


class Template:
    """A parsed template (a cloudformation Document's data) with intrinsic resolution."""

    def __init__(self, data: Any) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.parameters = self._section("Parameters")
        self.mappings = self._section("Mappings")
        self.conditions = self._section("Conditions")
        # The conditions known statically.
        self.condition_values = evaluate_conditions(self.conditions, self.parameters)
        self.globals = self._section("Globals")
        # Stands in for the unresolved parts of a Fn::Sub or Fn::Join (partial_values).
        self._unknown_part: str | None = None
        # Fn::ForEach loops expanded: the section as CloudFormation deploys it.
        self.resource_section = expand_resources(
            self.data, self._section("Resources"), self.possible_values
        )
        self.raw_resources: dict[str, Any] = dict(self.resource_section)
        self.resources: dict[str, Any] = {
            logical_id: self._with_globals(resource)
            for logical_id, resource in self.raw_resources.items()
        }
        # Every check asks for resources of a few types; index them once, in template order.
        self._by_type: dict[Any, list[tuple[int, str, YamlMap]]] = {}
        for position, (logical_id, resource) in enumerate(self.resources.items()):
            if isinstance(resource, dict):
                kind = resource.get("Type")
                kind = kind if isinstance(kind, str) else None  # unhashable or missing
                self._by_type.setdefault(kind, []).append((position, str(logical_id), resource))
        self.types = frozenset(kind for kind in self._by_type if kind is not None)
        self._in_order = sorted(entry for group in self._by_type.values() for entry in group)
        # Characters the texts it embeds may still take to parse (embedded_text.py); its
        # document adds its own size (resources.template_of).
        self.embedded_text_budget = EMBEDDED_TEXT_BUDGET

    def _section(self, name: str) -> dict:
        section = self.data.get(name)
        return section if isinstance(section, dict) else {}

    def _with_globals(self, resource: Any) -> Any:
        if not isinstance(resource, dict) or not self.globals:
            return resource
        kind = resource.get("Type")
        for section, targets in _GLOBALS_TARGETS.items():
            global_props = self.globals.get(section)
            if kind in targets and isinstance(global_props, dict):
                own = resource.get("Properties")
                own = own if isinstance(own, dict) else YamlMap(getattr(resource, "region", None))
                merged_resource = YamlMap(getattr(resource, "region", None))
                for key, value in resource.items():
                    merged_resource[key] = value
                    _copy_regions(merged_resource, resource, key)
                merged_resource["Properties"] = _merge_globals(global_props, own)
                return merged_resource
        return resource

    # -- resources ------------------------------------------------------------------------

    def resources_of(self, *types: str) -> Iterator[tuple[str, YamlMap]]:
        """(logical id, resource map) for each resource of one of `types` (all when none).
        Asked by every check, most often for one type or for types the template lacks."""
        if not types:
            entries = self._in_order
        elif len(types) == 1:
            entries = self._by_type.get(types[0], ())
        else:
            groups = [self._by_type[kind] for kind in set(types) if kind in self._by_type]
            if len(groups) == 1:
                entries = groups[0]
            else:
                entries = sorted(entry for group in groups for entry in group)
        for _, logical_id, resource in entries:
            yield logical_id, resource

    def resource_region(self, logical_id: str) -> Region:
        """Where the resource's logical ID is written (the `LogsBucket:` line; for one a loop
        generates, its key in the loop's output template)."""
        section = self.resource_section
        region = section.key_region(logical_id) if isinstance(section, YamlMap) else None
        return region or getattr(section, "region", None) or Region(1)

    def properties(self, logical_id: str) -> YamlMap:
        """The resource's Properties map (empty when missing or not a map)."""
        resource = self.resources.get(logical_id)
        props = resource.get("Properties") if isinstance(resource, dict) else None
        if isinstance(props, dict):
            return props
        return YamlMap(getattr(resource, "region", None))

    def resource_type(self, logical_id: str) -> str:
        resource = self.resources.get(logical_id)
        return str(resource.get("Type", "")) if isinstance(resource, dict) else ""

    def is_defined(self, name: str) -> bool:
        """True when `name` may be referenced: a resource, parameter, pseudo parameter or an
        ID the SAM transform generates."""
        if name in self.raw_resources or name in self.parameters or name in PSEUDO_PARAMETERS:
            return True
        if name in SAM_IMPLICIT_IDS or name.startswith(SAM_IMPLICIT_PREFIXES):
            return True
        # SAM resources, SAM connectors and modules generate resources named after them
        # (MyFunctionRole, MyQueueMyConnectorPolicy, NetworkVPC from a module Network): the
        # name's start is looked up at each length such an ID has, not compared with each.
        generators, lengths = self._generators
        return any(name[:length] in generators for length in lengths if length <= len(name))

    @functools.cached_property
    def _generators(self) -> tuple[frozenset[str], tuple[int, ...]]:
        """The logical IDs of the resources that generate others, and their lengths (a
        logical ID is at most MAX_LOGICAL_ID characters: a longer one is refused anyway)."""
        ids = frozenset(
            str(logical_id)
            for logical_id in self.raw_resources
            if len(str(logical_id)) <= MAX_LOGICAL_ID and self.generates_resources(str(logical_id))
        )
        return ids, tuple(sorted({len(logical_id) for logical_id in ids}))

    def generates_resources(self, logical_id: str) -> bool:
        """True for resources that expand into others named `<logical id><suffix>`."""
        resource = self.raw_resources.get(logical_id)
        if not isinstance(resource, dict):
            return False
        kind = resource.get("Type")
        if isinstance(kind, str) and kind.startswith("AWS::Serverless::"):
            return True
        # SAM embedded connectors sit beside Type: `Connectors: {MyConnector: ...}`.
        return is_module_type(kind) or isinstance(resource.get("Connectors"), dict)

    # -- values ---------------------------------------------------------------------------

    def possible_values(self, value: Any) -> list[Any]:
        """Every value `value` can take (deduplicated, at most MAX_VALUES); parts that cannot
        be known are UNRESOLVED."""
        results = self._values(value, 0)
        unique: list[Any] = []
        for item in results[:MAX_VALUES]:
            if not any(item is seen or (same_value(item, seen)) for seen in unique):
                unique.append(item)
        return unique

    def partial_values(self, value: Any, unknown: str) -> list[Any]:
        """possible_values, with what cannot be resolved inside a Fn::Sub or Fn::Join written
        as `unknown` (`${AWS::AccountId}.dkr.ecr...:latest` has a known tag)."""
        self._unknown_part = unknown
        try:
            return self.possible_values(value)
        finally:
            self._unknown_part = None

    def resolve(self, value: Any) -> Any:
        """The single value of `value`, or UNRESOLVED when it has none or several."""
        values = self.possible_values(value)
        return values[0] if len(values) == 1 else UNRESOLVED

    def resolved_strings(self, value: Any) -> list[str]:
        """The possible values that resolved to scalars, as strings (UNRESOLVED dropped)."""
        return [
            str(v).lower() if isinstance(v, bool) else str(v)
            for v in self.possible_values(value)
            if v is not UNRESOLVED and not isinstance(v, (dict, list)) and v is not None
        ]

    def is_no_echo(self, name: str) -> bool:
        """Whether `name` is a parameter declared NoEcho (CloudFormation masks its value)."""
        parameter = self.parameters.get(name)
        return isinstance(parameter, dict) and bool(self.is_true(parameter.get("NoEcho")))

    def is_true(self, value: Any) -> bool | None:
        """True/False when every possible value agrees, None when unknown or mixed."""
        answers = {truth(v) for v in self.possible_values(value)}
        return answers.pop() if len(answers) == 1 else None

    def _values(self, value: Any, depth: int) -> list[Any]:
        if depth > _MAX_DEPTH:
            return [UNRESOLVED]
        call = intrinsic(value)
        if call is None:
            return [value]
        name, arg = call
        handler = getattr(self, "_fn_" + name.replace("Fn::", "").lower(), None)
        if handler is None:
            return [UNRESOLVED]
        return (handler(arg, depth + 1) or [UNRESOLVED])[:PART_VALUES]

    def _fn_ref(self, name: Any, depth: int) -> list[Any]:
        if not isinstance(name, str):
            return [UNRESOLVED]
        if name in KNOWN_PSEUDO_VALUES:
            return [KNOWN_PSEUDO_VALUES[name]]
        return self._values(parameter_value(self.parameters.get(name)), depth)

    def _fn_if(self, arg: Any, depth: int) -> list[Any]:
        taken = taken_branches(self.condition_values, arg)
        if taken is None:
            return [UNRESOLVED]
        results: list[Any] = []
        for branch in taken:
            results.extend(self._values(branch, depth))
        return results

    def _fn_sub(self, arg: Any, depth: int) -> list[Any]:
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if not isinstance(text, str) or not isinstance(variables, dict):
            return [UNRESOLVED]
        pieces: list[list[Any]] = []
        position = 0
        for match in sub_references(text):
            pieces.append([text[position : match.start()]])
            name = match.group(1).strip()
            if name.startswith("!"):
                pieces.append(["${" + name[1:] + "}"])
            elif name in variables:
                pieces.append(self._values(variables[name], depth))
            elif "." in name:
                pieces.append([UNRESOLVED])  # ${Resource.Attribute}
            else:
                pieces.append(self._fn_ref(name, depth))
            position = match.end()
        pieces.append([text[position:]])
        return concatenations(pieces, "", self._unknown_part)

    def _fn_join(self, arg: Any, depth: int) -> list[Any]:
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            return [UNRESOLVED]
        items = self._list_values(arg[1], depth)
        if items is None:
            return [UNRESOLVED]
        return concatenations(items, arg[0], self._unknown_part)

    def _list_values(self, value: Any, depth: int) -> list[list[Any]] | None:
        """Possible values of each item of a literal list, or of the one list an intrinsic
        gives (Fn::Split, a list parameter); None when the list is unknown."""
        if intrinsic(value) is not None:
            lists = self._values(value, depth)
            value = lists[0] if len(lists) == 1 else None
        if not isinstance(value, list):
            return None
        return [self._values(item, depth) for item in value]

    def _fn_split(self, arg: Any, depth: int) -> list[Any]:
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            return [UNRESOLVED]
        return [
            text.split(arg[0]) if isinstance(text, str) and arg[0] else UNRESOLVED
            for text in self._values(arg[1], depth)
        ]

    def _fn_select(self, arg: Any, depth: int) -> list[Any]:
        if not isinstance(arg, list) or len(arg) != 2:
            return [UNRESOLVED]
        items = self._list_values(arg[1], depth)
        results: list[Any] = []
        for index in self._values(arg[0], depth):
            position = whole_number(index)
            if position is None or items is None or not 0 <= position < len(items):
                return [UNRESOLVED]
            results.extend(items[position])
            if len(results) >= PART_VALUES:
                break
        return results

    def _fn_findinmap(self, arg: Any, depth: int) -> list[Any]:
        return find_in_map(self.mappings, arg, lambda value: self._values(value, depth))
