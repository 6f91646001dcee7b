"""Policies a template writes as JSON text: `AssumeRolePolicyDocument: |` and a JSON block, a
quoted JSON string, or `!Sub` of either. They are parsed into the same located maps as a
policy written as YAML, so that every IAM rule reads them.

A `!Sub` text is parsed as written: its `${...}` sit inside JSON strings, and each such string
becomes a `Fn::Sub` of its own, which the template evaluator resolves (the stack's account, a
parameter's default) or leaves unknown; a text that only becomes JSON once substituted, or
that another intrinsic makes (`!Join`), is parsed from its resolved values: a Join is not read
as the Fn::Sub it equals (as a buildspec's is), for each of its resolved texts keeps the
Fn::If branches its parts take together (an Action `*` and a Resource `*` under one
condition), which Sub variables resolved one string at a time would not. Finding the text
and placing it in the file is guardlint.documents.cloudformation.embedded_text's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.embedded_text import (
    Place,
    load_mapping,
    parsed_texts,
    partially_resolved_texts,
)
from guardlint.documents.cloudformation.intrinsics import deployed_string
from guardlint.documents.cloudformation.template import Template
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, YamlSeq

# IAM caps a policy at 10,240 characters (trust policies at 2,048, key policies at 32 KiB):
# a longer text is no policy AWS would take, and is not parsed.
MAX_POLICY_TEXT = 65536


def policies_in_text(
    value: Any, region: Region, lines: list[str], template: Template
) -> Iterator[tuple[YamlMap, Region | None]]:
    """The policy documents a property value writes as JSON text (none when it is not), each
    with the one region all of it sits at when the text keeps no lines of its own; one an
    intrinsic joins around values the template cannot resolve is read with those unknown."""
    found = False
    for policy, variables, one_place in parsed_texts(value, region, lines, template, _parsed):
        found = True
        substituted = _with_substitutions(policy, variables) if variables is not None else policy
        yield substituted, one_place
    if not found:
        for policy in partially_resolved_texts(value, template, _parsed, region):
            yield _with_substitutions(policy, {}), region


def _parsed(text: str, place: Place) -> YamlMap | None:
    if not text.lstrip().startswith("{"):
        return None
    policy = load_mapping(text, place, MAX_POLICY_TEXT)
    if policy is None or "Statement" not in policy or not _is_json(text):
        return None
    return policy


def parsed_policy_text(text: str, place: Place) -> YamlMap | None:
    """The policy document a JSON text holds (a Statement, and no keys a policy does not
    have), its regions placed by `place`; None for any other text."""
    from guardlint.documents.classify import is_policy

    policy = _parsed(text, place)
    return policy if policy is not None and is_policy(policy) else None


def _is_json(text: str) -> bool:
    """JSON, not merely YAML flow style (anchors, unquoted words): what AWS accepts. The YAML
    parse before it has bounded the nesting."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _with_substitutions(node: Any, variables: Any) -> Any:
    """The `${...}` strings of a Sub text as `Fn::Sub` values of their own (with the variables
    of the Sub's map each names), for the template evaluator to resolve."""
    if isinstance(node, str) and "${" in node:
        call = YamlMap(Region(1))
        call["Fn::Sub"] = deployed_string(node, variables)["Fn::Sub"]
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
