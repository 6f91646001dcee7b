"""Linear-time cases of lines full of secrets, each a finding, that the making of findings would
read again for each of them (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

from hashlib import sha256

from tests.hostile.conftest import CONTROL

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)


def _tokens(lines: int, before: str = "") -> str:
    """`lines` comment lines as long as a line may be, each filled with distinct tokens."""
    return "".join(
        f"# {before}"
        + " ".join(
            f'"ghp_{sha256(f"{line}-{n}".encode()).hexdigest()[:36]}"' for n in range(_LONG // 44)
        )
        + "\n"
        for line in range(lines)
    )


SECRET_CASES = {
    # Every secret of a line is a finding whose snippet is that line: the line was cut again for
    # each secret on it, for each finding (cubic); a line's redacted snippet is made once now.
    "secrets-filling-lines": ("configmap.yaml", _tokens(2) + CONTROL, "K8S014"),
    # A line that must be escaped to be shown (a bidi mark) was escaped again for each finding
    # on it, the whole line each time: what a finding shows of a line is made once per line.
    "secrets-filling-escaped-lines": ("configmap.yaml", _tokens(3, "\u200f ") + CONTROL, "K8S014"),
}
