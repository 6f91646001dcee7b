"""Where the parts of one owner (a Compose service, a Kubernetes container) are used, when a YAML
alias or merge key brings them from elsewhere.

guardlint.parse.yaml_nodes shares an aliased map or list, never copies it, so its regions are
where it is written: at its anchor, inside some other owner or a `x-` block. A finding about
an owner that uses it belongs at the use (`b: *a`, `env: *env`, `- *item`, the `<<` line), once
per owner, so that each owner's finding points into that owner. An alias always comes after its
anchor in the text, so a value that starts before its key (or a list item that starts before
the end of the item before it) is brought by an alias.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator
from typing import Any

from guardlint.model.documents import Document, Region
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.located import YamlMap, YamlSeq, hashable, region_of

_ANCHOR = LazyPattern(r"&([^\s,\[\]{}]+)")
_ANCHOR_BEFORE = LazyPattern(r"&([^\s,\[\]{}]+)\s+$")
_WORD = LazyPattern(r"[^\s,\[\]{}]+")  # where an `&name` or `*name` ends

Position = tuple[int, int]
# A map or list's id -> (it, its children an alias brings -> their use site).
SharedUses = dict[int, tuple[Any, dict[Any, Region]]]


def _start(region: Region) -> Position:
    return region.start_line, region.start_column or 1


def _end(region: Region) -> Position:
    return region.end_line, region.end_column or sys.maxsize


def encloses(outer: Region, inner: Region) -> bool:
    """Whether `inner` starts inside `outer` (an end column None is the end of its line)."""
    return _start(outer) <= _start(inner) < _end(outer)


def _written(container: Any, key: Any) -> Region | None:
    """Where `container[key]` is written: a map or list its own region, a scalar its value's."""
    value = container[key]
    own = getattr(value, "region", None) if isinstance(value, (YamlMap, YamlSeq)) else None
    if own is not None:
        return own
    if isinstance(container, YamlMap):
        return container.value_regions.get(key)
    return container.item_region(key) if isinstance(container, YamlSeq) else None


