"""No Python module of the project is over 400 lines (the developers' guide)."""

from __future__ import annotations

import os

from tests.conftest import ROOT

MAX_LINES = 400
PACKAGES = ("guardlint", "tests", "bench", "tools")


def _modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for directory, dirs, files in os.walk(ROOT / package):  # links not followed
            dirs[:] = [d for d in dirs if not d.startswith((".", "__pycache__"))]
            found += [os.path.join(directory, name) for name in files if name.endswith(".py")]
    return found


def test_no_module_is_over_400_lines() -> None:
    modules = _modules()
    assert len(modules) > 100
    too_long = {}
    for path in modules:
        with open(path, encoding="utf-8") as handle:
            count = sum(1 for _ in handle)
        if count > MAX_LINES:
            too_long[os.path.relpath(path, ROOT)] = count
    assert not too_long, f"split these modules: {too_long}"
