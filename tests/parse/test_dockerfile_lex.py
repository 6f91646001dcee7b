"""BuildKit's shell lexer (guardlint.parse.dockerfile_lex): quoting, escapes and modifiers as
moby/buildkit frontend/dockerfile/shell/lex.go reads them."""

from __future__ import annotations

import pytest

from guardlint.parse.dockerfile_lex import process_word, with_substitution_budget
from guardlint.parse.linear_regex import compile_linear, compile_written

VARIABLES = {"A": "1", "EMPTY": "", "UNSET": None, "P": "/usr/local/bin/python3.12"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x:$A-${A}", "x:1-1"),
        ("'$A'", "$A"),  # single quotes: literal
        ('"$A"', "1"),
        ("\\$A", "$A"),  # escaped
        ('"\\$A"', "$A"),
        ('"a\\b"', "a\\b"),  # inside double quotes only `"`, `$` and the escape are escaped
        ("a\\ b", "a b"),
        ("'a'\"b\"c", "abc"),
        ("pa$$word", "paword"),  # `$$` is a special parameter, unset
        ("$", "$"),
        ("a$ b", "a$ b"),
        ("$1", ""),
        ("${EMPTY:-d} ${UNSET:-d} ${MISSING:-d}", "d d d"),
        ("${EMPTY-d}|${EMPTY+d}|${EMPTY:+d}", "|d|"),
        ("${A:+'x y'}", "x y"),  # the modifier's word is lexed too
        ('${A:-"}"}', "1"),
        ("${MISSING:-${A}}", "1"),
        ("${P#*/}", "usr/local/bin/python3.12"),
        ("${P##*/}", "python3.12"),
        ("${P%/*}", "/usr/local/bin"),
        ("${P%%/*}", ""),
        ("${P%.[0-9]*}", "/usr/local/bin/python3"),
        ("${P/python/py}", "/usr/local/bin/py3.12"),
        ("${P//o/0}", "/usr/l0cal/bin/pyth0n3.12"),
        ("${P//[o]/0}", "/usr/l0cal/bin/pyth0n3.12"),  # a glob replaces as the text does
        ("${P/./-}", "/usr/local/bin/python3-12"),
        ("${P//\\//-}", "-usr-local-bin-python3.12"),  # an escaped `/` is text
        ("${P//?/}", ""),
        ("${P//ab/c}", "/usr/local/bin/python3.12"),
        ("${A?}", "1"),
    ],
)
def test_words_read_as_buildkit_reads_them(text, expected):
    assert process_word(text, VARIABLES, undeclared_is_unset=True) == expected


@pytest.mark.parametrize(
    "text",
    [
        "x:$UNSET",  # declared without a value: a build argument
        "${UNSET#x}",
        "'open",  # BuildKit refuses these: the build fails
        '"open',
        "${A",
        "${}",
        "${:-x}",
        "${A:x}",
        "${A:#x}",
        "${MISSING:?must be set}",
        "${EMPTY:?}",
        "${A:-" * 100 + "}" * 100,  # nesting past any real file's
    ],
)
def test_unknown_or_refused_words_have_no_value(text):
    assert process_word(text, VARIABLES, undeclared_is_unset=True) is None


def test_undeclared_variables_are_unknown_unless_read_as_unset():
    assert process_word("x$MISSING", VARIABLES) is None
    assert process_word("x${MISSING+y}", VARIABLES) is None
    assert process_word("x$MISSING", VARIABLES, undeclared_is_unset=True) == "x"


def test_the_escape_directive_changes_the_escape_character():
    assert process_word("`$A\\", VARIABLES, escape="`") == "$A\\"
    assert process_word('"`$A"', VARIABLES, escape="`") == "$A"


def test_what_substitution_builds_is_bounded():
    """A value named twice past the budget is not known; one Dockerfile's words share one
    budget (each ARG twice the one before would fill the memory)."""
    long = "x" * (1 << 23)
    assert process_word("$A$A", {"A": long}) == long * 2  # a call's own budget
    assert process_word("$A$A$A", {"A": long}) is None
    assert process_word("${A//x/yy}", {"A": long}) is None

    @with_substitution_budget
    def twice() -> list[str | None]:
        return [process_word("$A$A", {"A": long}) for _ in range(2)]

    assert twice() == [long * 2, None]


def test_a_files_patterns_are_not_all_kept_for_the_scan():
    """Each `${A#glob}` compiles a pattern: the process kept every one of every file."""
    before = compile_linear.cache_info().currsize
    for number in range(3_000):
        assert process_word(f"${{A#x{number}*}}", {"A": f"x{number}yz"}) == "yz"
    assert compile_linear.cache_info().currsize == before
    assert compile_written.cache_info().currsize <= 1_024


def test_names_and_quoted_patterns_read_as_lex_go_reads_them():
    """One lexer reads heredoc words and substitutes values: the substituting reading had
    Python's digits and letters in names (`²` is no digit to Go's unicode.IsDigit, so `$²` is
    text) and dropped the escapes of a quoted pattern, which lex.go keeps (`#"\\x"` trims a
    backslash and an x); and it refused nesting the heredoc reading took."""
    assert process_word("a$²", {}, undeclared_is_unset=True) == "a$²"
    assert process_word('${A#"\\x"}', {"A": "\\xy"}) == "y"
    assert process_word("${M:-" * 50 + "x" + "}" * 50, {}, undeclared_is_unset=True) == "x"
