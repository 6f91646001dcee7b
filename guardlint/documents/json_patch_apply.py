"""RFC 6902 operations applied to a whole object (a kustomize base's, as a build's JSON patch
changes it: guardlint.documents.kustomize.deployed), where guardlint.documents.json_patch
reads what they write without the object.

The object is not changed: each map and list on an operation's path is copied the first time
an operation goes through it, so the work is linear in the object and the operations. A value
an operation replaces keeps the region of the value it replaces (a finding on it stays where
the base's is); what an operation adds is located at the operation. An operation RFC 6902
makes fail (a path that is not there, a `test` that does not hold, a `move` into its own
value: kustomize fails the build), one not followed here (an index past json_patch.MAX_INDEX,
more than MAX_COPIES `copy`) or anything that is not an operation makes the result unknown
(None). A value `move` takes keeps its regions; one `copy` puts in a second place is shared
by both, so no map or list made so far is changed in place after it (each is copied again the
first time an operation goes through it: MAX_COPIES bounds how often). Each map and list made
is charged its entries to the caller's budget (`spend`): after each `copy`, an operation
through a map of 50,000 annotations made it again, and 64 patches of 16 copies each took 2 s
for one object; past the budget the result is unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guardlint.documents.json_patch import list_index, pointer_tokens
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, YamlSeq, located_copy, region_of

_APPEND = "-"
MAX_COPIES = 16


class Copies:
    """The maps and lists made while applying: an operation may change those in place."""

    def __init__(self, spend: Callable[[int], bool]) -> None:
        self.made: set[int] = set()
        self.shared = 0  # the `copy` operations so far
        self.spend = spend

    def own(self, node: dict | list) -> dict | list | None:
        """The node, or a copy of it made now; None past the budget."""
        if id(node) in self.made:
            return node
        if not self.spend(len(node)):
            return None
        if isinstance(node, dict):
            copy: dict | list = located_copy(node)
        else:
            copy = YamlSeq(region_of(node) or Region(1))
            copy.extend(node)
            copy.item_regions.extend(
                region_of(node, index) or copy.region for index in range(len(node))
            )
        self.made.add(id(copy))
        return copy


def applied_operations(
    data: dict, operations: Any, spend: Callable[[int], bool] = lambda entries: True
) -> dict | None:
    """`data` as the RFC 6902 `operations` leave it, each map and list made charged to `spend`
    (False: past the budget); None where that is not known (see the module's docstring)."""
    if not isinstance(operations, list):
        return None
    copies = Copies(spend)
    root = copies.own(data)
    if root is None:
        return None
    for operation in operations:
        path = pointer_tokens(operation.get("path")) if isinstance(operation, dict) else None
        if path is None or not _applied(root, path, operation, copies):
            return None
    return root if isinstance(root, dict) else None


def _applied(root: dict | list, path: list[str], operation: dict, copies: Copies) -> bool:
    """Whether `operation` applies (to `root`, in place)."""
    op = operation.get("op")
    if op in ("move", "copy"):
        return _moved(root, path, operation, copies, op == "copy")
    holder = _holder(root, path, copies)
    if holder is None:
        return False
    if op == "test":
        return _same_json(_value(holder, path[-1]), operation.get("value"))
    if op in ("add", "replace") and "value" in operation:
        value_region = operation.value_region("value") if isinstance(operation, YamlMap) else None
        return _set(holder, path[-1], operation, operation["value"], value_region, op == "add")
    return op == "remove" and _remove(holder, path[-1])


def _moved(root: dict | list, path: list[str], operation: dict, copies: Copies, copy: bool) -> bool:
    """A `move` or `copy` from the operation's `from` to its path, applied (RFC 6902 4.4, 4.5:
    the value there is removed, for a move, then added at the path)."""
    source = pointer_tokens(operation.get("from"))
    if source is None or (not copy and path[: len(source)] == source != path):
        return False  # a value cannot move into itself
    holder = _holder(root, source, copies)
    if holder is None or not _has(holder, source[-1]):
        return False
    value = _value(holder, source[-1])
    if isinstance(holder, YamlMap):
        value_region = holder.value_region(source[-1])
    else:
        value_region = region_of(holder, _existing(holder, source[-1]))
    if copy:
        copies.shared += 1
        if copies.shared > MAX_COPIES:
            return False
        copies.made.clear()  # each map and list made so far may now be reached two ways
    elif not _remove(holder, source[-1]):
        return False
    target = _holder(root, path, copies)
    return target is not None and _set(target, path[-1], operation, value, value_region, True)


def _holder(root: dict | list, path: list[str], copies: Copies) -> dict | list | None:
    """The (copied) map or list holding the path's last token; None where it is not there."""
    current = root
    for token in path[:-1]:
        place: Any = token if isinstance(current, dict) else _existing(current, token)
        if place is None or (isinstance(current, dict) and token not in current):
            return None
        child = current[place]
        if not isinstance(child, (dict, list)):
            return None
        owned = copies.own(child)
        if owned is None:
            return None
        current[place] = current = owned
    return current


def _existing(holder: list, token: str) -> int | None:
    index = list_index(token)
    return index if index is not None and index < len(holder) else None


def _value(holder: dict | list, token: str) -> Any:
    if isinstance(holder, dict):
        return holder.get(token)
    index = _existing(holder, token)
    return None if index is None else holder[index]


def _same_json(first: Any, second: Any) -> bool:
    """Equal as JSON values (a `test`'s, evanphx/json-patch's): as Python's ==, but a boolean is
    no number (True == 1 in Python: the test held here and failed kustomize's build)."""
    if isinstance(first, bool) or isinstance(second, bool):
        return type(first) is type(second) and first == second
    if isinstance(first, dict) and isinstance(second, dict):
        return first.keys() == second.keys() and all(
            _same_json(value, second[key]) for key, value in first.items()
        )
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(map(_same_json, first, second))
    if isinstance(first, (dict, list)) or isinstance(second, (dict, list)):
        return False
    return bool(first == second)


def _has(holder: dict | list, token: str) -> bool:
    return token in holder if isinstance(holder, dict) else _existing(holder, token) is not None


def _set(
    holder: dict | list,
    token: str,
    operation: dict,
    value: Any,
    value_region: Region | None,
    insert: bool,
) -> bool:
    """`value` set at `token` of `holder` (`insert`: added), located at `value_region` (None:
    at the operation's path)."""
    where = region_of(operation, "path") or Region(1)
    value_region = value_region or where
    if isinstance(holder, dict):
        if token not in holder and not insert:
            return False  # replace needs a value there
        if token not in holder and isinstance(holder, YamlMap):
            holder.key_regions[token] = where
            holder.value_regions[token] = value_region
        holder[token] = value
        return True
    if insert:
        index = len(holder) if token == _APPEND else list_index(token)
        if index is None or index > len(holder):
            return False
        holder.insert(index, value)
        if isinstance(holder, YamlSeq):
            holder.item_regions.insert(index, value_region)
        return True
    existing = _existing(holder, token)
    if existing is None:
        return False
    holder[existing] = value
    return True


def _remove(holder: dict | list, token: str) -> bool:
    if isinstance(holder, dict):
        if token not in holder:
            return False
        del holder[token]
        if isinstance(holder, YamlMap):
            holder.key_regions.pop(token, None)
            holder.value_regions.pop(token, None)
        return True
    index = _existing(holder, token)
    if index is None:
        return False
    del holder[index]
    if isinstance(holder, YamlSeq) and index < len(holder.item_regions):
        del holder.item_regions[index]
    return True
