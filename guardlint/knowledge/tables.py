"""The data tables the rules read (guardlint/data/*.yaml, package data, each with its source and
date): end-of-life and non-root base images, deprecated Lambda runtimes, removed Kubernetes API
versions. One loader for all of them, from a source checkout or an installed wheel alike."""

from __future__ import annotations

import functools
import os
from typing import Any

from guardlint.parse.yaml_loader import load_plain


@functools.cache  # read once per process; callers must not change what it returns
def load_table(name: str) -> Any:
    """The table in guardlint/data/NAME (package data, beside the package's modules)."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    with open(os.path.join(package, "data", name), encoding="utf-8") as table:
        return load_plain(table.read())
