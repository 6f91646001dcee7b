"""Policies a template writes as JSON text: `AssumeRolePolicyDocument: |` and a JSON block, a
quoted JSON string, or `!Sub` of either. They are parsed into the same located maps as a
policy written as YAML, so that every IAM rule reads them.

A `!Sub` text is parsed as written: its `${...}` sit inside JSON strings, and each such string
becomes a `Fn::Sub` of its own, which the template evaluator resolves (the stack's account, a
parameter's default) or leaves unknown; a text that only becomes JSON once substituted, or
that another intrinsic makes (`!Join`), is parsed from its resolved values. Locations: a
literal block (`|`) keeps its lines, so each part of the policy is placed where it sits in
the file; any other string (quoted, folded, inside a JSON template) is placed at the
property.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.template import Template
from guardlint.model import Region
from guardlint.parse.yaml_limits import YamlError
from guardlint.parse.yaml_nodes import YamlMap, YamlSeq, load_documents, region_of

# IAM caps a policy at 10,240 characters (trust policies at 2,048, key policies at 32 KiB):
# a longer text is no policy AWS would take, and is not parsed.
MAX_POLICY_TEXT = 65536
# The value's first line: an optional tag (`!Sub`), then the literal-block indicator.
_LITERAL_BLOCK = re.compile(r"^(?:!\S+\s+)?\|[0-9+-]*\s*(?:#.*)?$")

Place = Callable[[Region], Region]


def policies_in_text(
    value: Any, region: Region, lines: list[str], template: Template
) -> Iterator[YamlMap]:
    """The policy documents a property value writes as JSON text (none when it is not)."""
    text, variables, text_region = _text_of(value, region)
    if text is not None:
        policy = _parsed(text, _placer(text_region, lines))
        if policy is not None:
            yield _with_substitutions(policy, variables) if variables is not None else policy
            return
        if variables is None:
            return
    elif intrinsic(value) is None:
        return
    # A `!Sub` that becomes JSON only once its variables are put in (`"Principal": ${Who}`),
    # or another intrinsic that makes the text (`!Join`, `!Ref` of a parameter).
    for resolved in template.resolved_strings(value):
        policy = _parsed(resolved, lambda _: text_region)
        if policy is not None:
            yield policy


def _text_of(value: Any, region: Region) -> tuple[str | None, Any, Region]:
    """(the JSON text, the Fn::Sub variable map or {} for a Sub, None for a plain string,
    the text's own region)."""
    if isinstance(value, str):
        return value, None, region
    call = intrinsic(value)
    if call is None or call[0] != "Fn::Sub":
        return None, None, region
    argument = call[1]
    if isinstance(argument, str):
        return argument, {}, value.value_region("Fn::Sub") if isinstance(value, YamlMap) else region
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
        variables = argument[1] if isinstance(argument[1], dict) else {}
        return argument[0], variables, region_of(argument, 0) or region
    return None, None, region


def _parsed(text: str, place: Place) -> YamlMap | None:
    if len(text) > MAX_POLICY_TEXT or not text.lstrip().startswith("{"):
        return None
    try:
        documents = load_documents(text, cfn_tags=False)
    except YamlError:
        return None
    if len(documents) != 1 or not isinstance(documents[0], YamlMap):
        return None
    policy = documents[0]
    if "Statement" not in policy or not _is_json(text):
        return None
    _relocate(policy, place)
    return policy


def _is_json(text: str) -> bool:
    """JSON, not merely YAML flow style (anchors, unquoted words): what AWS accepts. The YAML
    parse before it has bounded the nesting."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _placer(region: Region, lines: list[str]) -> Place:
    """Where a region of the text sits in the file: line by line in a literal block, else
    at the property's value."""
    first = region.start_line
    line = lines[first - 1][region.start_column - 1 :] if 0 < first <= len(lines) else ""
    if not _LITERAL_BLOCK.match(line.strip()):
        return lambda _: region
    content = next((text for text in lines[first:] if text.strip()), "")
    indent = len(content) - len(content.lstrip(" "))

    def place(inner: Region) -> Region:
        return Region(
            first + inner.start_line,
            inner.start_column + indent,
            first + (inner.end_line or inner.start_line),
            None if inner.end_column is None else inner.end_column + indent,
        )

    return place


def _relocate(node: Any, place: Place) -> None:
    """Every region of the parsed text moved to where it sits in the template."""
    if isinstance(node, YamlMap):
        node.region = place(node.region)
        node.key_regions = {key: place(r) for key, r in node.key_regions.items()}
        node.value_regions = {key: place(r) for key, r in node.value_regions.items()}
        for child in node.values():
            _relocate(child, place)
    elif isinstance(node, YamlSeq):
        node.region = place(node.region)
        node.item_regions = [place(r) for r in node.item_regions]
        for child in node:
            _relocate(child, place)


def _with_substitutions(node: Any, variables: Any) -> Any:
    """The `${...}` strings of a Sub text as `Fn::Sub` values of their own (with the Sub's
    variable map), for the template evaluator to resolve."""
    if isinstance(node, str) and "${" in node:
        call = YamlMap(Region(1))
        call["Fn::Sub"] = [node, variables] if variables else node
        return call
    if isinstance(node, YamlMap):
        for key in list(node):
            node[key] = _substituted_child(node[key], node.value_region(key), variables)
    elif isinstance(node, YamlSeq):
        for index, child in enumerate(node):
            node[index] = _substituted_child(child, node.item_region(index), variables)
    return node


def _substituted_child(child: Any, region: Region, variables: Any) -> Any:
    replaced = _with_substitutions(child, variables)
    if replaced is not child and isinstance(replaced, YamlMap):
        replaced.region = region
        replaced.key_regions["Fn::Sub"] = region
        replaced.value_regions["Fn::Sub"] = region
    return replaced
