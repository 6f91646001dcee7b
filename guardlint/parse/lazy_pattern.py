"""Regular expressions compiled when first used, not when their module is imported.

`re` parses and compiles a pattern in Python: 0.1 to 5 ms each. Every process that starts a
scan (a pre-commit run, each worker) imports a few hundred module-level patterns and, on most
inputs, runs only half of them: a file with no secret never asks whether a value is a
placeholder. The patterns that many scans never run are kept here instead of compiled at
import: a scan of one Dockerfile runs about 14% fewer instructions.
"""

from __future__ import annotations

import re
from typing import Any

# What is asked of a compiled pattern: read from it once, then from the instance's dictionary,
# at the cost of any other attribute of a module-level pattern.
_ATTRIBUTES = (
    "match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split",
    "pattern", "flags", "groups", "groupindex",
)  # fmt: skip


class LazyPattern:
    """`re.compile(pattern, flags)`, compiled the first time one of its attributes is read;
    used as the compiled pattern would be (its methods and attributes, not `re.sub(it, ...)`)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)  # not the pattern's: `_source` before __init__ ran
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self._compiled = re.compile(*self._source)
            for attribute in _ATTRIBUTES:
                setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __reduce__(self) -> tuple[type[LazyPattern], tuple[str, int]]:
        return LazyPattern, self._source

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[0]!r}, {self._source[1]!r})"
