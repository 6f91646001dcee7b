"""Numbers read as the tools that consume them read them, from ASCII digits only: one place for
every reader of ports, sizes, counts and indexes (guardlint.parse.scalars' whole_number too),
kept apart from scalars, which a Dockerfile scan does not load."""

from __future__ import annotations

# More significant digits than this are past any ceiling: never converted.
_CONVERTED_DIGITS = 19
# The blanks str.strip() takes that a number may stand between (an option's, a config's):
# str.strip() with no argument also takes Unicode spaces (U+2003), which no tool reading the
# number would.
ASCII_SPACE = " \t\n\v\f\r"


def ascii_digits(text: str) -> bool:
    """Whether `text` is one or more of the digits 0-9 and nothing else: the only digits Go's
    strconv, Docker, Kubernetes, AWS, TOML and the shell read. str.isdigit(), isdecimal() and
    `\\d` also take '٣' (int() reads it as 3) and isdigit() '²' (which int() refuses)."""
    return text.isascii() and text.isdigit()


def digits_number(text: str, ceiling: int) -> int | None:
    """The number a run of ASCII digits (ascii_digits) spells, leading zeros and all; None for
    any other text (a sign, a space, `_`, '٣'). A number past `ceiling` (at most 10**19) reads
    as `ceiling`: thousands of digits are never converted (int() refuses past 4,300)."""
    if not (text.isascii() and text.isdigit()):  # ascii_digits, inline: a port's hot path
        return None
    significant = text.lstrip("0")
    if len(significant) > _CONVERTED_DIGITS:
        return ceiling
    return min(int(significant or "0"), ceiling)
