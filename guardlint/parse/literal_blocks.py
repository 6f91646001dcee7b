"""Where the text of a YAML literal block (`|`) sits in its file: the block keeps its lines, so a
region of the text parsed on its own (a policy, a manifest, a patch written in a property or a
kustomization) is moved line by line to where it is written. Any other string (quoted, folded,
inside JSON) keeps no lines of its own: its readers place it at one region."""

from __future__ import annotations

import re
from collections.abc import Callable

from guardlint.model.documents import Region

# The value's first line: an optional tag (`!Sub`), then the literal-block indicator.
_LITERAL_BLOCK = re.compile(r"^(?:!\S+\s+)?\|[0-9+-]*\s*(?:#.*)?$")

Place = Callable[[Region], Region]


def literal_block_placer(region: Region, lines: list[str]) -> Place | None:
    """Where a region of the text sits in the file, line by line, when it is a literal block at
    `region`; None for a text that keeps no lines of its own."""
    first = region.start_line
    line = lines[first - 1][region.start_column - 1 :] if 0 < first <= len(lines) else ""
    if not _LITERAL_BLOCK.match(line.strip()):
        return None
    content = next((text for text in lines[first:] if text.strip()), "")
    indent = len(content) - len(content.lstrip(" "))

    def place(inner: Region) -> Region:
        return Region(
            first + inner.start_line,
            inner.start_column + indent,
            first + (inner.end_line or inner.start_line),
            None if inner.end_column is None else inner.end_column + indent,
        )

    return place
