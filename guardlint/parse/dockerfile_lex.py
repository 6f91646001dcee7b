"""A Dockerfile word as BuildKit's shell lexer reads it (moby/buildkit
frontend/dockerfile/shell/lex.go, `ProcessWord`): the quoting and the variable substitution of
ENV, ARG, LABEL, USER, WORKDIR, COPY/ADD, EXPOSE, VOLUME, STOPSIGNAL and FROM.

- `'...'` is literal: a `$` inside is not substituted; `"..."` substitutes `$` and lets the
  escape character escape only `"`, `$` and itself; outside quotes the escape character
  (`\\`, or what `# escape=` sets) makes the next character literal (`\\$HOME`).
- `$NAME`, `${NAME}`; `${NAME-word}`, `${NAME:-word}`, `${NAME+word}`, `${NAME:+word}`,
  `${NAME?msg}`, `${NAME:?msg}`; `${NAME#glob}`, `##`, `%`, `%%` (trim a prefix or suffix);
  `${NAME/glob/text}` and `//` (replace). The word of a modifier is itself lexed (quotes,
  nested variables). Any other modifier, an unclosed quote or `${` fails the build.

`process_word` returns None when the value cannot be known: a variable declared without a
value (a build argument), one never declared unless `undeclared_is_unset`, or text BuildKit
refuses. Time is linear in the text: nesting past a small depth is refused, and patterns run
on RE2 (guardlint.parse.linear_regex), leftmost-first like Go's regexp. What substitution
builds is bounded too: a value doubled on each of 40 lines (`ARG B=$A$A`, `ARG C=$B$B`, ...)
is 2**40 times its length, and a line naming one long value 30,000 times holds gigabytes.
Each text substituted into a word (a variable's value, a quoted part, a replaced value) is
charged to a budget: a process_word call's own, or the one `with_substitution_budget` gives
all the calls of one Dockerfile. Past it the value is not known (None), as for BuildKit's
refusals; real Dockerfiles build a few kilobytes.

`written_words` is the same lexer as BuildKit's parser runs it to find heredocs
(guardlint.parse.heredoc_words): no variable set and references kept as written, the text split
into words.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from guardlint.parse.dockerfile_patterns import glob_tokens, prefix_end, replaced

_MAX_DEPTH = 64  # `${A:-${B:-...}}` nesting read; deeper is refused (real files nest twice)
_BUDGET = 1 << 24  # characters substituted for one Dockerfile (or one word outside one)
_P, _R = ParamSpec("_P"), TypeVar("_R")


class _Budget:
    def __init__(self, characters: float = _BUDGET) -> None:
        self.left = characters

    def spend(self, characters: int) -> None:
        self.left -= characters
        if self.left < 0:
            raise _Refused


_shared_budget: ContextVar[_Budget | None] = ContextVar("substitution_budget", default=None)


def with_substitution_budget(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """`function` with one substitution budget for all the words it processes."""

    @functools.wraps(function)
    def within(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        token = _shared_budget.set(_Budget())
        try:
            return function(*args, **kwargs)
        finally:
            _shared_budget.reset(token)

    return within


_SPECIAL_PARAMETERS = "@*#?-$!0"
_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(code) for code in range(0x2000, 0x200B)
)
_AFTER_MARKER = " \t\r"  # what processPossibleHeredoc takes into the `<<` word


class _Refused(Exception):
    """Text BuildKit refuses, or a value that cannot be known."""


def process_word(
    text: str,
    variables: Mapping[str, str | None],
    undeclared_is_unset: bool = False,
    escape: str = "\\",
) -> str | None:
    """The text with quotes removed and variables substituted as BuildKit does (see above);
    None when a value is unknown or BuildKit refuses the text."""
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return text  # most words: nothing to substitute, unquote or unescape
    budget = _shared_budget.get() or _Budget()
    lexer = _Lexer(text, escape, budget, variables, undeclared_is_unset)
    try:
        result = lexer.word("", raw_escapes=False, depth=0)
    except _Refused:
        return None
    return None if lexer.unresolved else result


def written_words(text: str, raw: bool, marker_blanks: bool = True) -> list[str] | None:
    """The words BuildKit's lexer splits the text into with no variable set and SkipUnsetEnv,
    as its parser reads a line's heredocs: `$A`, `${A:-x}` kept as written, and with `raw`
    quotes and escapes too (RawQuotes, RawEscapes). A word ends at an unquoted blank of Go's
    unicode.IsSpace (`\\x1c`-`\\x1f` are none); with `marker_blanks`, `<<` takes the blanks after
    it (processPossibleHeredoc, BuildKit v0.22 and docker/dockerfile 1.16 on). None where
    BuildKit refuses the text."""
    words = _Words()
    try:
        lexer = _Lexer(text, "\\", _Budget(math.inf), None, raw=raw, marker_blanks=marker_blanks)
        lexer.word("", raw, 0, words)
    except _Refused:
        return None
    return words.all()


class _Words:
    """BuildKit's wordsStruct: a word ends at an unquoted blank."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.word: list[str] = []
        self.size = 0  # of the word: an empty quote (`''`) starts a word of no characters
        self.in_word = False

    def add_char(self, char: str) -> None:
        if char not in _GO_SPACES:
            self.add_raw(char)
        elif self.in_word and self.size:
            self.done.append("".join(self.word))
            self.word, self.size, self.in_word = [], 0, False

    def add_raw(self, text: str) -> None:
        self.word.append(text)
        self.size += len(text)
        self.in_word = True

    def add_text(self, text: str) -> None:
        for char in text:
            self.add_char(char)

    def all(self) -> list[str]:
        word = "".join(self.word)
        return [*self.done, word] if word else self.done


