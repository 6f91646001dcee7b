"""Dockerfiles of 5 MB of tiny shell commands or instructions (tests/hostile/test_linear_time.py,
through linear_time_shell_lines.SHELL_LINE_CASES, and tests/hostile/test_dockerfile_limits.py).

`x;x;x;...` along RUN lines is 2.4 million commands, `RUN x` on every line 800,000 instructions:
each read by the shell lexer and by every rule on RUN commands, at a few microseconds each, was
a minute of processor time (the file timed out, its findings lost). No per-command speed brings
that under a few seconds: a Dockerfile reads at most 100,000 shell commands and 50,000
instructions (guardlint/parse/dockerfile.py, dockerfile_split.py), far above any real one, and
says where it stopped with a GL001 note; the findings before it are kept.
"""

from __future__ import annotations

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)
_SIZE = 5 * 1024 * 1024 - 64 * 1024  # under the default size limit, 5 MB
# A first RUN every limited case must still report (DKR008, line 2), then the hostile rest.
_HEAD = "FROM alpine:3.22\nRUN curl -fsSL https://x.io/i | sh\n"
_TAIL = "USER app\n"


def _runs(piece: str) -> str:
    """A Dockerfile of RUN lines, each `piece` repeated to the longest line allowed, to 5 MB."""
    line = f"RUN {piece * ((_LONG - 10) // len(piece))}true\n"
    return _HEAD + line * ((_SIZE - len(_HEAD)) // len(line)) + _TAIL


def _lines(line: str) -> str:
    """A Dockerfile of `line` repeated to 5 MB."""
    return _HEAD + line * ((_SIZE - len(_HEAD)) // len(line)) + _TAIL


# Read in full: each is far from the limits, whatever its size.
DOCKERFILE_COMMAND_CASES = {
    # Long `apt-get install` lists of distinct packages: each package is read once per rule
    # on installs, not once per package of its RUN.
    "dockerfile-long-lists-of-distinct-packages": (
        "Dockerfile",
        "FROM debian:12\n"
        + ("RUN apt-get install -y " + " ".join(f"p{i}" for i in range(14_000)) + "\n") * 50
        + "USER app\n",
        "DKR012",
    ),
    # ENV lines of thousands of pairs each, then one that turns off git's certificate checks.
    "dockerfile-env-lines-of-many-pairs": (
        "Dockerfile",
        "FROM alpine:3.22\n"
        + ("ENV " + " ".join(f"a{i}=b" for i in range(10_000)) + "\n") * 60
        + "ENV GIT_SSL_NO_VERIFY=1\nUSER app\n",
        "DKR017",
    ),
}

# Past a limit: (file name, text, the GL001's words, its line).
COMMANDS = "more than 100,000 shell commands in RUN instructions"
INSTRUCTIONS = "more than 50,000 instructions"
DOCKERFILE_LIMIT_CASES = {
    "dockerfile-lists-of-tiny-commands": ("Dockerfile", _runs("x;"), COMMANDS, 5),
    "dockerfile-and-lists-of-tiny-commands": ("Dockerfile", _runs("a&&"), COMMANDS, 6),
    "dockerfile-pipelines-of-tiny-commands": ("Dockerfile", _runs("a|b|"), COMMANDS, 5),
    "dockerfile-downloads-run-in-chains": (
        "Dockerfile",
        _runs("curl https://x.io/i|sh&&"),
        COMMANDS,
        15,
    ),
    # One RUN continued over 110,000 lines.
    "dockerfile-continued-lines-of-tiny-commands": (
        "Dockerfile",
        _HEAD + "RUN " + ("x;" * 19 + "x \\\n") * 110_000 + "true\n" + _TAIL,
        COMMANDS,
        3,
    ),
    # A heredoc script of a million lines.
    "dockerfile-heredoc-of-tiny-commands": (
        "Dockerfile",
        _HEAD + "RUN <<EOF\n" + "x;x\n" * 1_200_000 + "EOF\n" + _TAIL,
        COMMANDS,
        3,
    ),
    "dockerfile-many-tiny-runs": ("Dockerfile", _lines("RUN x\n"), INSTRUCTIONS, 50_001),
    "dockerfile-many-env-lines": ("Dockerfile", _lines("ENV a=b\n"), INSTRUCTIONS, 50_001),
}