class UseSites:
    """The use sites of the aliased parts of an owner of `document`, `parent[key]` (or `root`,
    the document's whole data), found on first use (a walk of the owner's tree, each shared
    node once)."""

    def __init__(
        self,
        document: Document,
        parent: Any = None,
        key: Any = None,
        shared: SharedUses | None = None,
        root: Any = None,
    ) -> None:
        """`shared`: what the owners of one document (the services of one file) share, so that
        their common parent is read once, not once per owner."""
        self._parent, self._key, self._lines, self._root = parent, key, document.lines, root
        self._anchored = document.may_alias
        # Where each aliased part is written -> its first use (one anchor used by thousands of
        # items is one entry), found once per owner for all the rules of the document.
        self._brought: _Brought | None = None if self._anchored else _NOTHING_BROUGHT
        self._known = document.once(_KNOWN, _Known) if self._anchored else None
        self._uses: SharedUses = (
            shared if shared is not None or self._known is None else self._known.uses
        )

    def locate(self, region: Region) -> Region:
        """`region`, or the use site of the aliased part of the owner written there."""
        if self._brought is None:
            self._brought = self._owner_brought()
        return self._brought.use_of(region)

    def value_region(self, holder: Any, key: Any) -> Region | None:
        """Where the value `holder[key]` is used: the alias (`value: *token`, `- *item`) when
        one brings it, even from the owner's own text; else where it is written, located."""
        used = self._brought_children(holder).get(key) if hashable(key) else None
        if used is not None:
            return used
        if isinstance(holder, YamlMap):
            return self.locate(holder.value_region(key))
        found = region_of(holder, key)
        return self.locate(found) if found is not None else None

    def own_site(self) -> Region | None:
        """Where the owner is used when it is itself an alias (`b: *a`, `- *container`)."""
        if self._parent is None:
            return None
        return self._brought_children(self._parent).get(self._key)

    def _brought_children(self, node: Any) -> dict[Any, Region]:
        """The children of `node` an alias or merge key brings, with their use sites (found
        once per node: a list's are found in one pass)."""
        if not self._anchored:
            return {}  # a text without an anchor has no alias
        known = self._uses.get(id(node))
        if known is None or known[0] is not node:
            known = self._uses[id(node)] = (
                node,
                {key: used for key, used in self._children(node) if used is not None},
            )
        return known[1]

    def _owner_brought(self) -> _Brought:
        """_walk()'s answer, indexed: the same owner (a service that every rule reads) is
        walked once per document, not once per rule."""
        assert self._known is not None
        owner = self._root if self._parent is None else self._parent
        if self._parent is not None and not hashable(self._key):
            return _Brought(self._walk())
        walks = self._known.walks
        key = (id(owner), self._key if self._parent is not None else _ROOT)
        known = walks.get(key)
        if known is None or known[0] is not owner:
            known = walks[key] = (owner, _Brought(self._walk()))
        return known[1]

    def _walk(self) -> dict[Region, Region]:
        brought: dict[Region, Region] = {}
        own = self.own_site()
        root = self._root if self._parent is None else self._parent[self._key]
        if own is not None:  # the whole owner is an alias: every finding is at its use
            written = _written(self._parent, self._key)
            return {written: own} if written is not None else {}
        # What the owner's own text holds is written where it is used, even when an alias in
        # the owner uses it again (that use cannot be told from the first by its region).
        extent = getattr(root, "region", None)
        seen: set[int] = set()
        stack: list[Any] = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen or not isinstance(node, (YamlMap, YamlSeq)):
                continue
            seen.add(id(node))
            for key, used in self._children(node):
                written = _written(node, key)
                if used is None:
                    stack.append(node[key])
                elif written is not None and not (extent and encloses(extent, written)):
                    brought.setdefault(written, used)  # all below it is at this use too
        return brought

    def _children(self, node: Any) -> Iterator[tuple[Any, Region | None]]:
        """(key or index, use site when an alias or merge key brings it, else None) of each
        child of a map or list."""
        if isinstance(node, YamlMap):
            for key in node:
                written, at = _written(node, key), node.key_region(key)
                brought = key in node.merged_keys or (
                    written is not None and _start(written) < _start(at)
                )
                yield key, at if brought else None
        elif isinstance(node, YamlSeq):
            after = _start(node.region)
            for index in range(len(node)):
                written = _written(node, index)
                if written is None or _start(written) >= after:
                    after = _end(written) if written is not None else after
                    yield index, None
                    continue
                used = self._alias_after(written, after) or Region(after[0])
                after = _end(used)
                yield index, used

    def _alias_after(self, written: Region, after: Position) -> Region | None:
        """Where `*name` of the anchor `&name` at the start of `written` is first written
        after `after` (a list item that is an alias)."""
        sites, length = _aliases(self._lines).of_anchor(
            written.start_line, (written.start_column or 1) - 1
        )
        line, column = after
        index = bisect.bisect_left(sites, (line, column or 1))
        if index == len(sites):
            return None
        line, column = sites[index]
        return Region(line, column, line, column + 1 + length)

    def _line(self, line: int) -> str:
        return self._lines[line - 1] if 1 <= line <= len(self._lines) else ""


class _Brought:
    """Where the aliased parts of an owner are written -> their use: the first of them (in the
    walk's order) whose text encloses the start of a region. The text is cut at every part's
    start and end, each piece given the first part that covers it (each piece once: a piece
    given is skipped, as in a union-find), and a region's piece found by bisection: a scan of
    all the parts for each lookup cost (owners x lookups x merged keys) on a merged block of
    many keys used by thousands of services."""

    __slots__ = ("_cuts", "_uses")

    def __init__(self, brought: dict[Region, Region]) -> None:
        spans = [(_start(written), _end(written), used) for written, used in brought.items()]
        self._cuts = sorted({cut for start, end, _ in spans for cut in (start, end)})
        # The use of the piece from cut i to cut i + 1 (None: no part covers it).
        self._uses: list[Region | None] = [None] * len(self._cuts)
        following = list(range(len(self._cuts)))  # the first piece from i not given yet

        def next_free(piece: int) -> int:
            root = piece
            while following[root] != root:
                root = following[root]
            while following[piece] != root:  # shortened for the next lookups
                following[piece], piece = root, following[piece]
            return root

        for start, end, used in spans:  # in the walk's order: the first part wins
            last = bisect.bisect_left(self._cuts, end)
            piece = next_free(bisect.bisect_left(self._cuts, start))
            while piece < last:
                self._uses[piece] = used
                following[piece] = piece + 1
                piece = next_free(piece + 1)

    def use_of(self, region: Region) -> Region:
        """`region`'s use site, or `region` when no aliased part encloses it."""
        if not self._cuts:
            return region
        piece = bisect.bisect_right(self._cuts, _start(region)) - 1
        used = self._uses[piece] if piece >= 0 else None
        return region if used is None else used


