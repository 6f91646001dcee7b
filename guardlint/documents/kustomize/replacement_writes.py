"""What a kustomize replacement (guardlint.documents.kustomize.replacements) reads from its
source and writes into an object, as kustomize's replacement filter does: the source's field
(the first item a `[key=value]` selects), a part of it by `delimiter` and `index`; each field a
target's path reaches (every item for `*`, each item a `[key=value]` selects) given the value,
a scalar keeping its type and taking the value's text, anything else replaced whole, a missing
field made only with `create` (one field, as kustomize's create follows one). The object is
not changed: what the writes go through is copied (json_patch_apply.Copies)."""

from __future__ import annotations

import re
from typing import Any

from guardlint.documents.json_patch_apply import Copies
from guardlint.documents.kustomize.replacements import (
    MAX_INDEX,
    NOT_KNOWN,
    Options,
    Target,
    Token,
)
from guardlint.model.documents import Region
from guardlint.parse.go_yaml import go_yaml_number
from guardlint.parse.located import YamlMap, region_of
from guardlint.parse.scalars import whole_number

_INTEGER = re.compile(r"[-+]?[0-9]+")
_BOOLEANS = {"true": True, "True": True, "TRUE": True,
             "false": False, "False": False, "FALSE": False}  # fmt: skip
_SPECIAL = frozenset({"", "~", "null", "yes", "no", "on", "off", "y", "n"})


def scalar_text(value: Any) -> str | None:
    """The text a YAML scalar is written as (a source's value, split by a delimiter); None
    for a value that is not one read here (a float, null, a map or list)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    return None


def looked_up(data: Any, path: tuple[Token, ...]) -> Any:
    """The value at a source's field path (the first item a `[key=value]` selects); NOT_KNOWN
    where it is not there or is null (kustomize fails)."""
    for token in path:
        places = _places(data, token)
        if not places:
            return NOT_KNOWN
        data = data[places[0]]
    return NOT_KNOWN if data is None or data == {} or data == [] else data


def refined(value: Any, options: Options) -> Any:
    """A source's value once its `delimiter` and `index` pick a part of it."""
    if not options.delimiter:
        return value
    text = scalar_text(value)
    parts = None if text is None else text.split(options.delimiter)
    if parts is None or not 0 <= options.index < len(parts):
        return NOT_KNOWN
    return parts[options.index]


def written(data: dict, value: Any, target: Target, copies: Copies) -> dict | None:
    """The object `data` once a replacement writes `value` into the target's field paths,
    through the maps and lists `copies` makes (those it made already changed in place: the
    replacements of one object, one after the other, copy each once); None where that is not
    known (or past the copies' budget)."""
    root = copies.own(data)
    if root is None:
        return None
    for path in target.field_paths:
        holders = [root]
        for token in path[:-1]:
            reached: list = []
            for holder in holders:
                children = _children(holder, token, copies, target.options.create)
                if children is None:
                    return None  # past the budget
                reached += children
            holders = reached
            if len(holders) > MAX_INDEX or (target.options.create and len(holders) != 1):
                return None  # kustomize's create makes or follows one field only
        for holder in holders:
            if not _set(holder, path[-1], value, target.options):
                return None
    return root if isinstance(root, dict) else None


def _children(holder: Any, token: Token, copies: Copies, create: bool) -> list | None:
    """The (copied) maps and lists a token reaches from `holder` (with `create`, a missing key
    made a map); None past the copies' budget."""
    places = _places(holder, token)
    if not places and create and isinstance(holder, dict) and token.key is not None:
        holder[token.key] = YamlMap(region_of(holder) or Region(1))
        places = [token.key]
    found = []
    for place in places:
        child = holder[place]
        if isinstance(child, (dict, list)):
            owned = copies.own(child)
            if owned is None:
                return None
            holder[place] = owned
            found.append(owned)
    return found


def _places(holder: Any, token: Token) -> list:
    if isinstance(holder, dict):
        return [token.key] if token.key is not None and token.key in holder else []
    if not isinstance(holder, list):
        return []
    if token.every:
        return list(range(len(holder)))
    if token.index is not None:
        return [token.index] if token.index < len(holder) else []
    if token.match is not None:
        key, wanted = token.match
        return [i for i, item in enumerate(holder)
                if isinstance(item, dict) and scalar_text(item.get(key)) == wanted]  # fmt: skip
    return []


def _set(holder: Any, token: Token, value: Any, options: Options) -> bool:
    """`value` written at `token` of `holder`, as kustomize's setTargetValue writes it;
    whether that is known."""
    places = _places(holder, token)
    if not places:
        if not options.create or not isinstance(holder, dict) or token.key is None:
            return not options.create  # nothing to write into: the object stays
        created = created_value(value) if options.delimiter == "" else NOT_KNOWN
        if created is NOT_KNOWN:
            return False
        holder[token.key] = created
        return True
    for place in places:
        new = _into(holder[place], value, options)
        if new is NOT_KNOWN:
            return False
        holder[place] = new
    return True


def _into(current: Any, value: Any, options: Options) -> Any:
    """What a field holding `current` holds once `value` is written into it."""
    if options.delimiter:
        text, own = scalar_text(value), scalar_text(current)
        if text is None or own is None:
            return NOT_KNOWN
        parts = own.split(options.delimiter)
        if options.index < 0:
            parts.insert(0, text)
        elif options.index >= len(parts):
            parts.append(text)
        else:
            parts[options.index] = text
        value = options.delimiter.join(parts)
    if isinstance(current, (dict, list)) or current is None:
        return NOT_KNOWN if current is None else value
    text = scalar_text(value)
    if text is None or isinstance(current, float):
        return NOT_KNOWN
    return _typed(text, current)


def _typed(text: str, current: Any) -> Any:
    """`text` as a scalar of the type `current` has (kustomize keeps the target's tag)."""
    if isinstance(current, bool):
        return _BOOLEANS.get(text, NOT_KNOWN)
    if isinstance(current, int):
        return int(text) if _INTEGER.fullmatch(text) else NOT_KNOWN
    return text


def created_value(value: Any) -> Any:
    """A value written into a field `create` made: a scalar untagged, read again as YAML
    reads its text (NOT_KNOWN where YAML 1.1 and 1.2 may read it apart: `yes`, `~`, `1.5`)."""
    if not isinstance(value, str):
        return value
    if value in _BOOLEANS:
        return _BOOLEANS[value]
    if _INTEGER.fullmatch(value):
        number = whole_number(value)  # None past int()'s 4,300 digits: not known how Go reads it
        return NOT_KNOWN if number is None else number
    # A number to the YAML readers of kustomize's output (go-yaml v2, and v3 alike): `0x1F`,
    # `1_0`, `.inf`, `1e5`; not `٣`, `inf` or ` 1`, which Python's float() reads.
    return NOT_KNOWN if value.lower() in _SPECIAL or go_yaml_number(value) else value
