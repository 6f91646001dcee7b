"""The JSONPath forms most declarative rules use, walked directly (guardlint.checks.match asks
here first), not by jsonpath-ng, which builds a context object per step and is imported and
compiled on first use: `$..field`, `a.b.c` (or `$.a.b.c`), and those followed by `.*` or a
filter `[?field == 'text']`.

A path's form is read once per process (a rule's paths are asked of every document), and the
maps `$..field` looks in are listed once per document (`Descendants`), whatever the fields
and however many rules ask."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from guardlint.model.documents import Document, Region
from guardlint.parse.located import region_of

_FIELD = "[A-Za-z_][A-Za-z0-9_]*"
_DESCENDANT_FIELD = re.compile(rf"\$\.\.({_FIELD})")
_FIELDS = re.compile(
    rf"(?:\$\.)?(?P<fields>{_FIELD}(?:\.{_FIELD})*)"
    rf"(?:(?P<every>\.\*)|\[\?(?P<field>{_FIELD}) == '(?P<text>[^'\\]*)'\])?"
)
# Document.meta key: the document's data and its maps in the order `$..field` finds them.
_MAPS = "match_paths.maps"


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Datum:
    """A value a path found, with the container holding it and its key or index there."""

    value: Any
    parent: Any
    key: Any

    @property
    def region(self) -> Region | None:
        if self.parent is None:
            return region_of(self.value)
        return region_of(self.parent, self.key)


class _Form(NamedTuple):
    """A path in one of the forms walked here."""

    descendant: str | None  # `$..field`: the field
    fields: tuple[str, ...]  # `a.b.c`
    every: bool  # `.*` after the fields
    filter_field: str | None  # `[?field == 'text']` after the fields
    filter_text: str | None


@functools.cache
def _form(expression: str) -> _Form | None:
    descendant = _DESCENDANT_FIELD.fullmatch(expression)
    if descendant:
        return _Form(descendant.group(1), (), False, None, None)
    form = _FIELDS.fullmatch(expression)
    if form is None:
        return None
    fields = tuple(form.group("fields").split("."))
    every = form.group("every") is not None
    return _Form(None, fields, every, form.group("field"), form.group("text"))


class Descendants:
    """`$..field` in one document: the maps of the document's data, listed on the first ask
    and kept in the document's meta for every rule after (a walk of the whole document per
    rule otherwise)."""

    def __init__(self, document: Document) -> None:
        self.document = document

    def maps(self, value: Any) -> list[dict] | None:
        """The maps of `value` in `$..`'s order; None unless `value` is the document's data."""
        data = self.document.data
        if value is not data:
            return None
        known = self.document.meta.get(_MAPS)
        if known is None or known[0] is not data:
            known = self.document.meta[_MAPS] = (data, _maps_in(data))
        return known[1]


def shortcut_find(
    expression: str, value: Any, descendants: Descendants | None = None
) -> list[Datum] | None:
    """What jsonpath-ng finds for `expression` in `value`, in its order, for the forms above;
    None for any other form."""
    form = _form(expression)
    if form is None:
        return None
    if form.descendant is not None:
        field = form.descendant
        maps = descendants.maps(value) if descendants is not None else None
        if maps is None:
            maps = _maps_in(value)
        return [Datum(node[field], node, field) for node in maps if field in node]
    parent, key = None, None
    for name in form.fields:
        if not isinstance(value, dict) or name not in value:
            return []
        parent, key, value = value, name, value[name]
    if not form.every and form.filter_field is None:
        return [Datum(value, parent, key)]
    if not isinstance(value, (dict, list)):
        return []
    members = value.items() if isinstance(value, dict) else enumerate(value)
    if form.every:
        return [Datum(member, value, name) for name, member in members]
    field, text = form.filter_field, form.filter_text
    return [
        Datum(member, value, name)
        for name, member in members
        if isinstance(member, dict) and field in member and member[field] == text
    ]


def _maps_in(value: Any) -> list[dict]:
    """Every map in `value`, in the order jsonpath-ng's `$..field` visits them (depth first, a
    node before its children), without the context object it builds for every node."""
    found = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(reversed(node.values()))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return found
