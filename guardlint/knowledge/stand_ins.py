"""Stand-ins for the modules a library imports but uses on no path guardlint takes, while the
library is imported: its import then does not pay for theirs. What the library later reads
from a stand-in is the real module's, imported then, so a path we did not foresee runs as
before, only without the saving.

Each library's stand-ins are checked against the names it imports from those modules, and how
it uses them, by a test of its own reading the installed release's source
(tests/library_imports.py): a release that uses them differently fails it, not a scan."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any


class Deferred(ModuleType):
    """Stands in for the module of its name; `bound` are the names the library binds from it
    at its import (`from module import name`), each a stand-in of its own."""

    def __init__(self, name: str, *bound: str) -> None:
        super().__init__(name)
        for attribute in bound:
            setattr(self, attribute, _deferred_class(name, attribute))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or sys.modules.get(self.__name__) is self:
            raise AttributeError(name)  # the import system's questions, asked while we stand in
        return getattr(importlib.import_module(self.__name__), name)


def _deferred_class(module: str, name: str) -> type:
    """Stands for module.name in annotations; called, it makes the real class's instance."""

    def real_instance(_: type, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return type(name, (), {"__new__": real_instance, "__module__": module})


@contextlib.contextmanager
def standing_in(*modules: Deferred) -> Iterator[None]:
    """Each of `modules` in sys.modules under its name while the block runs, unless the real
    one is imported already; taken out after, so that a later import gets the real one."""
    placed = [
        module for module in modules if sys.modules.setdefault(module.__name__, module) is module
    ]
    try:
        yield
    finally:
        for module in placed:
            if sys.modules.get(module.__name__) is module:
                del sys.modules[module.__name__]
