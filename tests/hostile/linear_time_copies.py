"""Linear-time cases of COPY instructions (tests/hostile/test_linear_time.py): thousands of
sources copied into one long destination, which each source's landing would read again."""

from __future__ import annotations

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

COPY_CASES = {
    "dockerfile-many-sources-into-a-long-destination": (
        "Dockerfile",
        "FROM alpine:3.22\nCOPY "
        + " \\\n".join(["a " * (_LONG // 2)] * 4)
        + " config \\\n /"
        + "d/" * (_LONG // 2)
        + ".kube/\n",
        "DKR015",
    ),
}
