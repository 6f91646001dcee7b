"""relative_path is os.path.relpath, whatever the spelling of the path and its root."""

from __future__ import annotations

import itertools
import os

import pytest

from guardlint.parse.inputs import relative_path

ROOTS = ["/r", "/r/x/..", "/r/./s", "/", "/r/", "r", ".", "/r//s"]
TAILS = ["f", "a/b", "", "a/../b", "a/../../etc", "./a", "a//b", "..", "a/.", "../r/f"]
TAILS += ["/a", "//a/b"]  # a doubled separator right after the root


@pytest.mark.parametrize(("root", "tail"), list(itertools.product(ROOTS, TAILS)))
def test_relative_path_equals_relpath(root: str, tail: str) -> None:
    for path in (os.path.join(root, tail), root + "/" + tail, "/elsewhere/" + tail):
        assert relative_path(path, root) == os.path.relpath(path, root), (path, root)
