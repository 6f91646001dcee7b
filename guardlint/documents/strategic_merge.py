"""Kubernetes' strategic merge of one object as written over another (a Tekton step over its
task's stepTemplate, an Argo podSpecPatch over the pod it patches), keeping the regions of the
side each value comes from, so a finding points where the value is written.

Maps merge key by key, recursively; the lists the Kubernetes API merges item by item (its
patchMergeKey: `env` by name, `volumeMounts` by mountPath, ...) merge on that key; any other
value of the object over replaces the one below. A null over leaves the value below (a step's
empty field is no field). Directives (`$patch`, `$retainKeys`, ...) are not followed: a merge
that meets one, or that would copy more entries below than its budget allows (a hostile
stepTemplate merged into each of thousands of steps), is incomplete, and the object over wins
where it stopped.

Merged `located_below` (the object a kustomize build emits of a base, judged to tell which of
the base's findings still stand: guardlint.documents.kustomize.deployed), a map or list both
sides write, and a value over that replaces one below, keep the regions of the side below: a
finding on them stays where the base's is; what only the side over writes keeps its own.
PatchMerge merges a kustomize patch that way, with the directives kustomize follows.
"""

from __future__ import annotations

from typing import Any

from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, YamlSeq, hashable, located_copy, region_of

# The lists of a pod spec and a container that Kubernetes merges item by item, with the key
# that tells their items apart (k8s.io/api/core/v1's patchMergeKey tags).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
    "resourceClaims": "name",
    "schedulingGates": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
}
_DIRECTIVE = "$"
_PATCH = "$patch"
_DELETED = object()  # what a `$patch: delete` leaves: nothing where it was


def copy_entry(
    target: YamlMap, source: Any, key: Any, value: Any = None, as_key: Any = None
) -> None:
    """`target[key]` (or `target[as_key]`) set to `source[key]` (or `value`), where `source`
    wrote it."""
    to = key if as_key is None else as_key
    target[to] = source[key] if value is None else value
    if isinstance(source, YamlMap):
        target.key_regions[to] = source.key_region(key)
        target.value_regions[to] = source.value_region(key)
        if key in source.merged_keys:
            target.merged_keys.add(to)


class Merge:
    """Strategic merges that together copy at most `budget` entries of the objects below."""

    def __init__(self, budget: int, located_below: bool = False) -> None:
        self.left = budget
        self.complete = True
        self.located_below = located_below

    def __call__(self, below: Any, over: Any, field: str | None = None) -> Any:
        """`over` merged over `below` (`field`: the key both are under)."""
        if isinstance(below, dict) and isinstance(over, dict):
            return self._maps(below, over)
        key = MERGE_KEYS.get(field or "")
        if key is not None and isinstance(below, list) and isinstance(over, list):
            return self._lists(below, over, key)
        return over

    def _spend(self, entries: int) -> bool:
        if entries > self.left:
            self.complete = False
            return False
        self.left -= entries
        return True

    def _maps(self, below: dict, over: dict) -> Any:
        if any(isinstance(key, str) and key.startswith(_DIRECTIVE) for key in over):
            self.complete = False
            return over
        if not self._spend(len(below)):
            return over
        merged = YamlMap(self._region(below, over))
        located = below if self.located_below else over
        for key in below:
            if over.get(key) is None:
                copy_entry(merged, below, key)
        for key, value in over.items():
            if value is None:
                continue
            if below.get(key) is None:
                copy_entry(merged, over, key)
            else:
                copy_entry(merged, located, key, self(below[key], value, key))
        return merged

    def _region(self, below: Any, over: Any) -> Region:
        first, second = (below, over) if self.located_below else (over, below)
        return region_of(first) or region_of(second) or Region(1)

    def _lists(self, below: list, over: list, key: str) -> Any:
        if not self._spend(len(below)):
            return over
        overs = {_item_key(item, key): index for index, item in enumerate(over)}
        overs.pop(None, None)
        merged = YamlSeq(self._region(below, over))
        used: set[int] = set()
        for index, item in enumerate(below):
            at = overs.get(_item_key(item, key))
            if at is None:
                append_item(merged, below, index, item)
            else:
                used.add(at)
                located, where = (below, index) if self.located_below else (over, at)
                append_item(merged, located, where, self(item, over[at]))
        for index, item in enumerate(over):
            if index not in used:
                append_item(merged, over, index, item)
        return merged


def _item_key(item: Any, key: str) -> Any:
    value = item.get(key) if isinstance(item, dict) else None
    return value if value is not None and hashable(value) else None


def append_item(merged: YamlSeq, source: list, index: int, item: Any) -> None:
    """`item` appended to `merged`, where `source[index]` is written."""
    merged.append(item)
    merged.item_regions.append(region_of(source, index) or merged.region)


