"""libyaml's safe loader, for every YAML text guardlint reads (the pure-Python one when libyaml
is missing: about 10 times slower)."""

from __future__ import annotations

import yaml

try:
    LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    LOADER = yaml.SafeLoader
