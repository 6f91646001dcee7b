"""Which of a list of line spans is the first to overlap each of many others, in n log n.

Asking every span in turn for every query takes time in the product of the two counts: a file
with thousands of suppressions and thousands of findings would stall on it.
"""

from __future__ import annotations

import bisect

Span = tuple[int, int]  # first and last line, inclusive


def first_overlapping(spans: list[Span], queries: list[Span]) -> list[int | None]:
    """For each query, the lowest index of a span that shares a line with it, or None.

    The queries are answered in order of their last line, so that the spans that begin by
    then are known; of those, the ones that end at or after the query's first line overlap
    it. A Fenwick tree over the spans' last lines, largest first, keeps the lowest index
    among those ending at or after any line."""
    ends = sorted({last for _, last in spans})
    tree: list[int | None] = [None] * (len(ends) + 1)

    def ending_from(line: int) -> int:
        """The tree position counting the distinct last lines at or after `line`."""
        return len(ends) - bisect.bisect_left(ends, line)

    def add(position: int, index: int) -> None:
        while position < len(tree):
            current = tree[position]
            tree[position] = index if current is None else min(current, index)
            position += position & -position

    def lowest(position: int) -> int | None:
        found: int | None = None
        while position > 0:
            current = tree[position]
            if current is not None and (found is None or current < found):
                found = current
            position -= position & -position
        return found

    by_start = sorted(range(len(spans)), key=lambda index: spans[index][0])
    answers: list[int | None] = [None] * len(queries)
    added = 0
    for query in sorted(range(len(queries)), key=lambda index: queries[index][1]):
        first, last = queries[query]
        while added < len(by_start) and spans[by_start[added]][0] <= last:
            index = by_start[added]
            add(ending_from(spans[index][1]), index)
            added += 1
        answers[query] = lowest(ending_from(first))
    return answers
