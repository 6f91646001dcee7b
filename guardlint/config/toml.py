"""`[tool.guardlint]` in pyproject.toml: the table, and the lines its keys are on."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from guardlint.config.errors import ConfigError

TOML_TABLE = ("tool", "guardlint")


def parse_toml(path: str, text: str) -> dict[str, Any]:
    """A TOML document; its problems are ConfigErrors naming the line."""
    import tomllib  # only where there is a pyproject.toml to read

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_in_message(str(exc))
        raise ConfigError(f"{path}:{line}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def toml_table(path: str, text: str) -> tuple[dict[str, Any], Callable[..., int]]:
    """The `[tool.guardlint]` table and where each of its keys is written."""
    table: Any = parse_toml(path, text)
    lines = text.splitlines()
    for depth, name in enumerate(TOML_TABLE, 1):
        table = table.get(name, {})
        if not isinstance(table, dict):  # `[tool]` then `guardlint = 5`
            key = re.compile(rf"(^|[\s{{,.]){name}\s*=")
            line = next((i for i, written in enumerate(lines, 1) if key.search(written)), 1)
            raise ConfigError(
                f"{path}:{line}: {'.'.join(TOML_TABLE[:depth])} must be a table of keys "
                "(see `guardlint init`)"
            )
    header = next(
        (i for i, line in enumerate(lines) if line.strip().startswith("[tool.guardlint")), 0
    )

    def line_of(*keys: Any) -> int:
        # tomllib keeps no positions: find the key's first mention after our table header.
        line = header + 1
        for key in keys:
            pattern = re.compile(rf"""(^|[\s{{,."'\[]){re.escape(str(key))}(["'\].]|\s*=|\s*,|$)""")
            found = next((i for i in range(line - 1, len(lines)) if pattern.search(lines[i])), None)
            if found is None:
                break
            line = found + 1
        return line

    return table, line_of


def _line_in_message(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1
