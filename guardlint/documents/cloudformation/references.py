"""The names a template refers to: every Ref, GetAtt, Sub variable, DependsOn and condition
in its Resources, Outputs and Conditions, each with where it is written and whose it is, and the
intrinsic calls whose arguments CloudFormation rejects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, NamedTuple

from guardlint.documents.cloudformation.intrinsics import intrinsic, sub_variables
from guardlint.documents.cloudformation.resources import region_at
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, YamlSeq


class Reference(NamedTuple):
    """A resource/parameter name ("ref"), a condition name ("condition"), or an intrinsic
    function called with the wrong arguments ("malformed"), in `owner` (`resource X`,
    `output Y`, `condition Z`)."""

    name: str
    region: Region
    kind: Literal["ref", "condition", "malformed"]
    owner: str


# Intrinsics that take a list of arguments: how many (LanguageExtensions, which allows a
# fourth FindInMap argument, is a macro, and templates with macros are not checked).
INTRINSIC_ARGUMENT_COUNTS = {
    "Fn::FindInMap": (3,), "Fn::Select": (2,), "Fn::Join": (2,), "Fn::If": (3,),
    "Fn::Split": (2,), "Fn::Cidr": (3,), "Fn::GetAtt": (2,), "Fn::Sub": (1, 2),
}  # fmt: skip


def _takes_arguments(name: str, arg: Any) -> bool:
    """Whether `arg` is a valid argument list for `name`. The string forms of GetAtt and Sub
    count, and so does a one-key map: a call whose result may be the list, or a
    preprocessor's directive (rain's `Rain::Embed`)."""
    if isinstance(arg, str):
        return name in ("Fn::GetAtt", "Fn::Sub")
    if isinstance(arg, list):
        return len(arg) in INTRINSIC_ARGUMENT_COUNTS[name]
    return isinstance(arg, dict) and len(arg) == 1


def references(value: Any, region: Region, owner: str) -> list[Reference]:
    """Every reference in `value` (a template's Resources, Outputs or Conditions section,
    `owner` naming it), the calls with the wrong arguments included."""
    found: list[Reference] = []
    _collect(value, region, owner, 0, found)
    return found


def _collect(value: Any, region: Region, owner: str, depth: int, found: list[Reference]) -> None:
    """references() of `value` at `depth`, added to `found` (a list, not nested generators:
    each reference would pass through every level above it)."""
    if depth > 60:
        return
    here = getattr(value, "region", None) or region
    if isinstance(value, dict):
        call = intrinsic(value) if len(value) == 1 else None
        if call is not None:
            found.extend(_call_references(call, here, owner))
        # Every child walked below is a map or list, whose region is its key's line (what
        # resources.region_at gives), looked up here directly: this walk visits every map.
        key_regions = value.key_regions if isinstance(value, YamlMap) else None
        for key, item in value.items():
            child_owner = owner
            if depth == 0:
                child_owner = _top_level_references(value, key, item, here, owner, found)
            if call is not None and key == "Fn::Sub":
                item = item[1] if isinstance(item, list) and len(item) == 2 else None
            if call is not None and key == "Fn::If" and isinstance(item, list):
                item = item[1:]
            if (call is not None and key in ("Ref", "Condition")) or not isinstance(
                item, (dict, list)
            ):
                continue  # a leaf refers to nothing: its region need not be worked out
            child_region = here
            if key_regions is not None:
                child_region = key_regions.get(key, value.region) or here
            _collect(item, child_region, child_owner, depth + 1, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, (dict, list)):
                continue
            item_region = value.item_region(index) if isinstance(value, YamlSeq) else here
            _collect(item, item_region, owner, depth + 1, found)


def _top_level_references(
    section: dict, key: Any, item: Any, here: Region, owner: str, found: list[Reference]
) -> str:
    """The owner of one entry of a section (`owner` names the section), with the references
    its entry makes outside its value added to `found`: a resource's DependsOn and Condition,
    an output's Condition."""
    if owner == "Resources":
        child_owner = f"resource {key}"
        if isinstance(item, dict):
            found.extend(
                _resource_level_references(item, region_at(section, key, here), child_owner)
            )
        return child_owner
    if owner == "Outputs":
        child_owner = f"output {key}"
        condition = item.get("Condition") if isinstance(item, dict) else None
        if isinstance(condition, str):
            where = region_at(item, "Condition", region_at(section, key, here))
            found.append(Reference(condition, where, "condition", child_owner))
        return child_owner
    if owner == "Conditions":
        return f"condition {key}"
    return owner


def _resource_level_references(resource: dict, region: Region, owner: str) -> Iterator[Reference]:
    depends = resource.get("DependsOn")
    for name in depends if isinstance(depends, list) else [depends]:
        if isinstance(name, str):
            yield Reference(name, region_at(resource, "DependsOn", region), "ref", owner)
    condition = resource.get("Condition")
    if isinstance(condition, str):
        yield Reference(condition, region_at(resource, "Condition", region), "condition", owner)


def _call_references(call: tuple[str, Any], region: Region, owner: str) -> Iterator[Reference]:
    name, arg = call
    if name in INTRINSIC_ARGUMENT_COUNTS and not _takes_arguments(name, arg):
        yield Reference(name, region, "malformed", owner)
    if name == "Ref" and isinstance(arg, str):
        # SAM accepts `!Ref Function.Alias` / `!Ref Api.Stage`.
        yield Reference(arg.split(".", 1)[0], region, "ref", owner)
    elif name == "Fn::GetAtt":
        target = arg[0] if isinstance(arg, list) and arg else arg
        if isinstance(target, str):
            yield Reference(target.split(".", 1)[0], region, "ref", owner)
    elif name == "Fn::Sub":
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if isinstance(text, str):
            local = set(variables) if isinstance(variables, dict) else set()
            for variable in sub_variables(text):
                base = variable.split(".", 1)[0]
                if variable not in local and base not in local:
                    yield Reference(base, region, "ref", owner)
    elif name == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
        yield Reference(arg[0], region, "condition", owner)
    elif name == "Condition" and isinstance(arg, str) and owner.startswith("condition "):
        # Only in Conditions is {"Condition": X} a call; elsewhere it may be a property.
        yield Reference(arg, region, "condition", owner)
