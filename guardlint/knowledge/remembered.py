"""Results remembered for long texts, so that text repeated is read once: a long value that
YAML aliases repeat (`command: *a` in every service, a Lambda's `ZipFile: *a` in 40 functions)
is searched for secrets, or analysed by bandit, once. Each is Python work per match or per
node (microseconds); repeated, a linear search timed out (tests/hostile/linear_time_aliases.py)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

_K = TypeVar("_K", str, bytes)
_T = TypeVar("_T")


class LongTexts(Generic[_K, _T]):
    """Results for the texts searched last, up to `characters` of them in all (the oldest are
    forgotten first): aliases share one string, whose hash Python keeps, so finding it again
    costs nothing; a text rebuilt equal (words joined) costs one pass in C."""

    def __init__(self, work: Callable[[_K], _T], characters: int) -> None:
        self._work, self._room = work, characters
        self._held: OrderedDict[_K, _T] = OrderedDict()
        self._length = 0

    def __call__(self, text: _K) -> _T:
        if text in self._held:
            self._held.move_to_end(text)
            return self._held[text]
        result = self._held[text] = self._work(text)
        self._length += len(text)
        while self._length > self._room:
            forgotten, _ = self._held.popitem(last=False)
            self._length -= len(forgotten)
        return result
