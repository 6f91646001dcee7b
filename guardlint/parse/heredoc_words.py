"""The heredocs an instruction opens, as BuildKit's parser finds them (moby/buildkit
frontend/dockerfile/parser/parser.go `heredocsFromLine` and `ParseHeredoc`, every release with
heredocs since the shell-word names of moby/buildkit#2213, and the blanks after `<<` of
BuildKit v0.22).

BuildKit splits the instruction into words with its shell lexer keeping quotes, escapes and
unset variables as written, and fails the whole split (no heredoc at all) on an unclosed quote
or a `${` it refuses. `<<` takes the spaces, tabs and carriage returns after it into its word.
A word is a heredoc when it is digits, `<<`, an optional `-`, blanks, then text without `<`
that lexes (quotes and escapes removed) to exactly one word, the delimiter: `<<E_X`,
`<<file.txt`, `<< EOF`, `<<'one two'` are heredocs; `cat<<EOF`, `\\<<EOF`, `$X<<EOF` (the
variable is kept as written) and `<<<EOF` are not. Words end at Go's unicode.IsSpace, not at
Python's (`\\x1c`-`\\x1f` are no blanks to Go).
"""

from __future__ import annotations

import re

_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(code) for code in range(0x2000, 0x200B)
)
_AFTER_MARKER = " \t\r"  # what BuildKit's processPossibleHeredoc takes into the `<<` word
_MARKER = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)")  # Go's \d and \s
_SPECIAL_PARAMETERS = "@*#?-$!0"
_MODIFIERS = "+-?#%"
_MAX_DEPTH = 64  # `${A:-${B:-...}}` nesting read; deeper is taken as a refusal


class _Refused(Exception):
    """Text BuildKit's lexer fails on."""


def heredoc_markers(value: str) -> list[tuple[bool, str]]:
    """(strip_tabs, delimiter) of each heredoc an instruction's arguments open, in order."""
    if "<<" not in value:
        return []
    try:
        words = _Lexer(value, raw=True).words()
    except _Refused:
        return []
    found = []
    for word in words:
        marker = _MARKER.fullmatch(word)
        if marker is None or not marker.group(3):
            continue
        try:
            name = _Lexer(marker.group(3), raw=False).words()
        except _Refused:
            continue  # BuildKit refuses the Dockerfile: nothing is built
        if len(name) == 1:
            found.append((marker.group(2) == "-", name[0]))
    return found


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
    """BuildKit's shell lexer with no variable set and SkipUnsetEnv: `$A`, `${A:-x}` stay as
    written. `raw` keeps quotes and escapes (RawQuotes, RawEscapes)."""

    def __init__(self, text: str, raw: bool) -> None:
        self.text, self.raw, self.position = text, raw, 0

    def peek(self) -> str:
        return self.text[self.position] if self.position < len(self.text) else ""

    def next(self) -> str:
        char = self.peek()
        self.position += 1
        return char

    def words(self) -> list[str]:
        words = _Words()
        self.until("", self.raw, words, 0)
        return words.all()

    def until(self, stop: str, raw_escapes: bool, words: _Words, depth: int) -> str:
        """processStopOn: the text up to `stop` (consumed; "" for the end of the text)."""
        if depth > _MAX_DEPTH:
            raise _Refused
        out = []
        while (char := self.peek()) != "":
            if stop and char == stop:
                self.position += 1
                return "".join(out)
            if char == "$":
                piece = self.dollar(depth)
                words.add_text(piece)
            elif char in "<'\"":
                piece = self.less_than() if char == "<" else self.quoted(char, depth, raw_escapes)
                words.add_raw(piece)
            else:
                self.position += 1
                if char == "\\":
                    if raw_escapes:
                        words.add_raw(char)
                        out.append(char)
                    char = self.next()
                    if not char:
                        break
                    words.add_raw(char)
                else:
                    words.add_char(char)
                piece = char
            out.append(piece)
        if stop:
            raise _Refused
        return "".join(out)

    def less_than(self) -> str:
        """processPossibleHeredoc: `<`, or `<<` with the blanks after it."""
        self.position += 1
        if self.peek() != "<":
            return "<"
        start = self.position
        self.position += 1
        while self.peek() and self.peek() in _AFTER_MARKER:
            self.position += 1
        return "<" + self.text[start : self.position]

    def quoted(self, quote: str, depth: int, raw_escapes: bool) -> str:
        out = [quote] if self.raw else []
        self.position += 1
        while True:
            char = self.peek()
            if not char:
                raise _Refused
            if char == "$" and quote == '"':
                out.append(self.dollar(depth))
                continue
            self.position += 1
            if char == quote:
                return "".join([*out, quote] if self.raw else out)
            if char == "\\" and quote == '"':
                if raw_escapes:
                    out.append(char)
                if not self.peek():
                    continue  # then the quote is unclosed
                if self.peek() in '"$\\':
                    char = self.next()
            out.append(char)

    def name(self) -> str:
        start, char = self.position, self.peek()
        if char and char.isdecimal():
            while self.peek() and self.peek().isdecimal():
                self.position += 1
        elif char and char in _SPECIAL_PARAMETERS:
            self.position += 1
        else:
            while (char := self.peek()) and (char.isalpha() or char.isdecimal() or char == "_"):
                self.position += 1
        return self.text[start : self.position]

    def dollar(self, depth: int) -> str:
        """processDollar with no variable set: the reference as written."""
        self.position += 1
        if self.peek() != "{":
            return "$" + self.name()
        self.position += 1
        if self.peek() in ("", "{", "}", ":"):
            raise _Refused
        name = self.name()
        operator = self.next()
        if not operator:
            raise _Refused
        if operator == "}":
            return "${" + name + "}"
        if operator == ":":
            operator += self.next()
        if operator[0] == ":" or operator in _MODIFIERS:
            word = self.until("}", operator[-1] in "#%", _Words(), depth + 1)
            return "${" + name + operator + word + "}"
        if operator == "/":
            if self.peek() == "/":
                self.position += 1
            pattern = self.until("/", True, _Words(), depth + 1)
            replacement = self.until("}", True, _Words(), depth + 1)
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        raise _Refused
