"""A JSON patch (RFC 6902: a list of operations on JSON pointers) read as the partial object it
writes over the one it patches, as a strategic or merge patch is read (PARTIAL_OBJECT):
what its `add` and `replace` operations set is there, at its path; everything else is the
patched object's, not known here.

`kubectl patch --type json` (a CDK KubernetesPatch of PatchType json) and kustomize's
`patchesJson6902` and `patches` entries whose file holds operations apply such a list. The
operations are applied in order to the partial object, each as RFC 6902 says where it can be
followed without the patched object: an `add` at a list index inserts (the later items shift,
as they do in the object), `-` appends after the items the object already has (so an index
past an appended item is not known: that operation is skipped), `remove` takes out what an
earlier operation set, and `move` and `copy` leave their target unknown (whatever was set
there is dropped). The missing maps and lists of a path are made as the path says (a number
or `-` under a list; a list's items before an index are unknown: None, which no rule reads);
an index past MAX_INDEX, an item past MAX_ITEMS, a path of more than MAX_PATH_TOKENS tokens or
that reads a list by a name, an operation that is not a map or whose `op` is none of RFC
6902's is skipped. Each operation costs its path's length and at most MAX_ITEMS moves of
items, so the reading is linear in the text.
"""

from __future__ import annotations

import itertools
from typing import Any

from guardlint.model.documents import Region
from guardlint.parse.digits import ascii_digits, digits_number
from guardlint.parse.located import YamlMap, YamlSeq, region_of

# The highest list index followed (a pod's containers, volumes, ports: a few dozen at most),
# the items a list made here holds (each insertion moves those after it), and the tokens of a
# path followed (a Deployment's deepest field is a dozen below its root; the object made stays
# within a few dozen levels of the YAML loader's nesting limit).
MAX_INDEX = 64
MAX_ITEMS = 256
MAX_PATH_TOKENS = 32
_SETTING = frozenset({"add", "replace"})
_UNKNOWN_TARGET = frozenset({"move", "copy"})
_APPEND = "-"


def is_operation_list(data: Any) -> bool:
    """Whether `data` is a JSON patch: a non-empty list of maps, each with an `op` and a
    `path` (what RFC 6902 asks of every operation)."""
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(item, dict) and "op" in item and "path" in item for item in data)
    )


def patched_object(operations: YamlSeq) -> YamlMap | None:
    """The partial object `operations` write (see the module's docstring); None when none of
    them sets a value under the object's root."""
    root = YamlMap(operations.region)
    appended: dict[int, int] = {}  # id of a list made here -> index of its first appended item
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            continue
        where = region_of(operation, "path") or region_of(operations, index) or operations.region
        op, path = operation.get("op"), pointer_tokens(operation.get("path"))
        if path is None or not isinstance(op, str):  # a list or map names no operation
            continue
        if op in _SETTING and "value" in operation:
            _set(root, path, operation, where, appended, insert=op == "add")
        elif op == "remove":
            _remove(root, path, appended)
        elif op in _UNKNOWN_TARGET:
            if op == "move":
                source = pointer_tokens(operation.get("from"))
                if source is not None:
                    _remove(root, source, appended)
            _unknown(root, path, where, appended)
    return root if root else None


