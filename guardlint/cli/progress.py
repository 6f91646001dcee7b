"""A one-line progress display on stderr for long scans on a terminal.

Shown only when stderr is a TTY and the user did not ask for --quiet (`for_terminal`); it
redraws at most every REDRAW_SECONDS and erases itself when the scan ends, so the report that
follows (often on the same terminal) starts on a clean line.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

REDRAW_SECONDS = 0.1
_CLEAR = "\r\x1b[2K"


class Progress:
    """The engine's progress hook: (files done, total files, file outcome)."""

    def __init__(
        self,
        stream: TextIO,
        clock: Any = time.monotonic,
        pack_of_kind: Mapping[str, str] | None = None,
    ) -> None:
        self.stream = stream
        self.pack_of_kind = pack_of_kind or {}
        self.clock = clock
        self.started = clock()
        self.last_drawn: float | None = None
        self.drawn = False

    def __call__(self, done: int, total: int, outcome: Any) -> None:
        now = self.clock()
        if done < total and self.last_drawn is not None and now - self.last_drawn < REDRAW_SECONDS:
            return
        self.last_drawn = now
        kinds = getattr(outcome, "kinds", None) or ()
        packs = ", ".join(sorted({self.pack_of_kind.get(k, k) for k in kinds})) or "-"
        line = (
            f"guardlint: {done}/{total} files  {packs:<22.22}  {now - self.started:5.1f}s  "
            f"{outcome.rel_path}"
        )
        self.stream.write(_CLEAR + line[:120])
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write(_CLEAR)
            self.stream.flush()
            self.drawn = False


def shows_progress(quiet: bool, stream: TextIO | None = None) -> bool:
    """Whether a scan draws its progress line: on a terminal (stderr), unless quieted."""
    stream = stream or sys.stderr
    return not quiet and stream is not None and stream.isatty()  # None: stderr closed


def for_terminal(
    quiet: bool, stream: TextIO | None = None, rulebook: Any = None
) -> Progress | None:
    """A Progress on stderr when it is a terminal and output is not quieted, else None.

    With the rulebook, the line names the packs inspecting the file instead of its kinds."""
    stream = stream or sys.stderr
    if not shows_progress(quiet, stream):
        return None
    packs = rulebook.packs if rulebook is not None else []
    pack_of_kind = {kind: pack.name for pack in packs for kind in pack.kinds}
    return Progress(stream, pack_of_kind=pack_of_kind)
