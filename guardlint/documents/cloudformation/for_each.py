"""Fn::ForEach loops (the AWS::LanguageExtensions transform) in a template's Resources, expanded
as the transform expands them, so every rule sees the resources they generate.

`Fn::ForEach::Name: [Identifier, Collection, OutputMap]` writes OutputMap once for each item
of Collection (a literal list, or what the evaluator resolves to a list: a CommaDelimitedList
parameter's Default, Fn::Split, ...). In each copy, `${Identifier}` and `&{Identifier}` (the
item without its non-alphanumeric characters) are replaced in keys and in Fn::Sub strings,
and `Ref: Identifier` becomes the item. A loop may name several identifiers (`[Name, Size]`)
over a collection of lists, each list's values bound to them in order. Loops nest, and may
also write the keys of a map inside a resource (its Properties). Copies keep the regions of
what they copy, so a generated resource is found on the lines of the loop's output template.

A loop whose collection cannot be resolved generates nothing (its items, hence its logical
IDs, are unknown); so does an item that is not one scalar (with several identifiers, a list
of as many scalars). Expansion is bounded, so a huge collection or loops nested over each
other cannot stall a scan or exhaust its memory: MAX_GENERATED_KEYS keys generated per
template, MAX_LOOP_DEPTH loops inside each other, and
EXPANSION_BUDGET units of copying (a node is one, a rewritten string one per 64 characters).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from guardlint.documents.classify import is_loop
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED, intrinsic, scalar_text
from guardlint.parse.located import YamlMap, YamlSeq

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
MAX_GENERATED_KEYS = 1_000  # CloudFormation allows 500 resources in a template
MAX_LOOP_DEPTH = 5  # each level multiplies the copies; real templates nest two or three
EXPANSION_BUDGET = 100_000
_CHARACTERS_PER_UNIT = 64
# `${Identifier}` or `&{Identifier}`; a run without braces, so each match attempt ends at the
# next brace and the search is linear in the text.
_IDENTIFIER_REFERENCE = re.compile(r"([$&])\{([^{}]*)\}")

PossibleValues = Callable[[Any], list[Any]]


def expand_resources(data: dict, resources: dict, possible_values: PossibleValues) -> dict:
    """`resources` (the template's Resources section) with every loop expanded; the section
    itself when there is none to expand. Loops inside resources count only in a template that
    declares the transform, as CloudFormation rejects them elsewhere, and they are searched
    for (by copying every resource) only there."""
    if not _declares_language_extensions(data) and not any(map(is_loop, resources)):
        return resources
    return _Expansion(possible_values).map(resources, {}, 0)


def _declares_language_extensions(data: dict) -> bool:
    transform = data.get("Transform")
    return LANGUAGE_EXTENSIONS in (transform if isinstance(transform, list) else [transform])


def _is_scalar(value: Any) -> bool:
    return value is not UNRESOLVED and value is not None and not isinstance(value, (dict, list))


@functools.lru_cache(maxsize=64)  # an item's, asked for each `&{Identifier}` of a copy
def _alphanumeric(text: str) -> str:
    return "".join(character for character in text if character.isascii() and character.isalnum())


class _Expansion:
    """One template's expansion, with what is left of its bounds."""

    def __init__(self, possible_values: PossibleValues) -> None:
        self.possible_values = possible_values
        self.keys_left = MAX_GENERATED_KEYS
        self.budget_left = EXPANSION_BUDGET

    def map(self, mapping: dict, bindings: dict[str, str], depth: int) -> YamlMap:
        """A copy of `mapping` with its loops expanded into its keys and `bindings` applied."""
        copy = YamlMap(getattr(mapping, "region", None))
        for key, value in mapping.items():
            if is_loop(key):
                self._loop(value, copy, bindings, depth)
                continue
            new_key = self._text(key, bindings) if isinstance(key, str) else key
            copy[new_key] = self.value(value, bindings, depth)
            if isinstance(mapping, YamlMap) and key in mapping.key_regions:
                copy.key_regions[new_key] = mapping.key_regions[key]
                copy.value_regions[new_key] = mapping.value_region(key)
        return copy

    def value(self, value: Any, bindings: dict[str, str], depth: int) -> Any:
        """A copy of `value` with `bindings` applied (and the loops in its maps expanded)."""
        if bindings:
            self.budget_left -= 1
        call = intrinsic(value)
        if call is not None and bindings:
            name, arg = call
            if name == "Ref" and isinstance(arg, str) and arg in bindings:
                return bindings[arg]
            if name == "Fn::Sub":
                return self._sub(value, arg, bindings, depth)
        if isinstance(value, dict):
            return self.map(value, bindings, depth)
        if isinstance(value, list):
            copy = YamlSeq(getattr(value, "region", None))
            copy.extend(self.value(item, bindings, depth) for item in value)
            copy.item_regions = list(getattr(value, "item_regions", ()))
            return copy
        return value

    def _sub(self, call: dict, arg: Any, bindings: dict[str, str], depth: int) -> YamlMap:
        """Fn::Sub with the loop's identifiers written into its string."""
        if isinstance(arg, str):
            arg = self._text(arg, bindings)
        elif isinstance(arg, list) and arg and isinstance(arg[0], str):
            rewritten = self.value(arg, bindings, depth)
            rewritten[0] = self._text(arg[0], bindings)
            arg = rewritten
        copy = YamlMap(getattr(call, "region", None))
        copy["Fn::Sub"] = arg
        if isinstance(call, YamlMap):
            copy.key_regions, copy.value_regions = call.key_regions, call.value_regions
        return copy

    def _text(self, text: str, bindings: dict[str, str]) -> str:
        """`text` with the identifiers of `bindings` replaced, in one pass (an item that spells
        `${Other}` is not replaced again), charged to the budget by its length; left as written
        when it would grow past the budget, which ends the expansion."""
        if not bindings or "{" not in text:
            return text
        pieces: list[str] = []
        position = length = 0
        for match in _IDENTIFIER_REFERENCE.finditer(text):
            item = bindings.get(match.group(2))
            if item is None:
                continue
            value = item if match.group(1) == "$" else _alphanumeric(item)
            pieces += (text[position : match.start()], value)
            length += match.start() - position + len(value)
            position = match.end()
            if length // _CHARACTERS_PER_UNIT > self.budget_left:
                self.budget_left = 0
                return text
        pieces.append(text[position:])
        self.budget_left -= (length + len(text) - position) // _CHARACTERS_PER_UNIT
        return "".join(pieces)

    def _loop(self, loop: Any, into: YamlMap, bindings: dict[str, str], depth: int) -> None:
        """The keys a loop generates, written into `into` (nothing for a malformed loop)."""
        if depth >= MAX_LOOP_DEPTH or not isinstance(loop, list) or len(loop) != 3:
            return
        identifier, collection, output = loop
        identifiers = [identifier] if isinstance(identifier, str) else identifier
        if (
            not isinstance(identifiers, list)
            or not identifiers
            or not all(isinstance(name, str) for name in identifiers)
            or not isinstance(output, dict)
        ):
            return
        width = len(identifiers) if isinstance(identifier, list) else 0
        for item in self._items(self.value(collection, bindings, depth), width):
            if self.keys_left <= 0 or self.budget_left <= 0:
                return
            scope = {**bindings, **dict(zip(identifiers, item, strict=True))}
            # Each copy's scope is built anew: a loop over many identifiers pays for them in
            # every copy an inner loop makes.
            self.budget_left -= len(scope) // _CHARACTERS_PER_UNIT
            generated = self.map(output, scope, depth + 1)
            for key, value in generated.items():
                # Counted once, where they leave the outermost loop; inside it, the budget
                # bounds them.
                if depth == 0:
                    if self.keys_left <= 0:
                        return
                    self.keys_left -= 1
                into[key] = value
                if key in generated.key_regions:
                    into.key_regions[key] = generated.key_regions[key]
                    into.value_regions[key] = generated.value_region(key)

    def _items(self, collection: Any, width: int) -> list[tuple[str, ...]]:
        """The distinct items of a collection, each as the text of its values, at most as many
        as keys may still be generated: with one identifier (`width` 0) the items that are one
        scalar; with a list of `width` identifiers the items that are lists of that many
        scalars (their values bound to the identifiers in order)."""
        if isinstance(collection, list):
            lists = [collection]
        else:
            lists = [value for value in self.possible_values(collection) if isinstance(value, list)]
        items: dict[tuple[str, ...], None] = {}
        for candidate in lists:
            for item in candidate:
                if len(items) >= self.keys_left:
                    return list(items)
                values = self._item_values(item, width)
                if values is not None:
                    items[values] = None
        return list(items)

    def _item_values(self, item: Any, width: int) -> tuple[str, ...] | None:
        """An item's values as text: one scalar, or (`width` > 0) a list of `width` scalars;
        None when it is not one (or cannot be resolved)."""
        values = self.possible_values(item)
        if len(values) != 1:
            return None
        if not width:
            return (scalar_text(values[0]),) if _is_scalar(values[0]) else None
        if not isinstance(values[0], list) or len(values[0]) != width:
            return None
        texts = []
        for value in values[0]:
            resolved = self.possible_values(value)
            if len(resolved) != 1 or not _is_scalar(resolved[0]):
                return None
            texts.append(scalar_text(resolved[0]))
        return tuple(texts)
