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
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from guardlint.parse.linear_regex import compile_written

_MAX_DEPTH = 32  # `${A:-${B:-...}}` nesting: real files use one or two levels
_BUDGET = 1 << 24  # characters substituted for one Dockerfile (or one word outside one)
# What one match of a glob in `${A//glob/text}` costs, in characters of the budget: a match is
# a round trip through RE2 (microseconds), and a long value of one-character matches took 40 s
# to refuse when only the characters counted.
_MATCH_COST = 256
_P, _R = ParamSpec("_P"), TypeVar("_R")


class _Budget:
    def __init__(self) -> None:
        self.left = _BUDGET

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
    lexer = _Lexer(text, variables, undeclared_is_unset, escape, _shared_budget.get() or _Budget())
    try:
        result = lexer.word("", raw_escapes=False, depth=0)
    except _Refused:
        return None
    return None if lexer.unresolved else result


class _Lexer:
    def __init__(
        self,
        text: str,
        variables: Mapping[str, str | None],
        unset: bool,
        escape: str,
        budget: _Budget,
    ) -> None:
        self.text, self.variables, self.unset, self.escape = text, variables, unset, escape
        self.budget = budget
        self.position = 0
        self.unresolved = False

    def word(self, stop: str, raw_escapes: bool, depth: int) -> str:
        """Characters up to `stop` (consumed; "" for the end of the text)."""
        if depth > _MAX_DEPTH:
            raise _Refused
        text, out = self.text, []
        while self.position < len(text):
            char = text[self.position]
            if stop and char == stop:
                self.position += 1
                return "".join(out)
            if char == "$":
                out.append(self.charged(self.dollar(depth)))
            elif char == "'":
                out.append(self.single_quoted())
            elif char == '"':
                out.append(self.charged(self.double_quoted(depth)))
            else:
                self.position += 1
                if char == self.escape:
                    if raw_escapes:
                        out.append(char)
                    if self.position >= len(text):
                        break
                    char = text[self.position]
                    self.position += 1
                out.append(char)
        if stop:
            raise _Refused  # `${` or a pattern never closed
        return "".join(out)

    def charged(self, substituted: str) -> str:
        self.budget.spend(len(substituted))
        return substituted

    def single_quoted(self) -> str:
        end = self.text.find("'", self.position + 1)
        if end < 0:
            raise _Refused
        literal = self.text[self.position + 1 : end]
        self.position = end + 1
        return literal

    def double_quoted(self, depth: int) -> str:
        text, out = self.text, []
        self.position += 1
        while self.position < len(text):
            char = text[self.position]
            if char == '"':
                self.position += 1
                return "".join(out)
            if char == "$":
                out.append(self.charged(self.dollar(depth)))
                continue
            self.position += 1
            if char == self.escape and self.position < len(text):
                if text[self.position] in ('"', "$", self.escape):
                    char = text[self.position]
                    self.position += 1
            elif char == self.escape:
                continue  # a trailing escape is dropped (then the quote is unclosed)
            out.append(char)
        raise _Refused

    def name(self) -> str:
        text, start = self.text, self.position
        if start < len(text) and text[start].isdigit():
            while self.position < len(text) and text[self.position].isdigit():
                self.position += 1
        elif start < len(text) and text[start] in _SPECIAL_PARAMETERS:
            self.position += 1
        else:
            while self.position < len(text) and (
                text[self.position].isalnum() or text[self.position] == "_"
            ):
                self.position += 1
        return text[start : self.position]

    def lookup(self, name: str) -> tuple[str, bool]:
        """(value, set); a variable declared without a value is unset here (the build uses
        the modifier's word unless a build argument says otherwise)."""
        value = self.variables.get(name)
        return ("", False) if value is None else (value, True)

    def plain(self, name: str) -> str:
        value, is_set = self.lookup(name)
        if not is_set and (name in self.variables or not self.unset):
            self.unresolved = True
        return value

    def dollar(self, depth: int) -> str:
        text = self.text
        self.position += 1
        if self.position >= len(text) or text[self.position] != "{":
            name = self.name()
            return self.plain(name) if name else "$"
        self.position += 1
        if self.position >= len(text) or text[self.position] in "{}:":
            raise _Refused  # `${`, `${}`, `${:x}`: bad substitution
        name = self.name()
        operator = text[self.position : self.position + 1]
        self.position += 1
        if operator == "}":
            return self.plain(name)
        colon = operator == ":"
        if colon:
            operator = text[self.position : self.position + 1]
            self.position += 1
            if operator not in ("-", "+", "?"):
                raise _Refused  # `${A:#x}`, `${A:1}`: unsupported modifier
        if operator in ("-", "+", "?", "#", "%"):
            word = self.word("}", raw_escapes=operator in "#%", depth=depth + 1)
            return self.modified(name, colon, operator, word)
        if operator == "/":
            replace_all = text.startswith("/", self.position)
            self.position += replace_all
            pattern = self.word("/", raw_escapes=True, depth=depth + 1)
            replacement = self.word("}", raw_escapes=True, depth=depth + 1)
            return _replaced(pattern, replacement, self.known(name), replace_all, self.budget)
        raise _Refused

    def known(self, name: str) -> str:
        """The value of a variable a pattern is applied to: it must be known."""
        value = self.plain(name)
        if self.unresolved:
            raise _Refused
        return value

    def modified(self, name: str, colon: bool, operator: str, word: str) -> str:
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
        tokens = _glob_tokens(word[1:] if greedy else word, greedy)
        if operator == "#":
            return value[_prefix_end(tokens, value) :]
        # A suffix is a prefix of the reversed value (as BuildKit finds the shortest one).
        cut = _prefix_end(tokens[::-1], value[::-1])
        return value[: len(value) - cut]


