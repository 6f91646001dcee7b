"""The data tables the rules read (guardlint/data/*.yaml, package data, each with its source and
date): end-of-life and non-root base images, deprecated Lambda runtimes, removed Kubernetes API
versions. One loader for all of them, from a source checkout or an installed wheel alike."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from guardlint.parse.yaml_loader import load_plain


@functools.cache  # read once per process; callers must not change what it returns
def load_table(name: str) -> Any:
    """The table in guardlint/data/NAME (package data, beside the package's modules)."""
    data = Path(__file__).resolve().parent.parent / "data" / name
    return load_plain(data.read_text(encoding="utf-8"))
