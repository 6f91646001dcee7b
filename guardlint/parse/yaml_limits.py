"""What YAML guardlint refuses before it costs memory or time: alias bombs (measured without
expanding anything), nesting deeper than MAX_DEPTH (checked before libyaml's composer, which
recurses in C), more than MAX_DOCUMENTS documents. A refusal is a YamlError with the position
where the text goes wrong."""

from __future__ import annotations

import re

from guardlint.parse.libyaml import LOADER
from guardlint.parse.located import MAX_DEPTH, YamlError
from guardlint.parse.pyyaml import yaml

MAX_EXPANDED_NODES = 1_000_000
# Aliases may repeat a document's nodes this many times over before we call it a bomb: real
# files reuse a few anchors; a billion-laughs file multiplies them exponentially.
MAX_ALIAS_AMPLIFICATION = 10
ALIAS_AMPLIFICATION_FLOOR = 100_000
MAX_DOCUMENTS = 1_000


def _node_counts(node: yaml.Node) -> tuple[int, int]:
    """(distinct nodes, nodes with every alias expanded), computed without expanding anything.

    A recursive alias (a node containing itself) is refused: no consumer can expand it."""
    expanded: dict[int, int] = {}
    in_progress: set[int] = set()

    def visit(current: yaml.Node) -> int:
        key = id(current)
        if key in expanded:
            return expanded[key]
        if key in in_progress:
            mark = current.start_mark
            raise YamlError("recursive alias (a node contains itself)", mark.line + 1, 1)
        in_progress.add(key)
        total = 1
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                total += visit(key_node) + visit(value_node)
        elif isinstance(current, yaml.SequenceNode):
            for item in current.value:
                total += visit(item)
        in_progress.discard(key)
        expanded[key] = total
        return total

    size = visit(node)
    return len(expanded), size


def check_expansion(node: yaml.Node) -> None:
    """Refuse a document whose aliases expand it past MAX_EXPANDED_NODES, or amplify it more
    than MAX_ALIAS_AMPLIFICATION times (an alias bomb), before it is converted."""
    distinct, expanded = _node_counts(node)
    amplified = expanded > ALIAS_AMPLIFICATION_FLOOR and (
        expanded > MAX_ALIAS_AMPLIFICATION * distinct
    )
    if expanded > MAX_EXPANDED_NODES or amplified:
        raise YamlError(
            f"alias expansion to {expanded:,} nodes from {distinct:,} (alias bomb?)",
            node.start_mark.line + 1,
            1,
        )


# A line's structural prefix: indentation, block indicators (`- `, `? `, `: `) and node
# properties (`&anchor `, `!tag `). A block collection can only start inside it.
_STRUCTURAL_PREFIX = re.compile(r"^[ \t?:-]*(?:[&!]\S*[ \t]+[ \t?:-]*)*", re.MULTILINE)
_COLLECTION_START = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_END = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


# Anchored on a literal newline (searched in "\n" + text): re finds newlines at C speed, where
# a MULTILINE `^` is tried at every character.
_PROPERTY_IN_PREFIX = re.compile(r"\n[ \t?:-]*[&!]")
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_OTHER_BREAK = re.compile("\r\n?|[\x85\u2028\u2029]")


def _may_nest_too_deep(text: str) -> bool:
    """False when a cheap bound shows the text cannot nest deeper than MAX_DEPTH: block
    nesting needs a column of structural prefix per two levels, flow nesting an opening
    bracket per level (2 * (longest prefix + 1) + brackets <= MAX_DEPTH)."""
    room = MAX_DEPTH - text.count("[") - text.count("{")
    longest_allowed = room // 2 - 1
    if longest_allowed < 0:
        return True
    if any(brk in text for brk in _OTHER_BREAKS):  # YAML breaks lines on these too
        text = _OTHER_BREAK.sub("\n", text)
    lines = "\n" + text
    if _PROPERTY_IN_PREFIX.search(lines):  # anchors or tags in a prefix: measure them all
        prefix = max((len(m.group()) for m in _STRUCTURAL_PREFIX.finditer(text)), default=0)
        return prefix > longest_allowed
    return re.search(rf"\n[ \t?:-]{{{longest_allowed + 1}}}", lines) is not None


def check_depth(text: str) -> None:
    """Refuse text nested deeper than MAX_DEPTH before composing it: libyaml's composer
    recurses in C and overflows the stack (a segfault) on a file of 100,000 `[`."""
    if not _may_nest_too_deep(text):
        return
    loader = LOADER(text)
    try:
        depth = 0
        while (event := _next_event(loader)) is not None:
            if isinstance(event, _COLLECTION_START):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlError(
                        f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1
                    )
            elif isinstance(event, _COLLECTION_END):
                depth -= 1
    except _ScannerTooDeep as exc:
        # libyaml 0.2.5's scanner (PyYAML 6.0.2+) refuses 1,000 levels while it looks ahead
        # for a simple key, before the parser has given the events that pass MAX_DEPTH. The
        # text before that point nests under 1,000: find where it passes MAX_DEPTH there, so
        # the outcome is the same whatever libyaml the user has.
        check_depth(text[: exc.index])
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", exc.line, exc.column) from None
    finally:
        loader.dispose()


class _ScannerTooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("exceeded maximum nesting depth")
        self.index, self.line, self.column = mark.index, mark.line + 1, mark.column + 1


def _next_event(loader: yaml.BaseLoader) -> yaml.Event | None:
    try:
        return loader.get_event()
    except yaml.MarkedYAMLError as exc:
        if exc.problem_mark is not None and "maximum nesting depth" in str(exc.problem):
            raise _ScannerTooDeep(exc.problem_mark) from None
        raise
