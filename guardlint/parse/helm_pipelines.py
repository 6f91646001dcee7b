"""One action of a Helm chart's template as text/template reads it: its keyword (`else if` and
`else with` as one) and pipeline, the value of a pipeline that is one string literal (as Go's
strconv.Unquote reads it), and the truth of a condition Helm decides without values
(text/template's truth of a constant: `true`, `false`, a string or number literal, `not` of one).

An action that prints a string literal prints known text (`Action.literal`), line breaks too;
any other printing action's value (a `block`'s too: `Action.prints`) is unknown.
"""

from __future__ import annotations

from re import Match
from typing import NamedTuple

from guardlint.parse.lazy_pattern import LazyPattern

# text/template's white space (isSpace).
_SPACES = " \t\r\n"
# A keyword, where the lexer reads an identifier followed by a terminator (atTerminator).
_KEYWORD = LazyPattern(r"[ \t\r\n]*([A-Za-z_][A-Za-z0-9_]*)(?=[ \t\r\n.,|:()]|\Z)")
CHAINS = ("if", "with", "range", "define", "block")
_QUOTED = LazyPattern(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
_NUMBER = LazyPattern(r"[+-]?[0-9]+(?:\.[0-9]*)?")
_ESCAPE = LazyPattern(
    r"\\(?:([abfnrtv\\\"])|([0-7]{3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))"
)
_SIMPLE_ESCAPES = dict(zip('abfnrtv\\"', '\a\b\f\n\r\t\v\\"', strict=True))


class Action(NamedTuple):
    """A control action's keyword (`else if` and `else with` as such) and pipeline, or a
    printing action (keyword None) and its value where it is a string literal."""

    keyword: str | None
    pipeline: str
    literal: str | None = None

    def prints(self) -> bool:
        """Whether Helm prints a value where it is written: a printing action, or a `block`
        (the template of its name, wherever that is defined)."""
        return self.keyword in (None, "block")


def read_action(body: str) -> Action:
    """The action whose text between its delimiters (and trim markers) is `body`."""
    keyword = _KEYWORD.match(body)
    if keyword is None or keyword.group(1) not in (*CHAINS, "else", "end", "break", "continue"):
        pipeline = body.strip(_SPACES)
        return Action(None, pipeline, string_literal(pipeline))
    word, rest = keyword.group(1), body[keyword.end() :]
    if word == "else":
        following = _KEYWORD.match(rest)
        if following is not None and following.group(1) in ("if", "with"):
            word, rest = f"else {following.group(1)}", rest[following.end() :]
    return Action(word, rest.strip(_SPACES))


def string_literal(pipeline: str) -> str | None:
    """The value of a pipeline that is one string literal, as strconv.Unquote reads it."""
    if _QUOTED.fullmatch(pipeline) is None:
        return None
    if pipeline[0] == "`":
        return pipeline[1:-1].replace("\r", "")  # a raw string drops its carriage returns
    inside = pipeline[1:-1]
    if "\\" in _ESCAPE.sub("", inside):
        return None  # an escape Go refuses: Helm does not render the template
    try:
        return _ESCAPE.sub(_unescaped, inside)
    except ValueError:
        return None


def _unescaped(escape: Match[str]) -> str:
    """One escape's character; ValueError for a byte that is no character alone (`\\xff`) or
    a code point that is none (a surrogate, which Go refuses)."""
    simple, octal, byte, *code_point = escape.groups()
    if simple is not None:
        return _SIMPLE_ESCAPES[simple]
    if octal is not None or byte is not None:
        code = int(octal, 8) if octal is not None else int(byte, 16)
        if code > 0x7F:
            raise ValueError("a byte of a character")
        return chr(code)
    code = int(next(point for point in code_point if point), 16)
    if code > 0x10FFFF or 0xD800 <= code < 0xE000:
        raise ValueError("no character")
    return chr(code)


def constant_truth(pipeline: str) -> bool | None:
    """Whether a condition holds as text/template decides without values (None: unknown)."""
    negated = pipeline.startswith("not") and pipeline[3:4] in tuple(_SPACES)
    constant = pipeline[3:].strip(_SPACES) if negated else pipeline
    if constant in ("true", "false"):
        truth = constant == "true"
    elif (literal := string_literal(constant)) is not None:
        truth = literal != ""
    elif _NUMBER.fullmatch(constant):
        truth = float(constant) != 0
    else:
        return None
    return truth != negated
