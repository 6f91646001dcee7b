"""Whether text/template refuses to parse a file of a Helm chart's template set, which makes
Helm render none of the chart (engine.render parses every template before it renders any).

Go's lexer (text/template/parse, lex.go, Go 1.19) is followed token by token, each read once:
text up to `{{`, a comment `{{/* */}}` that must touch its delimiters, and inside an action the
right delimiter (`}}`, ` -}}`) only between tokens, so a string literal may hold it. What is
counted refuses whatever else the file holds, each at the first place Go's lexer or parser
stops (the first in the file is its line):

- the lexer's errors: an action, comment or string never closed (a `"` or `'` literal ends at
  its line), a comment not closed at its delimiter, a name glued to what cannot follow it
  (`foo"x"`), a `:` without `=`, a `)` before its `(` or a `(` open at `}}`, a character no
  token starts (a control character; any not ASCII where no field or variable holds it);
- the parser's: a character Go reads as itself where no operand takes one (`{{ /* x */ }}`,
  `{{ .x @ }}`; a `,` is left alone), a function no Helm release has (helm_functions), a
  keyword where an operand goes, an empty action, a control action without its pipeline (`if`,
  `with`, `range`, `else if`, `block`), `end`, `else`, `break` or `continue` with more after
  it or where no chain takes it (`break` and `continue` outside a range's body in the same
  template), a `define` inside another action or with more than its name, a chain never ended,
  and two non-empty `define`s or `block`s of one name in the file (Go's "multiple definition":
  a definition is empty where it holds only white space and comments).

Anything else is left alone, which is the sound side: a number (any run Go may read as one),
a field or variable holding characters that are not ASCII, a malformed escape or character
constant, `else with`, an undefined variable, a define of the file's own name.
"""

from __future__ import annotations

from typing import NamedTuple

from guardlint.parse.helm_functions import HELM_FUNCTIONS
from guardlint.parse.helm_pipelines import string_literal
from guardlint.parse.lazy_pattern import LazyPattern

_SPACES = " \t\r\n"  # text/template's isSpace
_CHAINS = ("if", "with", "range")
_DEFINITIONS = ("define", "block")
_KEYWORDS = frozenset(("break", "continue", "else", "end", "template", *_CHAINS, *_DEFINITIONS))
_CONSTANTS = ("true", "false", "nil")
# Tokens as Go's lexer reads them from their first character.
_QUOTED = LazyPattern(r'"(?:[^"\\\n]|\\[^\n])*"')
_RAW = LazyPattern(r"`[^`]*`")
_CHARACTER = LazyPattern(r"'(?:[^'\\\n]|\\[^\n])*'")
_NAME = LazyPattern(r"[A-Za-z0-9_]+")
_FIELD_NAME = LazyPattern(r"[A-Za-z0-9_\x80-\U0010ffff]*")  # letters not ASCII too: no claim
_NUMBER = LazyPattern(r"[+-]?(?:[0-9A-Za-z_.]|(?<=[eEpP])[+-])*")  # any run Go may read
_TERMINATORS = frozenset(_SPACES + ".,|:)(")
_DIGITS = tuple("0123456789")
STRING, NAME, OTHER = "string", "name", "other"


class Refusal(NamedTuple):
    line: int
    reason: str  # what text/template says, in short


class _Refused(Exception):
    """Where text/template stops parsing the file, and why."""

    def __init__(self, at: int, reason: str) -> None:
        super().__init__(at, reason)
        self.at = at
        self.reason = reason


def refusal(data: bytes) -> Refusal | None:
    """Where text/template refuses the file, and why (see the module's doc); None where
    nothing counted is found. Linear in the file's length."""
    if b"{{" not in data:
        return None
    text = data.decode("utf-8", "surrogateescape")
    try:
        _Parse(text).run()
    except _Refused as refused:
        return Refusal(text.count("\n", 0, refused.at) + 1, refused.reason)
    return None


class _Open:
    """A chain or definition open in the file: its keyword, whether its plain `else` was read
    (no more may follow), and, for a definition, its name and whether it holds anything."""

    __slots__ = ("at", "closed", "filled", "in_body", "keyword", "lenient", "name", "ranges")

    def __init__(self, keyword: str, name: str | None, ranges: int, at: int) -> None:
        self.at = at  # where its action is
        self.keyword = keyword
        self.name = name
        self.closed = False
        self.lenient = False  # after an `else with`: no `else` refused
        self.in_body = True  # before its first `else`
        self.filled = False
        self.ranges = ranges  # the range bodies open around it, in the same template