_NOTHING_BROUGHT = _Brought({})


class _Known:
    """What the use sites of one document's owners share, kept in its Document.meta for all
    its rules: the aliased children of each map and list, and each owner's walk."""

    __slots__ = ("uses", "walks")

    def __init__(self) -> None:
        self.uses: SharedUses = {}
        # (the owner's parent's id, its key) or (the root's id, _ROOT) -> (parent or root,
        # what its walk found).
        self.walks: dict[tuple[int, Any], tuple[Any, _Brought]] = {}


_KNOWN = "use_sites"  # Document.meta key of a document's _Known
_ROOT = object()  # the key of a walk from a document's root


def _anchor_before(line_text: str, start: int) -> re.Match[str] | None:
    """`&name` and blanks just before column `start` (0-based): `_ANCHOR_BEFORE` searched in
    the last word only, where a match must start (searched from the start of the line, it
    read from every `&` to the end of its word: quadratic in a long line)."""
    end = start
    while end and line_text[end - 1].isspace():
        end -= 1
    begin = end
    while begin and not (line_text[begin - 1].isspace() or line_text[begin - 1] in ",[]{}"):
        begin -= 1
    return _ANCHOR_BEFORE.search(line_text, begin, start) if end < start else None


class _Aliases:
    """Where each `*name` of a text is written, read in one pass: `name` is what follows a `*`
    to the end of its word, so a word `*a*b` holds `*a*b` and `*b`. Names are kept as chains
    of the parts between their `*`s, so a word of many `*`s costs its length, not its square.
    Each item that is an alias looks its anchor's up (a search of the text from the item
    before, for each item, read the whole rest of the text when the name was not there)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._chains: dict[Any, int] = {}  # the last part, or (a part, the rest's chain)
        self._sites: dict[int, list[Position]] = {}  # chain -> (line, column of the `*`)
        self._anchors: dict[Position, tuple[list[Position], int]] = {}
        for number, text in enumerate(lines, start=1):
            for word in _WORD.finditer(text):
                if "*" in word.group():
                    self._read(number, word)

    def _read(self, number: int, word: re.Match[str]) -> None:
        value, chain, end = word.group(), None, len(word.group())
        while (star := value.rfind("*", 0, end)) >= 0:
            part = value[star + 1 : end]
            key = part if chain is None else (part, chain)
            chain = self._chains.setdefault(key, len(self._chains))
            self._sites.setdefault(chain, []).append((number, word.start() + star + 1))
            end = star

    def of_anchor(self, line: int, start: int) -> tuple[list[Position], int]:
        """Where the aliases of the anchor at (or just before) column `start` (0-based) of
        `line` are written, in order, as `\\*name(?![^\\s,\\[\\]{}])` searched line by line
        would find them, and the length of its name (nothing when there is no anchor)."""
        known = self._anchors.get((line, start))
        if known is None:
            text = self._lines[line - 1] if 1 <= line <= len(self._lines) else ""
            anchor = _ANCHOR.match(text, start) or _anchor_before(text, start)
            known = self._anchors[line, start] = (
                ([], 0) if anchor is None else (self._named(anchor.group(1)), len(anchor[1]))
            )
        return known

    def _named(self, name: str) -> list[Position]:
        *parts, last = name.split("*")
        chain = self._chains.get(last)
        for part in reversed(parts):
            chain = None if chain is None else self._chains.get((part, chain))
        return self._sites.get(chain, []) if chain is not None else []


_last_aliases: tuple[list[str], _Aliases] | None = None


def _aliases(lines: list[str]) -> _Aliases:
    """The aliases of `lines`, read once for all the documents of one text (a List's items
    share their file's lines)."""
    global _last_aliases
    known = _last_aliases
    if known is None or known[0] is not lines:
        known = _last_aliases = (lines, _Aliases(lines))
    return known[1]


def located(sites: UseSites | None, holder: Any, key: Any = None) -> Region | None:
    """region_of(holder, key), at its use site when an alias brings it."""
    found = region_of(holder, key)
    return sites.locate(found) if sites is not None and found is not None else found
