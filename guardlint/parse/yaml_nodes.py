"""YAML and JSON to plain Python containers that remember where every key and value sits.

PyYAML's C composer builds the node graph (fast, with marks); we convert nodes ourselves so
that we never construct arbitrary Python objects, can honour merge keys, turn CloudFormation
short-form tags into their long form, and refuse alias bombs and absurd nesting before they
cost memory or time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from guardlint.model import Region

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

MAX_EXPANDED_NODES = 1_000_000
MAX_DEPTH = 200
MAX_DOCUMENTS = 1_000

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:null": "construct_yaml_null",
}
# Short-form intrinsics whose long form is not "Fn::<Name>".
_CFN_TAG_KEYS = {"Ref": "Ref", "Condition": "Condition"}
CFN_SHORT_TAGS = frozenset(
    {
        "Ref", "Sub", "GetAtt", "If", "Join", "FindInMap", "ImportValue", "Select", "Split",
        "Base64", "Equals", "Not", "And", "Or", "Condition", "GetAZs", "Cidr", "Transform",
        "Length", "ToJsonString", "ForEach",
    }
)  # fmt: skip


class YamlError(Exception):
    """The text is not YAML/JSON we accept; carries the position where it went wrong."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def _region(node: yaml.Node) -> Region:
    start, end = node.start_mark, node.end_mark
    return Region(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


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


def region_of(container: Any, key: Any = None) -> Region | None:
    """Region of `container[key]` (or of the container itself) when it is known."""
    if key is None:
        return getattr(container, "region", None)
    if isinstance(container, YamlMap):
        return container.key_region(key)
    if isinstance(container, YamlSeq) and isinstance(key, int):
        return container.item_region(key)
    return getattr(container, "region", None)


class _Converter:
    def __init__(self, cfn_tags: bool) -> None:
        self.cfn_tags = cfn_tags
        self.constructor = yaml.constructor.SafeConstructor()
        self.memo: dict[int, Any] = {}

    def convert(self, node: yaml.Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise YamlError(
                f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1
            )
        key = id(node)
        if key in self.memo:  # an alias: share the converted object, never copy it
            return self.memo[key]
        value = self._convert_tagged(node, depth)
        self.memo[key] = value
        return value

    def _convert_tagged(self, node: yaml.Node, depth: int) -> Any:
        tag = node.tag or ""
        if self.cfn_tags and tag.startswith("!") and tag[1:] in CFN_SHORT_TAGS:
            return self._cfn_intrinsic(node, tag[1:], depth)
        return self._convert_untagged(node, depth)

    def _convert_untagged(self, node: yaml.Node, depth: int) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            seq = YamlSeq(_region(node))
            for item in node.value:
                seq.append(self.convert(item, depth + 1))
                seq.item_regions.append(_region(item))
            return seq
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        method = _SCALAR_CONSTRUCTORS.get(node.tag)
        if method is None:
            return node.value if isinstance(node.value, str) else str(node.value)
        try:
            return getattr(self.constructor, method)(node)
        except (ValueError, yaml.YAMLError):
            return node.value

    def _cfn_intrinsic(self, node: yaml.Node, name: str, depth: int) -> YamlMap:
        if isinstance(node, yaml.ScalarNode):
            value: Any = node.value
            if name == "GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        else:
            value = self._convert_untagged(node, depth + 1)
        result = YamlMap(_region(node))
        long_name = _CFN_TAG_KEYS.get(name, f"Fn::{name}")
        result[long_name] = value
        result.key_regions[long_name] = result.region
        result.value_regions[long_name] = result.region
        return result

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YamlMap:
        mapping = YamlMap(_region(node))
        merges: list[tuple[yaml.Node, Region]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append((value_node, _region(key_node)))
                continue
            key = self.convert(key_node, depth + 1)
            if not _hashable(key):
                key = str(key)
            mapping[key] = self.convert(value_node, depth + 1)
            mapping.key_regions[key] = _region(key_node)
            mapping.value_regions[key] = _region(value_node)
            mapping.merged_keys.discard(key)
        for value_node, merge_region in merges:
            self._merge_into(mapping, value_node, merge_region, depth)
        return mapping

    def _merge_into(
        self, mapping: YamlMap, value_node: yaml.Node, merge_region: Region, depth: int
    ) -> None:
        # `<<: *a` or `<<: [*a, *b]`: explicit keys win, then earlier sources win.
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            merged = self.convert(source, depth + 1)
            if not isinstance(merged, dict):
                continue
            for key, value in merged.items():
                if key in mapping:
                    continue
                mapping[key] = value
                # Point at the `<<` line of the including map: that is where this object gets it.
                mapping.key_regions[key] = merge_region
                mapping.value_regions[key] = merge_region
                mapping.merged_keys.add(key)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Node count with every alias expanded, computed without expanding anything."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a cycle (recursive alias) counts once instead of looping
    total = 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            total += _expanded_size(key_node, memo) + _expanded_size(value_node, memo)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            total += _expanded_size(item, memo)
    memo[key] = total
    return total


def compose_documents(text: str) -> Iterator[yaml.Node]:
    """Compose each document of a YAML stream, translating PyYAML errors to YamlError."""
    loader = _Loader(text)
    try:
        count = 0
        while loader.check_node():
            count += 1
            if count > MAX_DOCUMENTS:
                raise YamlError(f"more than {MAX_DOCUMENTS} documents in one file")
            node = loader.get_node()
            if node is not None:
                yield node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"YAML syntax error: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def load_documents(text: str, cfn_tags: bool = True) -> list[Any]:
    """Every document of a YAML (or JSON) stream as YamlMap/YamlSeq/scalars with regions."""
    documents = []
    for node in compose_documents(text):
        size = _expanded_size(node, {})
        if size > MAX_EXPANDED_NODES:
            mark = node.start_mark
            raise YamlError(
                f"alias expansion exceeds {MAX_EXPANDED_NODES:,} nodes (alias bomb?)",
                mark.line + 1,
                1,
            )
        try:
            documents.append(_Converter(cfn_tags).convert(node))
        except RecursionError:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels") from None
    return documents
