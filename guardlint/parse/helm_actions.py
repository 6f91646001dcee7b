"""What each action of a Helm chart's template does to the text Helm renders, and the renderings
to judge where control actions choose between alternatives.

text/template's control actions (`if`, `with`, `range`, their `else`, `else if` and `else with`
branches, `end`) print nothing but choose which text between them Helm renders; `define` keeps
its body for `include` (judged where it is written, as before: what includes it is a value) and
`block` renders its body in place. A chain of branches takes one of them, a `range` zero passes
(its `else`) or more (one judged: more repeat the same lines, which YAML reads as duplicate keys
of equal values). A condition Helm decides without values (`true`, `false`, a string or number
literal, `not` of one: text/template's truth) leaves only the branches Helm can take.

`Variants` are the renderings judged: in variant `i` each chain takes a branch chosen by `i`, so
that every branch Helm can take is in at least one variant, also inside the branches of another
chain (a chain needs as many variants as its branches need together, a branch as many as its
most demanding chain). A template that needs more than MAX_VARIANTS, or whose control actions
text/template refuses (an `end` without a chain, an `else` after the last, a chain never ended,
`break` outside a `range`), is not judged: Helm renders nothing from the latter.

An action that prints a string literal prints known text (`Action.literal`), line breaks too;
any other printing action's value is unknown.
"""

from __future__ import annotations

from re import Match
from typing import NamedTuple

from guardlint.parse.lazy_pattern import LazyPattern

MAX_VARIANTS = 8

# text/template's white space (isSpace).
_SPACES = " \t\r\n"
# A keyword, where the lexer reads an identifier followed by a terminator (atTerminator).
_KEYWORD = LazyPattern(r"[ \t\r\n]*([A-Za-z_][A-Za-z0-9_]*)(?=[ \t\r\n.,|:()]|\Z)")
_CHAINS = ("if", "with", "range", "define", "block")
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


def read_action(body: str) -> Action:
    """The action whose text between its delimiters (and trim markers) is `body`."""
    keyword = _KEYWORD.match(body)
    if keyword is None or keyword.group(1) not in (*_CHAINS, "else", "end", "break", "continue"):
        pipeline = body.strip(_SPACES)
        return Action(None, pipeline, _literal(pipeline))
    word, rest = keyword.group(1), body[keyword.end() :]
    if word == "else":
        following = _KEYWORD.match(rest)
        if following is not None and following.group(1) in ("if", "with"):
            word, rest = f"else {following.group(1)}", rest[following.end() :]
    return Action(word, rest.strip(_SPACES))


def _literal(pipeline: str) -> str | None:
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


def _truth(pipeline: str) -> bool | None:
    """Whether a condition holds as text/template decides without values (None: unknown)."""
    negated = pipeline.startswith("not") and pipeline[3:4] in tuple(_SPACES)
    constant = pipeline[3:].strip(_SPACES) if negated else pipeline
    if constant in ("true", "false"):
        truth = constant == "true"
    elif (literal := _literal(constant)) is not None:
        truth = literal != ""
    elif _NUMBER.fullmatch(constant):
        truth = float(constant) != 0
    else:
        return None
    return truth != negated


class _Chain:
    """One chain of branches as it is read: each branch's condition and the variants it needs."""

    def __init__(self, keyword: str, pipeline: str) -> None:
        self.keyword = keyword
        self.conditions: list[str | None] = [pipeline]
        self.needs = [1]
        self.closed = keyword in ("define", "block")  # no else branch
        self.possible: list[tuple[int, int]] = []  # (branch, the variants it needs)

    def finish(self) -> int:
        """The branches Helm can take (the implicit empty one last), and the variants they need."""
        if not self.closed:  # no else: a branch that renders nothing
            self.conditions.append(None)
            self.needs.append(1)
        if self.keyword in ("range", "define", "block"):  # no condition to decide
            self.possible = list(enumerate(self.needs))
            return sum(self.needs)
        for branch, (condition, need) in enumerate(zip(self.conditions, self.needs, strict=True)):
            truth = True if condition is None else _truth(condition)
            if truth is not False:
                self.possible.append((branch, need))
            if truth:
                break  # a condition that holds: the branches after it are never taken
        return sum(need for _, need in self.possible)

    def choose(self, variant: int) -> tuple[int, int]:
        """The branch variant `variant` of this chain takes, and its variant inside that."""
        offset = 0
        for branch, need in self.possible[:-1]:
            if variant < offset + need:
                return branch, variant - offset
            offset += need
        return self.possible[-1][0], variant - offset


class Variants:
    """The renderings of a template whose actions are `actions` (comments as None): for each,
    which printing actions and which texts between actions (n + 1 of them) it keeps."""

    def __init__(self, actions: list[Action | None], chains: dict[int, _Chain], count: int):
        self.actions = actions
        self.chains = chains
        self.count = count

    def kept(self, variant: int) -> tuple[list[bool], list[bool]]:
        """(each text between actions kept, each action kept) in `variant`; linear."""
        texts: list[bool] = []
        actions: list[bool] = []
        # For each chain entered: (it, the branch taken, the branch now, active, variant) of
        # the enclosing branch.
        open_chains: list[tuple[_Chain, int, list[int], bool, int]] = []
        active, local = True, variant
        for index, action in enumerate(self.actions):
            texts.append(active)
            actions.append(active)
            keyword = None if action is None else action.keyword
            if keyword in _CHAINS:
                chain = self.chains[index]
                taken, inner = chain.choose(local) if active else (-1, 0)
                open_chains.append((chain, taken, [0], active, local))
                active, local = active and taken == 0, inner
            elif keyword in ("else", "else if", "else with"):
                _, taken, now, outer_active, _ = open_chains[-1]
                now[0] += 1
                active = outer_active and taken == now[0]
            elif keyword == "end":
                _, _, _, active, local = open_chains.pop()
        texts.append(active)
        return texts, actions


def variants(actions: list[Action | None]) -> Variants | None:
    """The renderings to judge; None where text/template refuses the control actions or more
    than MAX_VARIANTS are needed."""
    chains: dict[int, _Chain] = {}
    open_chains: list[_Chain] = []
    top_need = 1
    ranges = 0  # the ranges open
    for index, action in enumerate(actions):
        keyword = None if action is None else action.keyword
        if keyword is None:
            continue
        pipeline = action.pipeline
        if keyword in _CHAINS:
            if not pipeline or (keyword == "define" and open_chains):
                return None  # `missing value for if`; a define inside a chain
            chains[index] = _Chain(keyword, pipeline)
            open_chains.append(chains[index])
            ranges += keyword == "range"
        elif keyword.startswith("else"):
            chain = open_chains[-1] if open_chains else None
            if chain is None or chain.closed or (keyword != "else" and not pipeline):
                return None
            if keyword != "else" and keyword[5:] != chain.keyword:
                return None  # `else if` is an if's, `else with` a with's
            if keyword == "else" and pipeline:
                return None
            chain.conditions.append(pipeline or None)
            chain.needs.append(1)
            chain.closed = keyword == "else"
        elif pipeline:
            return None  # `end`, `break` and `continue` take nothing
        elif keyword == "end":
            if not open_chains:
                return None
            ended = open_chains.pop()
            ranges -= ended.keyword == "range"
            need = ended.finish()
            if need > MAX_VARIANTS:
                return None
            if open_chains:
                open_chains[-1].needs[-1] = max(open_chains[-1].needs[-1], need)
            else:
                top_need = max(top_need, need)
        elif not ranges:
            return None  # break or continue outside a range
    if open_chains:
        return None
    return Variants(actions, chains, top_need)
