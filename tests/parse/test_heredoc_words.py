"""The heredocs an instruction opens, as BuildKit's parser finds them: the cases of moby/buildkit's
frontend/dockerfile/parser/parser_heredoc_test.go, and what its lexer refuses."""

from __future__ import annotations

import pytest

from guardlint.parse.heredoc_words import heredoc_markers

OPENED = [
    ("<<EMPTY", [(False, "EMPTY")]),
    ("3<<EMPTY2", [(False, "EMPTY2")]),
    ("<<-UNINDENT", [(True, "UNINDENT")]),
    ("<<-'NOEXPAND'", [(True, "NOEXPAND")]),
    ("--mount=type=cache,target=/foo <<MOUNT", [(False, "MOUNT")]),
    ("<<FILE1 <<FILE2 /dest", [(False, "FILE1"), (False, "FILE2")]),
    ("<<COMPLEX python3", [(False, "COMPLEX")]),
    ("<<file.txt /dest", [(False, "file.txt")]),
    ("<<eo'f'", [(False, "eof")]),
    ("<<eo\\'f", [(False, "eo'f")]),
    ("<<'e'o\\'f", [(False, "eo'f")]),
    ("<<'one two'", [(False, "one two")]),
    ("<<$EOF", [(False, "$EOF")]),
    ("<<  EOF", [(False, "EOF")]),
    ("<<  EOF  > foo", [(False, "EOF")]),
    ("<< -EOF", [(False, "-EOF")]),
    # \x1f is no blank to Go; a no-break space is one.
    ("<<EOF\x1fsh", [(False, "EOF\x1fsh")]),
    ("<<EOF\xa0sh", [(False, "EOF")]),
]

NOT_OPENED = [
    '"<<NOHEREDOC"',
    "'<<EOF'",
    "cat<<EOF",
    "\\<<EOF",
    "$X<<EOF",
    "${X:+a}<<EOF",
    "<<<EOF",
    "<<- EOF",  # `<<-` is a word of its own: the blanks are taken after `<<` only
    "<<''",
    # a line the lexer refuses opens none: an unclosed quote, a bad substitution
    "true # <<EOF '",
    "<<EOF ${:x}",
    "<<EOF ${X",
    "<<EOF ${X!}",
]


@pytest.mark.parametrize(("value", "expected"), OPENED)
def test_the_heredocs_buildkit_opens(value, expected):
    assert heredoc_markers(value) == expected


@pytest.mark.parametrize("value", NOT_OPENED)
def test_what_buildkit_leaves_to_the_shell(value):
    assert heredoc_markers(value) == []


def test_deep_nesting_is_refused_without_recursion_errors():
    assert heredoc_markers("${A:-" * 50 + "x" + "}" * 50 + " <<EOF") == [(False, "EOF")]
    assert heredoc_markers("${A:-" * 100_000 + " <<EOF") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<<EOF", [(False, "EOF")]),
        ("<< EOF", []),
        ("<<\tEOF > foo", []),
        ("cat << <<EOF", [(False, "EOF")]),  # `<<` alone is a word: the next one opens it
    ],
)
def test_a_frontend_before_1_16_ends_the_marker_at_a_blank(value, expected):
    assert heredoc_markers(value, marker_blanks=False) == expected
