"""Where a scan's config file is, and its bytes read as any input of the scanned repository is
(guardlint.parse.inputs: bounded, and confined to the scan root when it is inside it)."""

from __future__ import annotations

import os

from guardlint.config.errors import ConfigError
from guardlint.config.toml import parse_toml
from guardlint.parse.inputs import InputError, confinement, read_input

CONFIG_NAMES = (".guardlint.yaml", ".guardlint.yml")
PYPROJECT = "pyproject.toml"
# A config file is a few hundred bytes; a pyproject.toml a few kilobytes.
CONFIG_MAX_BYTES = 1024 * 1024


def find_config(root: str) -> str | None:
    """The config file that applies to a scan of `root`, if any.

    A `.guardlint.yaml` that is there in any form (a FIFO, a link out of the repository) is
    the config, and load_config says why it cannot be read. A pyproject.toml is one only when
    it holds `[tool.guardlint]`; one that cannot be parsed is another tool's problem unless it
    mentions guardlint, and then it is ours (a table we cannot read must not be ignored)."""
    for name in CONFIG_NAMES:
        path = os.path.join(root, name)
        if os.path.lexists(path):
            return path
    pyproject = os.path.join(root, PYPROJECT)
    if not os.path.lexists(pyproject):
        return None
    data = read_config(pyproject, root)
    try:
        document = parse_toml(pyproject, data.decode("utf-8"))
    except (UnicodeDecodeError, ConfigError) as exc:
        if b"guardlint" not in data:
            return None
        if isinstance(exc, UnicodeDecodeError):
            raise ConfigError(f"{pyproject}: config file is not UTF-8 text") from None
        raise
    if isinstance(document.get("tool"), dict) and "guardlint" in document["tool"]:
        return pyproject
    return None


def read_config(path: str, root: str | None) -> bytes:
    try:
        return read_input(path, CONFIG_MAX_BYTES, confinement(path, root))
    except InputError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.reason}") from None
