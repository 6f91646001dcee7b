"""The containers every parsed YAML or JSON document is made of: a map and a sequence that know
the region of themselves and of each key, value and item (guardlint.parse.yaml_nodes and
guardlint.parse.json_nodes build them; the rules read them), and what their readers promise.

Nothing here needs PyYAML, so the modules that only read documents do not import it: a scan of
Dockerfiles never loads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guardlint.model.documents import Region
from guardlint.parse.text import ParseError

# Real IaC nests 10 to 30 levels. The limit also keeps our recursive conversion (about four
# Python frames per level) well inside Python's default recursion limit of 1,000.
MAX_DEPTH = 100


class YamlError(ParseError):
    """The text is not YAML/JSON we accept; carries the position where it went wrong."""


_new_tuple = tuple.__new__


def new_region(line: int, column: int, end_line: int, end_column: int) -> Region:
    """A region from a parser's 1-based positions, built without Region's checks: a corpus has
    hundreds of thousands of them, and a parser's positions are already ordered, so of those
    checks only the empty-span rule (end column dropped when it is not after the start) can
    apply."""
    if end_line == line and end_column <= column:
        end_column = None
    return _new_tuple(Region, (line, column, end_line, end_column))


class YamlMap(dict):
    """A mapping that knows the region of itself, of each key and of each value."""

    # json_keys: on a document's root only, the maps whose keys are other text to kubectl, by
    # id (guardlint.parse.yaml_nodes; never set elsewhere: read with getattr).
    __slots__ = ("json_keys", "key_regions", "merged_keys", "region", "value_regions")

    def __init__(self, region: Region) -> None:
        # No dict.__init__: with no arguments it does nothing (a corpus makes 50,000 maps).
        self.region = region
        self.key_regions: dict[Any, Region] = {}
        self.value_regions: dict[Any, Region] = {}
        self.merged_keys: set[Any] = set()

    def key_region(self, key: Any) -> Region:
        return self.key_regions.get(key, self.region)

    def value_region(self, key: Any) -> Region:
        return self.value_regions.get(key, self.key_region(key))


def located_copy(data: dict) -> YamlMap:
    """A YamlMap of the items of `data` with its regions (a plain dict's: the first line), for
    a document completed with what it leaves implicit (a list item's kind, a kustomization's)."""
    copy = YamlMap(region_of(data) or Region(1))
    copy.update(data)
    if isinstance(data, YamlMap):
        copy.key_regions.update(data.key_regions)
        copy.value_regions.update(data.value_regions)
        copy.merged_keys.update(data.merged_keys)
    return copy


class YamlSeq(list):
    """A sequence that knows the region of itself and of each item."""

    __slots__ = ("item_regions", "region")

    def __init__(self, region: Region) -> None:
        # No list.__init__: with no arguments it only empties the list, which is new.
        self.region = region
        self.item_regions: list[Region] = []

    def item_region(self, index: int) -> Region:
        if 0 <= index < len(self.item_regions):
            return self.item_regions[index]
        return self.region


def region_of(container: Any, key: Any = None) -> Region | None:
    """Region of `container[key]` (or of the container itself) when it is known."""
    if key is None:
        return getattr(container, "region", None)
    if isinstance(container, YamlMap):
        return container.key_region(key)
    if isinstance(container, YamlSeq) and isinstance(key, int):
        return container.item_region(key)
    return getattr(container, "region", None)


def line_of(data: Any, *keys: Any) -> int | None:
    """The line of the deepest of data[k0][k1]... that exists (a list item by index, or by
    value when the key is not an index), for an error message; None when there is none."""
    line, node = None, data
    for key in keys:
        if isinstance(node, YamlMap) and hashable(key) and key in node:
            line, node = node.key_region(key).start_line, node[key]
        elif isinstance(node, YamlSeq) and isinstance(key, int) and 0 <= key < len(node):
            line, node = node.item_region(key).start_line, node[key]
        elif isinstance(node, YamlSeq) and key in node:
            line, node = node.item_region(node.index(key)).start_line, None
        else:
            break
    return line


def hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def relocate(node: Any, place: Callable[[Region], Region]) -> None:
    """Every region of a text parsed on its own moved to where the text sits in its file (a
    CloudFormation property's embedded policy, an Argo podSpecPatch)."""
    if isinstance(node, YamlMap):
        node.region = place(node.region)
        node.key_regions = {key: place(r) for key, r in node.key_regions.items()}
        node.value_regions = {key: place(r) for key, r in node.value_regions.items()}
        for child in node.values():
            relocate(child, place)
    elif isinstance(node, YamlSeq):
        node.region = place(node.region)
        node.item_regions = [place(r) for r in node.item_regions]
        for child in node:
            relocate(child, place)
