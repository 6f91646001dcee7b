"""YAML and JSON to plain Python containers that remember where every key and value sits.

PyYAML's C composer builds the node graph (fast, with marks); we convert nodes ourselves so
that we never construct arbitrary Python objects, can honour merge keys, turn CloudFormation
short-form tags into their long form, and refuse alias bombs and absurd nesting before they
cost memory or time (guardlint.parse.yaml_limits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from guardlint.model.documents import Region
from guardlint.parse.go_yaml import json_key
from guardlint.parse.json_nodes import load_json, load_json_stream
from guardlint.parse.libyaml import GO_YAML_BOOL_TAG, GO_YAML_NUMBER_TAG, ComposingLoader
from guardlint.parse.located import MAX_DEPTH, YamlError, YamlMap, YamlSeq, hashable, new_region
from guardlint.parse.pyyaml import yaml
from guardlint.parse.yaml_ends import BLOCK_SCALAR_STYLES, NodeEnds
from guardlint.parse.yaml_limits import (
    MAX_DOCUMENTS,
    MAX_EXPANDED_NODES,
    check_depth,
    check_expansion,
)
from guardlint.parse.yaml_scalars import CONSTRUCTED_TAGS, scalar_value

_STR = "tag:yaml.org,2002:str"
# A plain key of these tags may be other text to go-yaml v2 and sigs.k8s.io/yaml (kubectl).
_RETYPED_KEY_TAGS = CONSTRUCTED_TAGS | {GO_YAML_BOOL_TAG, GO_YAML_NUMBER_TAG}
_SCALAR = yaml.ScalarNode
_MERGE = "tag:yaml.org,2002:merge"
# Short-form intrinsics whose long form is not "Fn::<Name>".
_CFN_TAG_KEYS = {"Ref": "Ref", "Condition": "Condition"}
CFN_SHORT_TAGS = frozenset(
    {
        "Ref", "Sub", "GetAtt", "If", "Join", "FindInMap", "ImportValue", "Select", "Split",
        "Base64", "Equals", "Not", "And", "Or", "Condition", "GetAZs", "Cidr", "Transform",
        "Length", "ToJsonString", "ForEach",
    }
)  # fmt: skip


class _Converter:
    def __init__(self, cfn_tags: bool, ends: NodeEnds) -> None:
        self.cfn_tags = cfn_tags
        self.ends = ends
        self.memo: dict[int, Any] = {}
        self.key_problems: list[YamlError] = []
        # id(map) -> (map, {key as written: its JSON text to kubectl, None where it refuses it})
        self.json_keys: dict[int, tuple[YamlMap, dict[Any, str | None]]] = {}
        # Without an anchor a block collection's last value is written last, and NodeEnds ends
        # the collection where that value ends: its region is made from the value's, once
        # converted (a walk down every collection's last values otherwise).
        self.ends_at_last_value = not ends.may_alias

    def _region(self, node: yaml.Node) -> Region:
        start, end = node.start_mark, node.end_mark
        # A key or flow scalar (most nodes) ends where libyaml says: NodeEnds is not asked.
        if type(node) is not yaml.ScalarNode or node.style in BLOCK_SCALAR_STYLES:
            end = self.ends.end(node)
        return new_region(start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def _block_region(self, node: yaml.Node, last: Region | None) -> Region:
        """The region of a collection, from the region of its last value when it is a block
        one in a text without anchors (NodeEnds ends it there: no walk down its last values
        again); `last` None (a merge last, or an empty last value) asks NodeEnds."""
        if last is None or last.end_column is None or node.flow_style or not node.value:
            return self._region(node)
        start = node.start_mark
        return new_region(start.line + 1, start.column + 1, last.end_line, last.end_column)

    def _own_region(self, value: Any, node: yaml.Node) -> Region:
        """The region of a converted node: a container already carries it (same marks)."""
        if isinstance(value, (YamlMap, YamlSeq)) and value.region is not None:
            return value.region
        return self._region(node)

    def convert(self, node: yaml.Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise YamlError(
                f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1
            )
        if self.ends_at_last_value:  # no anchor, so no alias: every node is converted once
            return self._convert_tagged(node, depth)
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
            deferred = self.ends_at_last_value
            seq = YamlSeq(None if deferred else self._region(node))  # type: ignore[arg-type]
            regions = seq.item_regions
            shallow = depth + 1 <= MAX_DEPTH
            for item in node.value:
                # A plain string item: as in _mapping.
                if (
                    shallow
                    and item.tag == _STR
                    and type(item) is _SCALAR
                    and item.style not in BLOCK_SCALAR_STYLES
                ):
                    seq.append(item.value)
                    start, end = item.start_mark, item.end_mark
                    regions.append(
                        new_region(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                    )
                    continue
                value = self._child(item, depth + 1)
                seq.append(value)
                regions.append(self._own_region(value, item))
            if deferred:
                seq.region = self._block_region(node, regions[-1] if regions else None)
            return seq
        return scalar_value(node)

    def _child(self, node: yaml.Node, depth: int) -> Any:
        """convert(), with plain strings (most keys and values) taken straight from the node:
        they need no tag dispatch, and no memo since a copy of a string is the same string."""
        if node.tag == _STR and type(node) is yaml.ScalarNode and depth <= MAX_DEPTH:
            return node.value
        return self.convert(node, depth)

    def _key(self, node: yaml.Node, depth: int) -> Any:
        """A key as the tools that deploy the file read it: its text. CloudFormation and
        Compose (go-yaml v3 decoding into a string) take a number, boolean or null key as
        written, so `false:` is named `false`, and `1:` and `1.0:`, or `true:` and `yes:`, are
        two keys (kubectl's reading is kept apart: json_keys, guardlint.parse.kubectl_keys)."""
        if type(node) is _SCALAR and node.tag in CONSTRUCTED_TAGS and depth <= MAX_DEPTH:
            return node.value
        return self._child(node, depth)

    def _cfn_intrinsic(self, node: yaml.Node, name: str, depth: int) -> YamlMap:
        if isinstance(node, yaml.ScalarNode):
            value: Any = node.value
            if name == "GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        else:
            value = self._convert_untagged(node, depth + 1)
        result = YamlMap(self._own_region(value, node))
        long_name = _CFN_TAG_KEYS.get(name, f"Fn::{name}")
        result[long_name] = value
        result.key_regions[long_name] = result.region
        result.value_regions[long_name] = result.region
        return result

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YamlMap:
        deferred = self.ends_at_last_value
        mapping = YamlMap(None if deferred else self._region(node))  # type: ignore[arg-type]
        key_regions, value_regions = mapping.key_regions, mapping.value_regions
        merges: list[tuple[yaml.Node, Region]] = []
        value_region: Region | None = None  # the last value's, for the mapping's end
        # Most keys and many values are plain strings in a flow or plain style: their text and
        # region are taken here, without the calls of _child and _region (a third of the
        # conversion); anything else goes the general way.
        shallow = depth + 1 <= MAX_DEPTH
        for key_node, value_node in node.value:
            if shallow and key_node.tag == _STR and type(key_node) is _SCALAR:
                key = key_node.value
                if key_node.style not in BLOCK_SCALAR_STYLES:
                    start, end = key_node.start_mark, key_node.end_mark
                    key_region = new_region(
                        start.line + 1, start.column + 1, end.line + 1, end.column + 1
                    )
                else:
                    key_region = self._region(key_node)
            else:
                if key_node.tag == _MERGE:
                    merges.append((value_node, self._region(key_node)))
                    value_region = None  # its value's end is not known here
                    continue
                key = self._key(key_node, depth + 1)
                if not hashable(key):
                    if not _is_placeholder(node, key_node):
                        self._note_collection_key(key_node)
                    key = str(key)
                key_region = self._region(key_node)
                if (
                    key_node.tag in _RETYPED_KEY_TAGS
                    and not key_node.style  # plain: a quoted key is its text to go-yaml too
                    and (as_json := json_key(key_node.value)) != key
                ):
                    self.json_keys.setdefault(id(mapping), (mapping, {}))[1][key] = as_json
            if key in mapping:
                self._note_duplicate(key, key_regions[key], key_node)
            tag = value_node.tag
            if (
                shallow
                and type(value_node) is _SCALAR
                and value_node.style not in BLOCK_SCALAR_STYLES
                # A number, boolean or null too where the text has no anchor: its value made
                # here as convert() would make it (no alias can share it).
                and (tag == _STR or (self.ends_at_last_value and tag in CONSTRUCTED_TAGS))
            ):
                mapping[key] = value_node.value if tag == _STR else scalar_value(value_node)
                start, end = value_node.start_mark, value_node.end_mark
                value_region = new_region(
                    start.line + 1, start.column + 1, end.line + 1, end.column + 1
                )
            else:
                value = mapping[key] = self._child(value_node, depth + 1)
                value_region = self._own_region(value, value_node)
            key_regions[key] = key_region
            value_regions[key] = value_region
            if mapping.merged_keys:
                mapping.merged_keys.discard(key)
        if deferred:
            mapping.region = self._block_region(node, value_region)
        for value_node, merge_region in merges:
            self._merge_into(mapping, value_node, merge_region, depth)
        return mapping

    def _note_collection_key(self, key_node: yaml.Node) -> None:
        # YAML allows a map or list as a key (`[!ImportValue Fn::Sub: x]` makes one by mistake);
        # JSON, and so CloudFormation, Compose and Kubernetes, have only scalar keys.
        mark = key_node.start_mark
        message = (
            "a key that is a map or list: CloudFormation, Docker Compose and Kubernetes accept "
            "only scalar keys"
        )
        self.key_problems.append(YamlError(message, mark.line + 1, mark.column + 1))

    def _note_duplicate(self, key: Any, first: Region, key_node: yaml.Node) -> None:
        # PyYAML and JSON parsers keep the last value, so that is what the rules see; the
        # tools that deploy the file (Compose, CloudFormation, kubectl --validate=strict)
        # reject it instead, so the user has to hear about it.
        mark = key_node.start_mark
        self.key_problems.append(
            YamlError(
                f"duplicate key {key!r} (first on line {first.start_line}): the last value was "
                "checked, as PyYAML and JSON parsers keep it, but Docker Compose, "
                "CloudFormation and kubectl --validate=strict reject duplicate keys",
                mark.line + 1,
                mark.column + 1,
            )
        )

    def _merge_into(
        self, mapping: YamlMap, value_node: yaml.Node, merge_region: Region, depth: int
    ) -> None:
        # `<<: *a` or `<<: [*a, *b]`: explicit keys win, then earlier sources win.
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            merged = self.convert(source, depth + 1)
            if not isinstance(merged, dict):
                continue
            renamed = self.json_keys.get(id(merged), (merged, {}))[1]
            for key, value in merged.items():
                if key in mapping:
                    continue
                mapping[key] = value
                if key in renamed:  # kubectl reads it here as in the map it comes from
                    self.json_keys.setdefault(id(mapping), (mapping, {}))[1][key] = renamed[key]
                # Point at the `<<` line of the including map: that is where this object gets it.
                mapping.key_regions[key] = merge_region
                mapping.value_regions[key] = merge_region
                mapping.merged_keys.add(key)


@contextmanager
def _yaml_errors(text: str) -> Iterator[None]:
    """PyYAML's exceptions as YamlError with the position where the text went wrong."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"YAML syntax error: {problem}", line, column) from None
    except yaml.reader.ReaderError as exc:
        # Its text adds a second line, `in "<unicode string>", position 13`: say it as a place.
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise YamlError(f"YAML error: {str(exc).splitlines()[0]}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels") from None


def compose_documents(text: str, notes: list[YamlError] | None = None) -> Iterator[yaml.Node]:
    """Compose each document of a YAML stream, translating PyYAML errors to YamlError. Past
    MAX_DOCUMENTS the stream is refused; with `notes`, the documents before are kept and the
    refusal noted (a long stream's first objects are still judged)."""
    with _yaml_errors(text):
        check_depth(text)
    loader = ComposingLoader(text)
    try:
        with _yaml_errors(text):
            count = 0
            while loader.check_node():
                count += 1
                if count > MAX_DOCUMENTS:
                    mark = loader.peek_event().start_mark
                    refusal = YamlError(
                        f"more than {MAX_DOCUMENTS:,} documents in one file; the rest was not "
                        "scanned",
                        mark.line + 1,
                    )
                    if notes is None:
                        raise refusal
                    notes.append(refusal)
                    return
                node = loader.get_node()
                if node is not None:
                    yield node
    finally:
        loader.dispose()


_JSON_COMMENT = re.compile(r"^[ \t]*(//|/\*)", re.MULTILINE)


def _json_comment_error(text: str) -> YamlError | None:
    """JSON with // or /* */ comments (JSONC) fails as YAML far from the comment: name it.
    CloudFormation and IAM reject such files too."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    comment = _JSON_COMMENT.search(text)
    if comment is None:
        return None
    line = text.count("\n", 0, comment.start()) + 1
    return YamlError(f"JSON does not allow {comment.group(1)} comments", line, 1)


def _tab_error(text: str, error: YamlError) -> YamlError | None:
    """libyaml says "found character that cannot start any token" for a tab: say "tab"."""
    lines = text.splitlines()
    if not 0 < error.line <= len(lines) or lines[error.line - 1][error.column - 1 :][:1] != "\t":
        return None
    return YamlError(
        "YAML syntax error: a tab character where YAML allows only spaces", error.line, error.column
    )


def _is_placeholder(mapping: yaml.MappingNode, key_node: yaml.Node) -> bool:
    """`{{name}}`: a template's placeholder (Jinja, mustache), which YAML reads as a flow map
    whose key is a flow map, not a key written by mistake."""
    return (
        isinstance(key_node, yaml.MappingNode)
        and bool(mapping.flow_style)
        and key_node.start_mark.index == mapping.start_mark.index + 1
    )


def load_documents(
    text: str, cfn_tags: bool = True, notes: list[YamlError] | None = None
) -> list[Any]:
    """Every document of a YAML (or JSON) stream as YamlMap/YamlSeq/scalars with regions.

    `notes`, when given, receives the problems that did not stop parsing (duplicate keys, keys
    that are maps or lists)."""
    document = load_json(text)  # most JSON: the same documents, several times faster
    if document is not None:
        return [document]
    try:
        nodes = list(compose_documents(text, notes))
    except YamlError as exc:
        stream = load_json_stream(text, MAX_DOCUMENTS)  # JSON texts one after another
        if stream is not None:
            return stream
        raise _json_comment_error(text) or _tab_error(text, exc) or exc from None
    documents = []
    # Without an alias (`*name`, which needs an anchor `&name`: composing refuses an undefined
    # one) nothing can expand, and a YAML node takes at least about one character, so a short
    # alias-free text cannot exceed the limits: skip the node walk. (IAM's `s3:*` is no alias.)
    has_anchor = "&" in text
    may_expand = (has_anchor and "*" in text) or 2 * len(text) > MAX_EXPANDED_NODES
    ends = NodeEnds(text, may_alias=has_anchor)
    for node in nodes:
        if may_expand:
            check_expansion(node)
        converter = _Converter(cfn_tags, ends)
        try:
            document = converter.convert(node)
        except RecursionError:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels") from None
        if converter.json_keys and isinstance(document, YamlMap):
            document.json_keys = converter.json_keys
        documents.append(document)
        if notes is not None:
            notes.extend(converter.key_problems)
    return documents
