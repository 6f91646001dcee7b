"""high_entropy: detect-secrets' entropy tests, worked out no further than the verdict needs."""

from __future__ import annotations

import math
import string
import subprocess
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardlint.knowledge import secrets
from guardlint.knowledge.detectors import load as load_detect_secrets
from guardlint.knowledge.secrets import high_entropy

_ALPHABET = string.ascii_letters + string.digits + "+/-_=.:@ \\"


def _detect_secrets_verdict(text: str) -> bool:
    load_detect_secrets()
    from detect_secrets.plugins.high_entropy_strings import (
        Base64HighEntropyString,
        HexHighEntropyString,
    )

    if len(text) < 12:
        return False
    if all(c in string.hexdigits for c in text):
        return HexHighEntropyString().calculate_shannon_entropy(text) > 3.0
    return Base64HighEntropyString().calculate_shannon_entropy(text) > 4.0


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=12, max_size=48))
@example("abcdefghijklmnop")  # 16 different characters: exactly 4 bits, not over
@example("abcdefghijklmnopq")
@example("aAbBcCdDeEfFgGhH")
@example("0123456789abcdef0")
@example("0123456789012345678")  # a number: the hexadecimal plugin's handicap
@example("A1b2C3d4E5f6A7b8C9d0")
def test_same_verdict_as_detect_secrets(text: str) -> None:
    assert high_entropy(text) is _detect_secrets_verdict(text)


def test_fewer_than_sixteen_characters_are_never_over_four_bits(monkeypatch) -> None:
    """A value of fewer than 16 different characters of the alphabet is not high-entropy
    without a logarithm taken (a file of 100,000 passwords under secret names)."""
    high_entropy("warm-up-the-plugins")
    taken, log = [], math.log

    def counted_log(*args: float) -> float:
        taken.append(args)
        return log(*args)

    monkeypatch.setattr(secrets.math, "log", counted_log)
    assert high_entropy("OUbKZP942TymEJCO") is False  # 15 different characters
    assert taken == []
    assert high_entropy("OUbKZP942TymEJCk7") is True  # 17 different: judged as before
    assert taken


def test_judging_entropy_imports_no_detect_secrets() -> None:
    """Its plugins' tests are worked out here: a process whose values only need judging by
    their entropy (a password under a secret's name) never loads detect-secrets."""
    code = """
import sys
from guardlint.knowledge.secrets import high_entropy
print(high_entropy("q8Zr2LpX0vNw7TkYb3Hc"), high_entropy("9f86d081884c7d659a2feaa0c55ad015"))
print("detect_secrets" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "False"]
