"""Where a YAML node's text ends: after the last character of its last value.

libyaml ends a block mapping or sequence, and a block scalar (`|`, `>`), where the next token
starts: after the blank lines and comments that follow it, often column 1 of a later line, or
past the last line at the end of the stream. A region that ended there would take in lines
that are not the node's (a finding's highlight, the lines a secret is blanked on), so a block
collection ends where its last value ends, and a block scalar at its last character that is
not a space or a line break. Flow collections and other scalars end where libyaml says.

A block collection's last value may be an alias (`env: *common`, `- *item`): its node is the
anchor's, written earlier, so the end is found in the text, at the last alias after the value
before it. Each collection reads only the text after its last real value, and a block scalar
only its own text: linear in the file.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from guardlint.parse.pyyaml import yaml


class Position(NamedTuple):
    index: int  # into the text
    line: int  # 0-based, as libyaml counts lines
    column: int  # 0-based


BLOCK_SCALAR_STYLES = frozenset("|>")
_OTHER_BREAK = re.compile("(\r(?=\n))|[\r\x85\u2028\u2029]")
# What may stand between the value before an alias and the alias: blanks, line breaks and the
# indicators of a sequence item or mapping value (comments are skipped apart).
_BETWEEN = re.compile(r"[ \t\n?:-]*")
_ALIAS = re.compile(r"\*[^ \t\n,\[\]{}]*")


def _mark(mark: yaml.Mark) -> Position:
    return Position(mark.index, mark.line, mark.column)


def _index(mark: yaml.Mark) -> int:
    return mark.index


class NodeEnds:
    """The end of each node of one YAML text (nodes that libyaml composed from it)."""

    def __init__(self, text: str, may_alias: bool) -> None:
        """`may_alias`: whether the text has an `&`; an alias names an anchor, so without
        one no node is an alias (most files)."""
        self._raw = text
        self._text: str | None = None
        self._ends: dict[int, Position | yaml.Mark] = {}
        self.may_alias = may_alias

    def end(self, node: yaml.Node) -> Position | yaml.Mark:
        """Where the node ends: libyaml's mark where it is right (most nodes: no copy made),
        else the Position computed once."""
        if isinstance(node, yaml.ScalarNode):
            if node.style not in BLOCK_SCALAR_STYLES:
                return node.end_mark
        elif node.flow_style or not node.value:
            return node.end_mark
        key = id(node)
        end = self._ends.get(key)
        if end is None:
            end = self._ends[key] = self._block_end(node)
        return end

    @property
    def text(self) -> str:
        """The text with each line break one "\\n" at its place (`\\r\\n` as ` \\n`), as
        libyaml breaks lines, so indexes and lines stay libyaml's."""
        if self._text is None:
            self._text = _OTHER_BREAK.sub(_newline, self._raw)
        return self._text

    def _block_end(self, node: yaml.Node) -> Position | yaml.Mark:
        if isinstance(node, yaml.ScalarNode):
            start = _mark(node.start_mark)
            kept = self.text[start.index : node.end_mark.index].rstrip(" \t\n")
            return self._after(start, start.index + len(kept))
        children = node.value
        if not self.may_alias:  # the last value is written last: it ends the collection
            last = children[-1]
            return self.end(last[1] if isinstance(node, yaml.MappingNode) else last)
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in children for part in pair]
        last = children[-1]
        # What the last value follows: the collection's start, and the end of every node
        # written before it (an alias's node is its anchor's, written earlier still).
        before = max((c.end_mark for c in children[:-1]), key=_index, default=node.start_mark)
        before = max(before, node.start_mark, key=_index)
        if last.start_mark.index < before.index:  # an alias: its node was written earlier
            return self._alias_end(_mark(before), node.end_mark.index)
        return self.end(last)

    def _alias_end(self, before: Position, limit: int) -> Position:
        """The end of the last alias between `before` and `limit`; `before` if there is none."""
        text = self.text
        found = None
        index = before.index
        while (index := _BETWEEN.match(text, index, limit).end()) < limit:
            if text.startswith("#", index):
                newline = text.find("\n", index, limit)
                index = limit if newline < 0 else newline
            elif text.startswith("*", index):
                index = found = _ALIAS.match(text, index, limit).end()
            else:
                break
        return before if found is None else self._after(before, found)

    def _after(self, start: Position, index: int) -> Position:
        """The position of `index`, counted from `start` before it."""
        text = self.text
        lines = text.count("\n", start.index, index)
        if not lines:
            return Position(index, start.line, start.column + index - start.index)
        line_start = text.rfind("\n", start.index, index) + 1
        return Position(index, start.line + lines, index - line_start)


def _newline(match: re.Match[str]) -> str:
    """A line break as one character: `\\r` before `\\n` a blank, any other a newline."""
    return " " if match.group(1) else "\n"
