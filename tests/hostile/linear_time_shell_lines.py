"""Linear-time cases of long shell lines (tests/hostile/test_linear_time.py): Dockerfile RUN
lines as long as a line may be, of thousands of commands each, every one read by several
rules. A rule that reads the whole script again for each command it judges is quadratic in a
line; the rest must stay linear with a small cost per word."""

from __future__ import annotations

from tests.hostile.linear_time_dockerfile_commands import DOCKERFILE_COMMAND_CASES

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)


def _runs(piece: str, count: int) -> str:
    """A Dockerfile of `count` RUN lines, each `piece` repeated to the longest line allowed."""
    line = piece * ((_LONG - 10) // len(piece))
    return "FROM python:3.12-slim\n" + f"RUN {line}true\n" * count + "USER app\n"


SHELL_LINE_CASES = {
    # Each `apt-get install` looked for the removal of the package lists in every command of
    # its RUN (installs x commands: minutes for one line); now once per RUN.
    "dockerfile-apt-installs-along-long-runs": (
        "Dockerfile",
        _runs("apt-get install -y --no-install-recommends p && ", 2),
        "DKR012",
    ),
    # Words, `&&`, pipes, quotes and variables along 2 MB of RUN lines, read by every rule
    # on RUN commands (an apt-get install in each piece, read as above).
    "dockerfile-long-shell-lines": (
        "Dockerfile",
        _runs(
            'apt-get install -y "pkg-$VER" libfoo && curl -fsSL https://x.io/a | tar xz -C /opt'
            " && echo 'done $X' ; ",
            20,
        ),
        "DKR012",
    ),
    **DOCKERFILE_COMMAND_CASES,
}
