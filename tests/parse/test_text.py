"""Text shown to a reader: what printable escapes, and its shortcut for text with nothing to
escape."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from guardlint.parse.text import printable, unprintable_escapes

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
