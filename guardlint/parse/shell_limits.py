"""The shell commands of a file's scripts (a Dockerfile's RUNs, a buildspec's phases), read in
order up to one limit for the whole file."""

from __future__ import annotations

from collections.abc import Sequence

from guardlint.parse.shell import Command, run_commands
from guardlint.parse.text import ParseError

# The shell commands read in one file's scripts (their substitutions and `sh -c` scripts
# included): real files run hundreds; 5 MB of `x;x;x;...` is 2.4 million, each read by every
# rule on commands (minutes). Those past it are not read, and a note says so.
MAX_SHELL_COMMANDS = 100_000


def commands_within_limit(
    scripts: Sequence[tuple[str | None, int]], place: str
) -> tuple[list[list[Command]], list[ParseError]]:
    """The commands of each script (its text, or None for none, and its line), in order, at
    most MAX_SHELL_COMMANDS in all: a script past the limit has none, and a problem says where
    the reading stopped (`place`: where the scripts are written, for its message)."""
    left = MAX_SHELL_COMMANDS
    read: list[list[Command]] = []
    problems: list[ParseError] = []
    for text, line in scripts:
        found = run_commands(text, limit=left + 1) if text else []
        if len(found) > left and not problems:
            reason = (
                f"more than {MAX_SHELL_COMMANDS:,} shell commands in {place}; "
                "the commands from here on were not analyzed"
            )
            problems.append(ParseError(reason, line))
        read.append(found[:left])
        left -= len(read[-1])
    return read, problems
