"""A build context's ignore file (.dockerignore) as Docker reads it (moby/patternmatcher): a
pattern per line, `#` lines skipped, spaces around trimmed, each cleaned like Go's
filepath.Clean and made relative to the context (`/secrets` is `secrets`); `!` makes an
exception. A path is excluded when the last pattern that matches it, or one of the
directories above it, is not an exception. A pattern reads as filepath.Match reads it (`*`,
`?`, `[...]`, `\\`; none crosses `/`), and `**` takes in any number of directories.

Patterns are the repository's text and so are the paths asked about: each pattern is
translated as moby translates it into a regular expression and run on RE2 (linear in the
text), compiled when first needed, and one file's questions spend at most WORK on compiling
and matching (each direction above a path is matched too): past it, nothing more is excluded.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from typing import Any

from guardlint.model.documents import SourceFile
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.linear_regex import compile_once

# Characters a pattern spends matching or compiling (a compile counts COMPILE_COST more): a
# .dockerignore of a few dozen patterns asked about a few dozen paths spends a few hundred
# thousand.
WORK = 3_000_000
COMPILE_COST = 1_000
MATCH_COST = 64
_ESCAPED = frozenset(".+()|{}$")  # literal in filepath.Match, special in a regular expression
MAX_BYTES = 1_000_000  # a .dockerignore is a few lines of patterns
_NEVER = object()  # a pattern RE2 cannot compile (Docker refuses the build): matches nothing


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class _Pattern:
    text: str
    exception: bool
    compiled: Any = None  # None until first needed


def _clean(pattern: str) -> str:
    """filepath.Clean, then relative to the context: Go folds leading slashes into one."""
    cleaned = posixpath.normpath(pattern)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned[1:] if len(cleaned) > 1 and cleaned.startswith("/") else cleaned


def _expression(pattern: str) -> str:
    """The regular expression moby's patternmatcher makes of a cleaned pattern."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*" and pattern.startswith("*", index):
            index += 1 + pattern.startswith("/", index + 1)  # `**/` is `**`
            parts.append(".*" if index >= len(pattern) else "(.*/)?")
        elif char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char in _ESCAPED:
            parts.append("\\" + char)
        elif char == "\\" and index < len(pattern):
            parts.append("\\" + pattern[index])
            index += 1
        elif char == "\\":
            parts.append("\\")  # a trailing `\`, which neither Docker nor RE2 compiles
        else:
            parts.append(char)
    return "".join(parts)


class DockerIgnore:
    """The patterns of one ignore file, and what they exclude from the build context."""

    def __init__(self, text: str) -> None:
        self.patterns: list[_Pattern] = []
        for line in text.removeprefix("\ufeff").split("\n"):
            if line.startswith("#"):
                continue
            pattern = line.strip()
            exception = pattern.startswith("!")
            pattern = pattern[1:].strip() if exception else pattern
            if pattern or exception:  # `!` alone excepts "", which names no file
                self.patterns.append(_Pattern(_clean(pattern) if pattern else "", exception))
        self.work = WORK

    def excludes(self, path: str) -> bool:
        """Whether the context's path (as COPY names a source: `./a/b`, `/a/b`) is left out;
        a source with wildcards is asked about as written (`*.pem` is left out by `*.pem`)."""
        relative = _clean(path)
        if relative in (".", "/", "..") or relative.startswith("../"):
            return False
        # The path's directories from the top (`a`, `a/b`), then the path itself.
        ends = [i for i, char in enumerate(relative) if char == "/"] + [len(relative)]
        for pattern in reversed(self.patterns):
            for end in ends:
                if self._matches(pattern, relative, end):
                    return not pattern.exception
                if self.work < 0:
                    return False
        return False

    def _matches(self, pattern: _Pattern, path: str, end: int) -> bool:
        if pattern.compiled is None:
            self.work -= COMPILE_COST + len(pattern.text)
            try:
                pattern.compiled = compile_once(_expression(pattern.text))
            except ValueError:
                pattern.compiled = _NEVER
        if pattern.compiled is _NEVER or self.work < 0:
            return False
        self.work -= MATCH_COST + end
        return pattern.compiled.fullmatch(path, 0, end) is not None


def read_dockerignore(
    dockerfile: SourceFile, context: str | None = None
) -> tuple[str, DockerIgnore] | None:
    """The ignore file that applies when `context` (None: the Dockerfile's directory) is the
    build context (its name and patterns), read like every input (bounded, inside the scan
    root, recorded for the result cache); None when there is none, it has no pattern, or it
    is not read (past MAX_BYTES, linked out of the root, not a regular file: then nothing is
    taken as left out, a rule judges every file the context holds)."""
    directory = os.path.dirname(dockerfile.path)
    name = os.path.basename(dockerfile.path)
    root = directory if context is None else context
    # BuildKit uses <Dockerfile>.dockerignore beside the Dockerfile instead of the context's
    # .dockerignore when it exists; Podman and Buildah read .containerignore. The first file
    # found is the one that applies.
    candidates = (
        (directory, f"{name}.dockerignore"),
        (root, ".dockerignore"),
        (root, ".containerignore"),
    )
    for where, candidate in candidates:
        try:
            data = read_input(os.path.join(where, candidate), MAX_BYTES, dockerfile.root)
        except InputError as exc:
            if exc.missing:
                continue
            # It is there but not read (too large, a link out of the scan root, a FIFO): the
            # context is taken unfiltered, not with the next file's patterns, which may leave
            # out more.
            return None
        ignore = DockerIgnore(data.decode("utf-8", "replace"))
        shown = os.path.relpath(os.path.join(where, candidate), directory)
        return (shown, ignore) if ignore.patterns else None
    return None