class PatchMerge(Merge):
    """Strategic merges as kustomize applies a patch (kyaml's merge2), located below: a null
    over deletes the key below; a map's `$patch: delete` deletes it (on an item of a list merged
    by key: the item it matches), `$patch: replace` puts it in place of the one below, and
    `$patch: merge` merges it. kustomize (since 3.8) follows no other directive:
    `$retainKeys`, `$setElementOrder/...` and `$deleteFromPrimitiveList/...` are keys like any
    (kubernetes-sigs/kustomize#3981), which no rule reads. A `$patch` it would fail on or that
    is not followed here (another value, one on the patch's root or on an item of a list not
    merged by key) makes the merge incomplete. So does what kyaml's walker would read otherwise
    or fail on: a map, list or scalar over a value of another of those kinds (kustomize fails
    the build), items told apart by a key that is neither text nor a number written in decimal
    (kyaml compares keys as written: `80.0`, `0x50` or `true` match no `80` or `1` there), and
    two items of one list with the same key. The budget counts the entries of both sides, and
    one PatchMerge may apply all the patches of one object (`spend` charges other work)."""

    def __init__(self, budget: int) -> None:
        super().__init__(budget, located_below=True)

    def spend(self, entries: int) -> bool:
        """Whether `entries` more units of work are within the budget (past it: incomplete)."""
        return self._spend(entries)

    def patched(self, below: dict, over: dict) -> Any:
        """The object `below` once the patch `over` changes it."""
        if _PATCH in over:
            self.complete = False
            return over
        return self(below, over)

    def __call__(self, below: Any, over: Any, field: str | None = None) -> Any:
        if below is not None and _node_kind(below) is not _node_kind(over):
            self.complete = False  # kyaml's "wrong node kind": the build fails
            return over
        if isinstance(over, dict):
            return self._maps(below if isinstance(below, dict) else {}, over)
        key = MERGE_KEYS.get(field or "")
        if key is not None and isinstance(over, list):
            return self._lists(below if isinstance(below, list) else [], over, key)
        if isinstance(over, list) and any(
            isinstance(item, dict) and _PATCH in item for item in over
        ):
            self.complete = False
        return over

    def _maps(self, below: dict, over: dict) -> Any:
        if _PATCH in over:
            directive = over[_PATCH]
            if directive == "delete":
                return _DELETED
            if directive not in ("replace", "merge"):
                self.complete = False
                return over
            over = located_copy(over)
            del over[_PATCH]
            if directive == "replace":
                below = {}
        if not self._spend(len(below) + len(over)):
            return over
        merged = YamlMap(self._region(below, over))
        for key in below:
            if key not in over:
                copy_entry(merged, below, key)
        for key, value in over.items():
            result = _DELETED if value is None else self(below.get(key), value, key)
            if result is not _DELETED:
                located = over if below.get(key) is None else below
                copy_entry(merged, located, key, result)
        return merged

    def _lists(self, below: list, over: list, key: str) -> Any:
        if not self._spend(len(below) + len(over)):
            return over
        overs: dict[Any, int] = {}
        for index, item in enumerate(over):
            item_key = _written_key(item, key)
            if item_key is _UNREAD or (item_key is not None and item_key in overs):
                self.complete = False
                return over
            if item_key is not None:
                overs[item_key] = index
            elif isinstance(item, dict) and _PATCH in item:
                self.complete = False  # a directive on an item kustomize cannot match
                return over
        merged = YamlSeq(self._region(below, over))
        used: set[int] = set()
        for index, item in enumerate(below):
            item_key = _written_key(item, key)
            at = None if item_key is None else overs.get(item_key)
            if item_key is _UNREAD or at in used:
                self.complete = False
                return over
            if at is not None:
                used.add(at)
                item = self(item, over[at])
            if item is not _DELETED:
                append_item(merged, below, index, item)
        for index, item in enumerate(over):
            added = _DELETED if index in used else self(None, item)
            if added is not _DELETED:
                append_item(merged, over, index, added)
        return merged


_UNREAD = object()  # an item's key that kyaml may read otherwise than guardlint


def _written_key(item: Any, key: str) -> Any:
    """An item's key as kyaml compares it, the text written: a string, or an integer written in
    decimal (its region as wide as its digits); None for no key, _UNREAD for any other."""
    value = item.get(key) if isinstance(item, dict) else None
    if value is None or isinstance(value, str):
        return value
    region = item.value_region(key) if isinstance(item, YamlMap) else None
    if type(value) is not int or region is None or region.end_line != region.start_line:
        return _UNREAD
    width = (region.end_column or 0) - region.start_column
    return value if width == len(str(value)) else _UNREAD


def _node_kind(value: Any) -> type:
    """A YAML node's kind, as kyaml's walker tells them apart: map, list or scalar."""
    if isinstance(value, dict):
        return dict
    return list if isinstance(value, list) else object
