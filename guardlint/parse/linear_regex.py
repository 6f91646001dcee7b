"""Regular expressions run by RE2, which matches in time linear in the text.

Python's `re` backtracks: a pattern with adjacent or nested repetition can take quadratic or
exponential time on a crafted line. guardlint's own patterns are written so that `re` cannot
backtrack far (tests/hostile/test_linear_time.py); patterns guardlint does not write run on
RE2: a rule's `matches` (a repository's own policy is as hostile as its files) and
detect-secrets' detectors. A few of guardlint's rarely run patterns that `re` cannot match in
linear time run here too.

RE2 has no lookaround, backreferences, atomic groups or possessive quantifiers; its `\\d`, `\\w`,
`\\s` and `\\b` are ASCII (`\\pL`, `\\p{Nd}` name Unicode classes) and its `$` is the end of the
text (Python's also matches before a final newline). It is imported on first use only.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# `re` flags RE2 takes as inline flags; UNICODE is `re`'s default for text and means nothing.
_INLINE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))
_IGNORED_FLAGS = re.UNICODE


def compile_once(pattern: str | bytes, flags: int = 0) -> Any:
    """`pattern` compiled by RE2 (with `re` flags); ValueError when RE2 cannot run it. A bytes
    pattern searches UTF-8 bytes, whose offsets RE2 need not map back to characters. Not kept:
    for the many patterns of one input (a .dockerignore's), which the process need not hold."""
    import re2  # only for patterns guardlint does not write (startup)

    unsupported = flags & ~_IGNORED_FLAGS & ~sum(flag for flag, _ in _INLINE_FLAGS)
    if unsupported:
        raise ValueError(f"flags {re.RegexFlag(unsupported)!r} have no RE2 equivalent")
    inline = "".join(letter for flag, letter in _INLINE_FLAGS if flags & flag)
    options = re2.Options()
    options.log_errors = False  # the error is raised here; RE2 would also print it to stderr
    try:
        prefix = f"(?{inline})" if inline else ""
        source = prefix.encode() + pattern if isinstance(pattern, bytes) else prefix + pattern
        return re2.compile(source, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid pattern"
        text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
        raise ValueError(text) from None


# The patterns asked again and again (rules', detectors'), compiled once per process.
compile_linear = functools.cache(compile_once)
# The patterns a scanned file writes (a Dockerfile's `${A#glob}`, a webhook filter): the recent
# ones kept, never all a repository's (20,000 in one file held 31 MB for the whole scan).
compile_written = functools.lru_cache(maxsize=1024)(compile_once)


# The memory RE2 may give a set search's automaton: ample for a few dozen patterns, so that a
# search never fails for want of it (it would then report no pattern matching).
_SET_MEMORY = 64 << 20


@functools.cache
def compile_set(patterns: tuple[tuple[str, int], ...]) -> Any:
    """One RE2 search for several patterns (each with its `re` flags, as compile_once takes
    them): its Match(text) lists the places of those that match somewhere in the text, or is
    None. In time linear in the text, whatever the number of patterns; ValueError when RE2
    cannot run one."""
    import re2

    options = re2.Options()
    options.log_errors = False
    options.max_mem = _SET_MEMORY
    search = re2.Set.SearchSet(options)
    for pattern, flags in patterns:
        compile_once(pattern, flags)  # the pattern checked, and its flags, as on its own
        inline = "".join(letter for flag, letter in _INLINE_FLAGS if flags & flag)
        search.Add(f"(?{inline}){pattern}" if inline else pattern)
    search.Compile()
    return search
