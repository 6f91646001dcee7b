"""The shell patterns of BuildKit's `${NAME#glob}`, `%`, `/` and `//` (moby/buildkit
frontend/dockerfile/shell/lex.go, `convertShellPatternToRegex`) on RE2
(guardlint.parse.linear_regex), leftmost-first like Go's regexp, for
guardlint.parse.dockerfile_lex."""

from __future__ import annotations

import re
from collections.abc import Callable

from guardlint.parse.linear_regex import compile_written

# What one match of a glob in `${A//glob/text}` costs, in characters of the budget: a match is
# a round trip through RE2 (microseconds), and a long value of one-character matches took 40 s
# to refuse when only the characters counted.
_MATCH_COST = 256


def prefix_end(tokens: list[str], value: str) -> int:
    """Where the value's prefix the pattern matches ends (0 when it matches none)."""
    match = compile_written("^(?s:" + "".join(tokens) + ")").search(value)
    return match.end() if match else 0


def replaced(
    pattern: str, replacement: str, value: str, replace_all: bool, spend: Callable[[int], None]
) -> str:
    """The value with the pattern's first (or every) match replaced; each piece built is
    `spend` first, which raises past the caller's budget."""
    tokens = glob_tokens(pattern, greedy=True)
    literal = _literal_text(tokens)
    if literal:  # `${VERSION//./-}`: str.replace, without a round trip per match
        count = value.count(literal) if replace_all else int(literal in value)
        spend(len(value) + count * (len(replacement) - len(literal)))  # before it is built
        return value.replace(literal, replacement, -1 if replace_all else 1)
    regex = compile_written("(?s:" + "".join(tokens) + ")")
    pieces, position = [], 0
    for match in regex.finditer(value):
        # before it is joined; each match also costs its round trip through the regex engine
        spend(match.start() - position + len(replacement) + _MATCH_COST)
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


def glob_tokens(pattern: str, greedy: bool) -> list[str]:
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
