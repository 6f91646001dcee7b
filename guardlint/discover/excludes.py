"""`--exclude` / `exclude:` globs, compiled once into one matcher.

A path is excluded when a pattern (a trailing `/` ignored) matches the whole relative path, its
base name, or a directory the path lies under (`vendor` and `vendor/` exclude `vendor/a/b`).
fnmatch per pattern per path cost a Python call each, and past fnmatch's cache of compiled
patterns a compile each: a config of 90,000 patterns stalled discovery for hours. The config
caps them (guardlint.config), and the matcher is two regular expressions whatever their number.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable

# What a config may list (the command line is the user's): enough for any real tree.
MAX_PATTERNS = 1_000
MAX_PATTERN_LENGTH = 1_000


class Excludes:
    """Whether a path relative to the scan root (`/`-separated) is excluded."""

    def __init__(self, patterns: Iterable[str]) -> None:
        whole, named = [], []
        for pattern in (os.path.normcase(p.rstrip("/")) for p in patterns):
            named.append(fnmatch.translate(pattern))
            whole += [fnmatch.translate(pattern), fnmatch.translate(pattern + "/*")]
            whole.append(re.escape(pattern) + "/")  # a literal directory name, glob characters too
        self._whole = re.compile("|".join(whole)) if whole else None
        self._named = re.compile("|".join(named)) if named else None

    def __call__(self, rel_path: str) -> bool:
        if self._whole is None or self._named is None:
            return False
        rel_path = os.path.normcase(rel_path)
        name = rel_path.rsplit("/", 1)[-1]
        return bool(self._whole.match(rel_path) or self._named.match(name))