def _prefix_end(tokens: list[str], value: str) -> int:
    """Where the value's prefix the pattern matches ends (0 when it matches none)."""
    match = compile_written("^(?s:" + "".join(tokens) + ")").search(value)
    return match.end() if match else 0


def _replaced(
    pattern: str, replacement: str, value: str, replace_all: bool, budget: _Budget
) -> str:
    tokens = _glob_tokens(pattern, greedy=True)
    literal = _literal_text(tokens)
    if literal:  # `${VERSION//./-}`: str.replace, without a round trip per match
        count = value.count(literal) if replace_all else int(literal in value)
        budget.spend(len(value) + count * (len(replacement) - len(literal)))  # before it is built
        return value.replace(literal, replacement, -1 if replace_all else 1)
    regex = compile_written("(?s:" + "".join(tokens) + ")")
    pieces, position = [], 0
    for match in regex.finditer(value):
        # before it is joined; each match also costs its round trip through the regex engine
        budget.spend(match.start() - position + len(replacement) + _MATCH_COST)
        pieces.extend((value[position : match.start()], replacement))
        position = match.end()
        if not replace_all:
            break
    return "".join(pieces) + value[position:]


def _literal_text(tokens: list[str]) -> str | None:
    """The text a pattern of literal characters only matches (each token is one character,
    escaped); None for a glob."""
    if any(token in (".*", ".*?", ".") or token.startswith("[") for token in tokens):
        return None
    return "".join(token[-1] for token in tokens)


def _glob_tokens(pattern: str, greedy: bool) -> list[str]:
    """A shell pattern (`*`, `?`, `[...]`, `\\x`) as regular expression pieces, one per
    character or class (reversible, for suffixes)."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "\\" and index < len(pattern):
            out.append(re.escape(pattern[index]))
            index += 1
        elif char == "*":
            out.append(".*" if greedy else ".*?")
        elif char == "?":
            out.append(".")
        elif char == "[" and (end := pattern.find("]", index + 1)) > 0:
            body = pattern[index:end]
            negated = body[:1] in ("!", "^")
            body = re.escape(body[1:] if negated else body).replace("\\-", "-")
            out.append(("[^" if negated else "[") + body + "]")
            index = end + 1
        else:
            out.append(re.escape(char))
    return out
