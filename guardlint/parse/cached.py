"""`cached`: functools.cached_property without the lock Python 3.11 takes.

Python 3.11's cached_property takes one lock, shared by all the instances of the class, on
each first read of each instance (3.12 dropped it): 1.2 microseconds a read, against 0.5. A
scan reads a Dockerfile instruction's region, words, variables and script once each for every
instruction (2,461 first reads for the corpus's 35 Dockerfiles, 250,000 for a file of 50,000
instructions) and a long script's commands once each for their program. guardlint scans in one
thread per process: nothing is computed twice for want of the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class cached(Generic[T]):
    """A property computed on its first read and kept in the instance's __dict__, which is
    read first from then on."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self._compute, self._name, self.__doc__ = compute, compute.__name__, compute.__doc__

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:  # read on the class
            return self  # type: ignore[return-value]
        value = instance.__dict__[self._name] = self._compute(instance)
        return value