class _Lexer:
    """One word read by BuildKit's shell lexer. With `variables` None, no variable is set and
    references are kept as written (SkipUnsetEnv); `raw` keeps quotes (RawQuotes)."""

    def __init__(
        self,
        text: str,
        escape: str,
        budget: _Budget,
        variables: Mapping[str, str | None] | None,
        unset: bool = False,
        raw: bool = False,
        marker_blanks: bool = True,
    ) -> None:
        self.text, self.escape, self.budget = text, escape, budget
        self.variables, self.unset, self.raw = variables, unset, raw
        self.marker_blanks = marker_blanks
        self.position = 0
        self.unresolved = False

    def word(self, stop: str, raw_escapes: bool, depth: int, words: _Words | None = None) -> str:
        """processStopOn: the characters up to `stop` (consumed; "" for the end of the text),
        split into `words` too when given."""
        if depth > _MAX_DEPTH:
            raise _Refused
        text, out = self.text, []
        while self.position < len(text):
            char = text[self.position]
            if stop and char == stop:
                self.position += 1
                return "".join(out)
            if char == "$":
                piece = self.charged(self.dollar(depth))
                if words is not None:
                    words.add_text(piece)
            elif char in "'\"<":
                if char == "'":
                    piece = self.single_quoted()
                else:
                    piece = (
                        self.less_than() if char == "<" else self.double_quoted(raw_escapes, depth)
                    )
                if words is not None:
                    words.add_raw(piece)
            else:
                self.position += 1
                if char == self.escape:
                    if raw_escapes:
                        out.append(char)
                        if words is not None:
                            words.add_raw(char)
                    if self.position >= len(text):
                        break
                    char = text[self.position]
                    self.position += 1
                    if words is not None:
                        words.add_raw(char)
                elif words is not None:
                    words.add_char(char)
                piece = char
            out.append(piece)
        if stop:
            raise _Refused  # `${` or a pattern never closed
        return "".join(out)

    def charged(self, substituted: str) -> str:
        self.budget.spend(len(substituted))
        return substituted

    def less_than(self) -> str:
        """processPossibleHeredoc: `<`, or `<<` with the blanks after it (one raw piece)."""
        text, start = self.text, self.position
        self.position += 1
        if text.startswith("<", self.position):
            self.position += 1
            while (
                self.marker_blanks
                and self.position < len(text)
                and text[self.position] in _AFTER_MARKER
            ):
                self.position += 1
        return text[start : self.position]

    def single_quoted(self) -> str:
        end = self.text.find("'", self.position + 1)
        if end < 0:
            raise _Refused
        literal = (
            self.text[self.position : end + 1] if self.raw else self.text[self.position + 1 : end]
        )
        self.position = end + 1
        return literal

    def double_quoted(self, raw_escapes: bool, depth: int) -> str:
        """The escape escapes only `"`, `$` and itself, and is kept where escapes are raw."""
        text, out = self.text, ['"'] if self.raw else []
        self.position += 1
        while self.position < len(text):
            char = text[self.position]
            if char == '"':
                self.position += 1
                return self.charged("".join([*out, char] if self.raw else out))
            if char == "$":
                out.append(self.charged(self.dollar(depth)))
                continue
            self.position += 1
            if char == self.escape:
                if raw_escapes:
                    out.append(char)
                if self.position >= len(text):
                    continue  # a trailing escape is dropped (then the quote is unclosed)
                if text[self.position] in ('"', "$", self.escape):
                    char = text[self.position]
                    self.position += 1
            out.append(char)
        raise _Refused

    def name(self) -> str:
        """processName: digits, a special parameter, or letters, digits and `_` (Go's
        unicode.IsDigit is Python's isdecimal, not isdigit: `²` is no digit)."""
        text, start = self.text, self.position
        if start < len(text) and text[start].isdecimal():
            while self.position < len(text) and text[self.position].isdecimal():
                self.position += 1
        elif start < len(text) and text[start] in _SPECIAL_PARAMETERS:
            self.position += 1
        else:
            while self.position < len(text) and (
                text[self.position].isalpha()
                or text[self.position].isdecimal()
                or text[self.position] == "_"
            ):
                self.position += 1
        return text[start : self.position]

    def lookup(self, name: str) -> tuple[str, bool]:
        """(value, set); a variable declared without a value is unset here (the build uses
        the modifier's word unless a build argument says otherwise)."""
        value = self.variables.get(name) if self.variables is not None else None
        return ("", False) if value is None else (value, True)

    def plain(self, name: str, written: str) -> str:
        if self.variables is None:
            return written
        value, is_set = self.lookup(name)
        if not is_set and (name in self.variables or not self.unset):
            self.unresolved = True
        return value

    def dollar(self, depth: int) -> str:
        text = self.text
        self.position += 1
        if not text.startswith("{", self.position):
            name = self.name()
            return self.plain(name, "$" + name) if name else "$"
        self.position += 1
        if self.position >= len(text) or text[self.position] in "{}:":
            raise _Refused  # `${`, `${}`, `${:x}`: bad substitution
        name = self.name()
        operator = text[self.position : self.position + 1]
        self.position += 1
        if operator == "}":
            return self.plain(name, "${" + name + "}")
        colon = operator == ":"
        if colon:  # any character: the modifier is judged once its word is read
            operator = text[self.position : self.position + 1]
            self.position += 1
        if colon or operator in ("-", "+", "?", "#", "%"):
            word = self.word("}", raw_escapes=operator in ("#", "%"), depth=depth + 1)
            if self.variables is None:
                return "${" + name + (":" if colon else "") + operator + word + "}"
            return self.modified(name, colon, operator, word)
        if operator == "/":
            replace_all = text.startswith("/", self.position)
            self.position += replace_all
            pattern = self.word("/", raw_escapes=True, depth=depth + 1)
            replacement = self.word("}", raw_escapes=True, depth=depth + 1)
            if self.variables is None:
                return "${" + name + "/" + pattern + "/" + replacement + "}"
            return replaced(pattern, replacement, self.known(name), replace_all, self.budget.spend)
        raise _Refused

    def known(self, name: str) -> str:
        """The value of a variable a pattern is applied to: it must be known."""
        value = self.plain(name, "")
        if self.unresolved:
            raise _Refused
        return value

    def modified(self, name: str, colon: bool, operator: str, word: str) -> str:
        if colon and operator not in ("-", "+", "?"):
            raise _Refused  # `${A:#x}`, `${A:1}`: unsupported modifier
        value, is_set = self.lookup(name)
        empty_is_unset = colon and value == ""
        if operator == "-":
            return word if not is_set or empty_is_unset else value
        if operator == "+":
            if not is_set and name not in self.variables and not self.unset:
                self.unresolved = True  # never declared: a build argument may set it
            return "" if not is_set or empty_is_unset else word
        if operator == "?":
            if not is_set or empty_is_unset:
                raise _Refused  # the build stops with the message (or with no value known)
            return value
        value = self.known(name)
        greedy = word.startswith(operator)
        tokens = glob_tokens(word[1:] if greedy else word, greedy)
        if operator == "#":
            return value[prefix_end(tokens, value) :]
        # A suffix is a prefix of the reversed value (as BuildKit finds the shortest one).
        cut = prefix_end(tokens[::-1], value[::-1])
        return value[: len(value) - cut]
