"""Linear-time cases of a Dockerfile's variable substitution (tests/hostile/test_linear_time.py):
`${A//pattern/text}` on the longest value a line may give, on hundreds of lines."""

from __future__ import annotations

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)
_VALUE = "FROM python:3.12-slim\nARG A=" + "x" * _LONG + "\n"

# Every character of the value is a match: each was a round trip through RE2, and only the
# characters substituted counted against the Dockerfile's budget (80 lines of 99,000 matches).
SUBSTITUTION_CASES = {
    "dockerfile-replace-every-character-literally": (
        "Dockerfile",
        _VALUE + "ENV B=${A//x/y}\n" * 200,
        "DKR001",
    ),
    "dockerfile-replace-every-character-by-glob": (
        "Dockerfile",
        _VALUE + "ENV B=${A//?/y}\n" * 200,
        "DKR001",
    ),
}