class _Parse:
    def __init__(self, text: str) -> None:
        self.text = text
        self.open: list[_Open] = []
        self.definitions: list[_Open] = []  # the open ones among them that define a template
        self.ranges = 0  # range bodies open in the template being read
        self.defined: set[str] = set()  # the names of the file's non-empty definitions

    def run(self) -> None:
        text, position = self.text, 0
        while (start := text.find("{{", position)) >= 0:
            self._text(position, start)
            body = start + 2
            if text.startswith("-", body) and text[body + 1 : body + 2] in tuple(_SPACES):
                body += 2
            if text.startswith("/*", body):
                close = text.find("*/", body + 2)
                if close < 0 or _right_delimiter(text, close + 2) is None:
                    raise _Refused(start, "a comment not closed at `*/}}`")
                position = _right_delimiter(text, close + 2)
                continue
            tokens, position = _lex(text, body, start)
            self._action(tokens, start)
        self._text(position, len(text))
        if self.open:
            raise _Refused(self.open[-1].at, f"`{self.open[-1].keyword}` never ended")

    def _text(self, start: int, end: int) -> None:
        if self.open and self.text[start:end].strip(_SPACES):
            self._fill()

    def _fill(self) -> None:
        """Something that is not white space or a comment inside the innermost definition."""
        if self.definitions:
            self.definitions[-1].filled = True

    def _action(self, tokens: list[tuple[str, str, int]], start: int) -> None:
        if not tokens:
            raise _Refused(start, "an empty action")
        kind, word, at = tokens[0]
        keyword = word if kind == NAME and word in _KEYWORDS else None
        for later_kind, later, later_at in tokens[1:]:
            else_of = keyword == "else" and later_at == tokens[1][2] and later in ("if", "with")
            if later_kind == NAME and later in _KEYWORDS and not else_of:
                raise _Refused(later_at, f"`{later}` where a value goes")
        if keyword in _CHAINS or keyword in _DEFINITIONS:
            self._opening(keyword, tokens, at)
        elif keyword == "else":
            self._else(tokens, at)
        elif keyword in ("end", "break", "continue"):
            if len(tokens) > 1:
                raise _Refused(tokens[1][2], f"`{keyword}` followed by more")
            self._closing(keyword, at)
        else:
            if keyword == "template" and (len(tokens) < 2 or tokens[1][0] != STRING):
                raise _Refused(at, "`template` without a name")
            self._fill()

    def _opening(self, keyword: str, tokens: list[tuple[str, str, int]], at: int) -> None:
        name = None
        if keyword in _DEFINITIONS:
            if len(tokens) < 2 or tokens[1][0] != STRING:
                raise _Refused(at, f"`{keyword}` without a name")
            name = string_literal(tokens[1][1])
            if keyword == "define" and len(tokens) > 2:
                raise _Refused(tokens[2][2], "`define` with more than its name")
            if keyword == "block" and len(tokens) < 3:
                raise _Refused(at, "`block` without a value")
            if keyword == "define" and self.open:
                raise _Refused(at, "`define` inside another action")
        elif len(tokens) < 2:
            raise _Refused(at, f"`{keyword}` without a value")
        self._fill()
        self.open.append(_Open(keyword, name, self.ranges, at))
        if keyword in _DEFINITIONS:
            self.definitions.append(self.open[-1])
            self.ranges = 0  # a template of its own
        elif keyword == "range":
            self.ranges += 1

    def _else(self, tokens: list[tuple[str, str, int]], at: int) -> None:
        chain = self.open[-1] if self.open else None
        if chain is None or chain.keyword in _DEFINITIONS or (chain.closed and not chain.lenient):
            raise _Refused(at, "`else` where no chain takes it")
        following = tokens[1][1] if len(tokens) > 1 and tokens[1][0] == NAME else None
        if following == "if" and len(tokens) < 3:
            raise _Refused(at, "`else if` without a value")
        if following is None and len(tokens) > 1:
            raise _Refused(tokens[1][2], "`else` followed by more")
        if chain.keyword == "range" and chain.in_body:
            self.ranges -= 1  # its else is no part of its body
        chain.in_body = False
        # After a plain `else` nothing may follow but `end`; Go 1.23 reads `else with`
        # (1.19 refuses it), after which the chain is left alone.
        chain.closed = following is None
        chain.lenient = chain.lenient or following == "with"

    def _closing(self, keyword: str, at: int) -> None:
        if keyword != "end":
            if self.ranges == 0:
                raise _Refused(at, f"`{keyword}` outside a range")
            return
        if not self.open:
            raise _Refused(at, "`end` where no chain is open")
        ended = self.open.pop()
        self.ranges = ended.ranges
        if ended.keyword in _DEFINITIONS:
            self.definitions.pop()
        if ended.keyword in _DEFINITIONS and ended.filled and ended.name is not None:
            if ended.name in self.defined:
                raise _Refused(at, f"a second non-empty definition of {ended.name!r}")
            self.defined.add(ended.name)


