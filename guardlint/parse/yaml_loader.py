"""libyaml's safe loader (the pure-Python one when libyaml is missing: about 10 times slower),
and plain data from trusted YAML: the built-in rule packs and data tables."""

from __future__ import annotations

from typing import Any

import yaml

try:
    LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    LOADER = yaml.SafeLoader


def load_plain(text: str) -> Any:
    """Plain data from a trusted YAML file (guardlint's own): libyaml, no regions."""
    return yaml.load(text, Loader=LOADER)
