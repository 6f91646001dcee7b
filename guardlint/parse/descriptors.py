"""Directory descriptors kept open between uses, a bounded number of them: a scan reads files
one directory after the other (guardlint.parse.inputs), and the result cache reads and writes
entries in 256 shard directories (guardlint.engine.result_cache). All of them open would take
most of the 256 descriptors macOS gives a process."""

from __future__ import annotations

import os
from collections.abc import Hashable


class KeptDescriptors:
    """Descriptors by key; the `size` used last stay open, the others are closed.

    Callers walk down a tree, opening each directory from its parent's descriptor: the parent
    is always the last used but one when its child is kept, so it is never the one closed."""

    def __init__(self, size: int) -> None:
        self.size = max(2, size)
        self._open: dict[Hashable, int] = {}

    def get(self, key: Hashable) -> int | None:
        """The descriptor kept under `key`, now the last used; None when there is none."""
        descriptor = self._open.pop(key, None)
        if descriptor is not None:
            self._open[key] = descriptor
        return descriptor

    def keep(self, key: Hashable, descriptor: int) -> int:
        """Keep `descriptor` under `key` as the last used, closing the one used longest ago
        beyond `size`; returns `descriptor`."""
        self._open[key] = descriptor
        if len(self._open) > self.size:
            os.close(self._open.pop(next(iter(self._open))))
        return descriptor

    def close(self) -> None:
        """Close every descriptor kept."""
        for descriptor in self._open.values():
            os.close(descriptor)
        self._open.clear()

    def forget(self) -> None:
        """Drop every descriptor without closing it (a forked process's copies of its
        parent's, which the parent closes)."""
        self._open.clear()