def _right_delimiter(text: str, at: int) -> int | None:
    """The offset after `}}` or ` -}}` right at `at`."""
    if text[at : at + 1] in tuple(_SPACES) and text.startswith("-}}", at + 1):
        return at + 4
    return at + 2 if text.startswith("}}", at) else None


def _lex(text: str, position: int, start: int) -> tuple[list[tuple[str, str, int]], int]:
    """The tokens of the action whose body starts at `position` (its `{{` at `start`), white
    space left out, and the offset after its right delimiter; _Refused where Go's lexer stops
    or its parser refuses a single token."""
    tokens: list[tuple[str, str, int]] = []
    depth = 0
    while True:
        end = _right_delimiter(text, position)
        if end is not None:
            if depth:
                raise _Refused(position, "a `(` never closed")
            return tokens, end
        if position >= len(text):
            raise _Refused(start, "a `{{` that no `}}` closes")
        character = text[position]
        if character in _SPACES:
            position += 1
        elif character in "\"`'":
            pattern = {'"': _QUOTED, "`": _RAW, "'": _CHARACTER}[character]
            token = pattern.match(text, position)
            if token is None:
                raise _Refused(position, f"a {character} string never closed")
            tokens.append((STRING if character != "'" else OTHER, token.group(), position))
            position = token.end()
        elif character == "$" or (
            character == "." and text[position + 1 : position + 2] not in _DIGITS
        ):
            after = _FIELD_NAME.match(text, position + 1).end()
            _terminated(text, after)
            tokens.append((OTHER, text[position:after], position))
            position = after
        elif character in "+-." or character in _DIGITS:
            after = max(_NUMBER.match(text, position).end(), position + 1)
            tokens.append((OTHER, text[position:after], position))
            position = after
        elif character.isascii() and (character.isalnum() or character == "_"):
            position = _name(text, position, tokens)
        else:
            position = _punctuation(text, position, tokens)
            depth += {"(": 1, ")": -1}.get(character, 0)
            if depth < 0:
                raise _Refused(position - 1, "a `)` without its `(`")


def _terminated(text: str, at: int) -> None:
    """A name, field or variable must be followed by a terminator (atTerminator)."""
    following = text[at : at + 1]
    if following and following not in _TERMINATORS and not text.startswith("}}", at):
        raise _Refused(at, f"{following!r} right after a name")


def _name(text: str, position: int, tokens: list[tuple[str, str, int]]) -> int:
    """An identifier: a keyword, a constant, or a function Helm must have."""
    after = _NAME.match(text, position).end()
    _terminated(text, after)
    word = text[position:after]
    if word not in _KEYWORDS and word not in _CONSTANTS and word not in HELM_FUNCTIONS:
        raise _Refused(position, f"function {word!r}, which Helm does not have")
    tokens.append((NAME, word, position))
    return after


def _punctuation(text: str, position: int, tokens: list[tuple[str, str, int]]) -> int:
    """`(`, `)`, `|`, `=`, `:=` and `,`; any other character is refused: Go reads another
    printable ASCII one as itself, which no operand takes, and refuses the rest."""
    character = text[position]
    if character == ":":
        if not text.startswith("=", position + 1):
            raise _Refused(position, "a `:` without `=`")
        tokens.append((OTHER, ":=", position))
        return position + 2
    if character not in "()|=,":
        raise _Refused(position, f"{character!r} inside an action")
    tokens.append((OTHER, character, position))
    return position + 1
