"""Verdicts remembered while one file is scanned, and forgotten when its scan ends.

Several rules judge the same texts of a file: a Dockerfile's ENV line is searched for secrets
by DKR004 as its instruction and by SEC001 as its line; a ConfigMap's `password7: ...` is
judged a literal secret by K8S014 under its key and by SEC001 as the line's setting. A file of
100,000 different secrets is more texts than a bounded cache holds, and each rule went through
them all before the next began: every verdict was worked out twice. Held for the file alone,
they cost memory in proportion to the file (guardlint.config.limits), and never outlive it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

_HELD: list[dict[Any, Any]] = []
_T = TypeVar("_T")
_MISSING = object()


def file_memo() -> dict[Any, Any]:
    """A dict of verdicts the engine empties after each file (forget_file)."""
    memo: dict[Any, Any] = {}
    _HELD.append(memo)
    return memo


def forget_file() -> None:
    """Forget every verdict remembered for the file just scanned."""
    for memo in _HELD:
        memo.clear()


class Remembered(Generic[_T]):
    """A function's results, each worked out once: every one for the file being scanned,
    however many (forgotten with the file, file_memo), and the last `across_files` of them for
    the files after it (texts common to many files: `Type: String`, `2012-10-17`)."""

    def __init__(self, function: Callable[..., _T], across_files: int) -> None:
        self._across_files = functools.lru_cache(maxsize=across_files)(function)
        self._file = file_memo()

    def __call__(self, *key: Hashable) -> _T:
        found = self._file.get(key, _MISSING)
        if found is _MISSING:
            found = self._file[key] = self._across_files(*key)
        return found  # type: ignore[return-value]

    def held_for_file(self) -> int:
        """How many results the file being scanned holds."""
        return len(self._file)

    def cache_clear(self) -> None:
        """Forget every result (tests)."""
        self._file.clear()
        self._across_files.cache_clear()
