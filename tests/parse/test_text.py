"""Text shown to a reader: what printable escapes, and its shortcut for text with nothing to
escape."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardlint.parse.text import (
    MAX_LINE_LENGTH,
    ParseError,
    decode,
    inert_in_ci_logs,
    printable,
    unprintable_escapes,
)

ESCAPED = "".join(map(chr, unprintable_escapes()))


def test_every_character_escaped_is_one_python_calls_unprintable():
    """printable returns text Python calls printable as it is: that is only right while no
    character the table escapes is printable."""
    assert [c for c in ESCAPED if c.isprintable()] == []


@given(st.text(alphabet=st.sampled_from(ESCAPED + "\tab é€😀\u200d\n")) | st.text())
def test_printable_is_the_table_s_translation(text):
    assert printable(text) == text.translate(unprintable_escapes())


def test_what_is_escaped_and_what_is_kept():
    assert printable("plain text, é and 😀") == "plain text, é and 😀"
    assert printable("bell\a tab\t esc\x1b[31m rlo\u202e") == (
        "bell\\x07 tab\t esc\\x1b[31m rlo\\u202e"
    )


def test_what_xml_cannot_hold_and_bidi_marks_are_escaped():
    """JUnit XML cannot hold U+FFFE, U+FFFF or a lone surrogate (a message quoting one was an
    unparsable report), and the right-to-left and Arabic letter marks reorder text as the
    overrides do."""
    assert printable("a\ufffe b\uffff c\ud800 d\u200f e\u200e f\u061c") == (
        "a\\ufffe b\\uffff c\\ud800 d\\u200f e\\u200e f\\u061c"
    )


def test_a_line_past_the_limit_is_refused_and_a_short_text_is_not_split(monkeypatch):
    """decode() refuses a line longer than MAX_LINE_LENGTH, at its line; a text no longer than
    the limit cannot hold one, and is not split into lines to look (parse_file splits it)."""
    long_line = "x" * (MAX_LINE_LENGTH + 1)
    with pytest.raises(ParseError) as refused:
        decode(f"a: 1\nb: {long_line}\n".encode())
    assert refused.value.line == 2
    assert decode(("y" * MAX_LINE_LENGTH).encode()) == "y" * MAX_LINE_LENGTH

    class Unsplittable(str):
        def splitlines(self, keepends: bool = False) -> list[str]:
            raise AssertionError("split")

    class Bytes(bytes):
        def decode(self, *args: object) -> str:
            return Unsplittable(bytes.decode(self, *args))

    assert decode(Bytes(b"a: 1\nb: 2\n")) == "a: 1\nb: 2\n"


# What inert_in_ci_logs escapes, as one pattern tried at every character: a command at a
# line's start after blanks and colours, and a `#` before `#[` anywhere.
_COMMAND = re.compile(r"^((?:[^\S\n]|\x1b\[[0-9;]*m)*):(?=:)|#(?=#\[)", re.MULTILINE)
_PIECES = [
    ":",
    "::",
    "#",
    "##[",
    "[",
    " ",
    "\t",
    "\n",
    "\r",
    "\x1b[1;31m",
    "\x1b[",
    "m",
    "a",
    "\u3000",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=16).map("".join))
def test_inert_in_ci_logs_escapes_what_the_one_pattern_finds(text):
    """Its line feeds found first and `##[` replaced apart, it escapes what the pattern does."""
    for colon, hash_sign in (("\\x3a", "\\x23"), ("&#58;", "&#35;")):
        expected = _COMMAND.sub(
            lambda m, c=colon, h=hash_sign: h if m[1] is None else m[1] + c, text
        )
        assert inert_in_ci_logs(text, colon, hash_sign) == expected


def test_a_command_is_escaped_at_the_text_s_start_and_after_blanks_and_colours():
    assert inert_in_ci_logs("::a::\n \t::b\n\x1b[1m ::c ###[d") == (
        "\\x3a:a::\n \t\\x3a:b\n\x1b[1m \\x3a:c #\\x23#[d"
    )
