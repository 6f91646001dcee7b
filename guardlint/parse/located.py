"""The containers every parsed YAML or JSON document is made of: a map and a sequence that know
the region of themselves and of each key, value and item (guardlint.parse.yaml_nodes and
guardlint.parse.json_nodes build them; the rules read them)."""

from __future__ import annotations

from typing import Any

from guardlint.model import Region

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

    __slots__ = ("key_regions", "merged_keys", "region", "value_regions")

    def __init__(self, region: Region) -> None:
        super().__init__()
        self.region = region
        self.key_regions: dict[Any, Region] = {}
        self.value_regions: dict[Any, Region] = {}
        self.merged_keys: set[Any] = set()

    def key_region(self, key: Any) -> Region:
        return self.key_regions.get(key, self.region)

    def value_region(self, key: Any) -> Region:
        return self.value_regions.get(key, self.key_region(key))


class YamlSeq(list):
    """A sequence that knows the region of itself and of each item."""

    __slots__ = ("item_regions", "region")

    def __init__(self, region: Region) -> None:
        super().__init__()
        self.region = region
        self.item_regions: list[Region] = []

    def item_region(self, index: int) -> Region:
        if 0 <= index < len(self.item_regions):
            return self.item_regions[index]
        return self.region
