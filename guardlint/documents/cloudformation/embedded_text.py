"""Documents a template writes as text in a property (an IAM policy as JSON, a CodeBuild
buildspec as YAML): a `|` block, a quoted string, `!Sub` of either, or another intrinsic that
makes the text (`!Join`, `!Ref` of a parameter). Each is parsed with the safe loader and its
limits, and its regions are moved to where the text sits in the template.

A text is parsed as written first; a `!Sub` text that parses only once substituted, or a text
another intrinsic makes, is parsed from its resolved values. A reader that judges each value
of a Sub text as the Fn::Sub CloudFormation deploys for it (a buildspec's, a pipeline action's
variables: where a NoEcho parameter lands) reads the CDK's `Fn::Join` of literal pieces and
intrinsics as the Fn::Sub it equals (intrinsics.joined_as_sub), so a NoEcho parameter inside it
is the Sub variable it would be in `!Sub`, not a part resolved to its Default or lost as
unknown. A policy keeps a Join's resolved texts (each holds the Fn::If branches its parts take
together) and an EKS manifest too (the Kubernetes pack reads no Sub variable: a Join's parts
resolved are values it can judge). Locations: a literal block (`|`)
keeps its lines, so each part is placed where it sits in the file; any other string (quoted,
folded, inside a JSON template, or made by an intrinsic) is placed at one region: the
property's, or the anchor a caller gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, NamedTuple, TypeVar

from guardlint.documents.cloudformation.intrinsics import intrinsic, joined_as_sub
from guardlint.documents.cloudformation.template import Template
from guardlint.model.documents import Region
from guardlint.parse.literal_blocks import Place, literal_block_placer
from guardlint.parse.located import YamlError, YamlMap, YamlSeq, region_of, relocate
from guardlint.parse.yaml_nodes import load_documents

Parsed = TypeVar("Parsed")

# What a text an intrinsic makes holds where the template cannot resolve a part (`!Join` of a
# `!Ref Bucket`): a Sub variable no template can define (no parameter or resource name holds
# `::`, and no pseudo parameter is named so), so each string holding one is unknown; it reads
# as what it is where a message quotes the value.
UNRESOLVED_PART = "${Unresolved::Value}"


class ParsedText(NamedTuple, Generic[Parsed]):
    """A document a property's text holds."""

    document: Parsed
    variables: Any  # the Fn::Sub variable map, {} for a Sub's text as written, else None
    one_place: Region | None  # where all of it sits when the text keeps no lines (ONE_PLACE)


def parsed_texts(
    value: Any,
    region: Region,
    lines: list[str],
    template: Template,
    parse: Callable[[str, Place], Parsed | None],
    anchor: Region | None = None,
    joins_as_sub: bool = False,
) -> Iterator[ParsedText[Parsed]]:
    """Each document `parse` finds in a property value. `parse` takes a text and where its
    regions go, and gives the document (relocated) or None when the text is not one.
    `region` is where the value is written; `anchor`, where a document that keeps no lines of
    its own is placed (the value's region when not given). With `joins_as_sub`, for a caller
    that reads the `${...}` of a Sub text as written (the variables yielded), a Fn::Join is
    read as the Fn::Sub it equals (intrinsics.joined_as_sub)."""
    written = joined_as_sub(value) if joins_as_sub else value
    text, variables, text_region = _text_of(written, region)
    fixed = anchor or text_region
    if text is not None:
        place = literal_block_placer(text_region, lines)
        parsed = parse(text, place or (lambda _: fixed)) if _afford(template, text) else None
        if parsed is not None:
            yield ParsedText(parsed, variables, None if place else fixed)
            return
        if variables is None:
            return
    elif intrinsic(value) is None:
        return
    for resolved in template.resolved_strings(value):
        parsed = parse(resolved, lambda _: fixed) if _afford(template, resolved) else None
        if parsed is not None:
            yield ParsedText(parsed, None, fixed)


def partially_resolved_texts(
    value: Any, template: Template, parse: Callable[[str, Place], Parsed | None], place: Region
) -> Iterator[Parsed]:
    """The documents `parse` finds, placed at `place`, in the texts an intrinsic makes around
    parts the template cannot resolve (CDK's Fn::Join of JSON pieces and a repository URI),
    each such part written UNRESOLVED_PART; for a text parsed_texts could not resolve."""
    if intrinsic(value) is None:
        return
    for text in template.partial_values(value, UNRESOLVED_PART):
        affordable = isinstance(text, str) and _afford(template, text)
        parsed = parse(text, lambda _: place) if affordable else None
        if parsed is not None and UNRESOLVED_PART in text:
            yield parsed


def _afford(template: Template, text: str) -> bool:
    """Whether the template's budget (Template.embedded_text_budget) still pays for parsing
    `text`; if so, it is charged."""
    if len(text) > template.embedded_text_budget:
        return False
    template.embedded_text_budget -= len(text)
    return True


def load_mapping(text: str, place: Place, max_chars: int) -> YamlMap | None:
    """The one mapping a text holds (YAML or JSON, no CloudFormation tags), relocated by
    `place`; None for a longer text, a syntax error, several documents or no mapping."""
    return load_node(text, place, max_chars, YamlMap)  # type: ignore[return-value]


def load_node(
    text: str, place: Place, max_chars: int, kinds: type | tuple[type, ...]
) -> YamlMap | YamlSeq | None:
    """The one document a text holds if it is one of `kinds` (YamlMap, YamlSeq), relocated by
    `place`; None for a longer text, a syntax error, several documents or another kind."""
    if len(text) > max_chars:
        return None
    try:
        documents = load_documents(text, cfn_tags=False)
    except YamlError:
        return None
    if len(documents) != 1 or not isinstance(documents[0], kinds):
        return None
    relocate(documents[0], place)
    return documents[0]


def _text_of(value: Any, region: Region) -> tuple[str | None, Any, Region]:
    """(the text, the Fn::Sub variable map or {} for a Sub, None for a plain string, the text's
    own region)."""
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