def pointer_tokens(path: Any) -> list[str] | None:
    """The reference tokens of a JSON pointer below the root (`/a/b~1c` -> a, b/c); None for
    the root itself (the whole object replaced: not followed) or what is not a pointer."""
    if not isinstance(path, str) or not path.startswith("/") or path.count("/") > MAX_PATH_TOKENS:
        return None
    return [token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/")]


def list_index(token: str) -> int | None:
    """A list index as RFC 6901 writes one (digits, no leading zero), up to MAX_INDEX."""
    if len(token) > 1 and token[0] == "0":
        return None
    number = digits_number(token, MAX_INDEX + 1)
    return number if number is not None and number <= MAX_INDEX else None


def _parent(
    root: YamlMap, path: list[str], where: Region, appended: dict[int, int], make: bool
) -> YamlMap | YamlSeq | None:
    """The map or list holding the path's last token: made where missing when `make`, else
    None when it was not set here."""
    current: YamlMap | YamlSeq = root
    for token, following in itertools.pairwise(path):
        child = _child(current, token, appended)
        if not isinstance(child, (YamlMap, YamlSeq)):
            listed = following == _APPEND or ascii_digits(following)
            if not make or (listed and following != _APPEND and list_index(following) is None):
                return None
            child = YamlSeq(where) if listed else YamlMap(where)
            if not _place(current, token, child, where, appended, insert=False):
                return None
        current = child
    return current


def _child(holder: YamlMap | YamlSeq, token: str, appended: dict[int, int]) -> Any:
    if isinstance(holder, YamlMap):
        return holder.get(token)
    index = list_index(token)
    if index is None or index >= appended.get(id(holder), MAX_INDEX + 1) or index >= len(holder):
        return None
    return holder[index]


def _place(
    holder: YamlMap | YamlSeq,
    token: str,
    value: Any,
    where: Region,
    appended: dict[int, int],
    *,
    insert: bool,
    value_region: Region | None = None,
) -> bool:
    """`value` at `token` of `holder`: a map's key, a list's index (inserted or replaced) or
    its end (`-`); False where the place is not known."""
    if isinstance(holder, YamlMap):
        holder[token] = value
        holder.key_regions[token] = where
        holder.value_regions[token] = value_region or where
        return True
    appending = token == _APPEND
    index = len(holder) if appending else list_index(token)
    if index is None or (not appending and index >= appended.get(id(holder), MAX_INDEX + 1)):
        return False
    replaced = not insert and not appending and index < len(holder)
    if not replaced and max(index, len(holder)) >= MAX_ITEMS:
        return False
    if appending:
        appended.setdefault(id(holder), index)
    while len(holder) < index:  # the items before it are the patched object's
        holder.append(None)
        holder.item_regions.append(where)
    if replaced:
        holder[index] = value
        holder.item_regions[index] = value_region or where
        return True
    holder.insert(index, value)
    holder.item_regions.insert(index, value_region or where)
    if not appending and id(holder) in appended:
        appended[id(holder)] += 1
    return True


def _set(
    root: YamlMap,
    path: list[str],
    operation: dict,
    where: Region,
    appended: dict[int, int],
    *,
    insert: bool,
) -> None:
    parent = _parent(root, path, where, appended, make=True)
    if parent is not None:
        value_region = operation.value_region("value") if isinstance(operation, YamlMap) else None
        _place(parent, path[-1], operation["value"], where, appended, insert=insert,
               value_region=value_region)  # fmt: skip


def _remove(root: YamlMap, path: list[str], appended: dict[int, int]) -> None:
    """What an earlier operation set at `path` taken out (a list's later items shift)."""
    _take_out(_parent(root, path, root.region, appended, make=False), path[-1], appended)


def _take_out(parent: Any, token: str, appended: dict[int, int]) -> None:
    """What an earlier operation set at `token` of `parent` (None: not known) taken out."""
    if isinstance(parent, YamlMap):
        parent.pop(token, None)
        parent.key_regions.pop(token, None)
        parent.value_regions.pop(token, None)
    elif isinstance(parent, YamlSeq):
        index = list_index(token)
        if index is not None and index < min(len(parent), appended.get(id(parent), len(parent))):
            del parent[index]
            del parent.item_regions[index]
            if id(parent) in appended:
                appended[id(parent)] -= 1


def _unknown(root: YamlMap, path: list[str], where: Region, appended: dict[int, int]) -> None:
    """The target of a `move` or `copy`: a value from the patched object, not known here."""
    parent = _parent(root, path, where, appended, make=False)
    token = path[-1]
    if isinstance(parent, YamlMap):
        _take_out(parent, token, appended)
    elif isinstance(parent, YamlSeq):
        _place(parent, token, None, where, appended, insert=True)


def as_patched_object(
    patch: YamlMap, api_version: str, kind: str, name: str, namespace: str | None
) -> YamlMap:
    """A partial object (a patch's) as the object it patches: its kind and name as the patch's
    target names them (what the patch writes in its own apiVersion, kind or metadata name does
    not choose the object)."""
    where: Region = patch.region
    patch["apiVersion"], patch["kind"] = api_version, kind
    metadata = patch.get("metadata")
    if not isinstance(metadata, YamlMap):
        metadata = patch["metadata"] = YamlMap(where)
    metadata["name"] = name
    if namespace is not None:
        metadata["namespace"] = namespace
    return patch
