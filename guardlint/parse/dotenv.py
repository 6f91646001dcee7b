"""Environment files as Docker Compose reads them (compose-go's dotenv parser): the `.env` file
whose variables Compose interpolates into the Compose file, and the files a service's
`env_file` loads into its container's environment.

`KEY=VALUE` (or `KEY: VALUE`) per line, `export ` before the key allowed, blank lines and `#`
comments skipped. A value in single quotes is taken as written; in double quotes, with its
escapes decoded and its variables interpolated; unquoted, without a comment after whitespace
(` # ...`) and surrounding blanks, interpolated. A quoted value may span lines. A variable is
interpolated with the values the file gave before it (the shell's are not known here). A line
without a value takes it from the shell, so gives none here.

One pass over the text: each step moves past what it read.
"""

from __future__ import annotations

import re

from guardlint.parse.compose_interpolation import MAX_ADDED_CHARS, TooLong, interpolate
from guardlint.parse.inputs import InputError, read_input

# What is parsed of an environment file (or of all the files one Compose file depends on): its
# lines up to this many characters. Each value read is interpolated and judged (CMP007: about a
# second for 1 MB of short distinct variables).
MAX_PARSED_CHARS = 1_000_000

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


def read_env_file(path: str, max_bytes: int, root: str | None) -> dict[str, str] | None:
    """The variables of the environment file at `path`, read like every input (at most
    `max_bytes`, inside `root`, recorded), its lines up to MAX_PARSED_CHARS; None when it
    cannot be read (absent, outside the root, too large, not UTF-8)."""
    try:
        text = env_text(read_input(path, max_bytes, root))
    except (InputError, UnicodeDecodeError):
        return None
    return parse_dotenv(
        text if len(text) <= MAX_PARSED_CHARS else lines_up_to(text, MAX_PARSED_CHARS)
    )


def lines_up_to(text: str, size: int) -> str:
    """The whole lines of `text` that its first `size` characters hold."""
    return text[: text.rfind("\n", 0, size) + 1]


def env_text(data: bytes) -> str:
    """An environment file's text (UTF-8, a byte order mark dropped); UnicodeDecodeError."""
    return data.decode("utf-8").removeprefix("\ufeff")


def parse_dotenv(text: str) -> dict[str, str]:
    """The variables an environment file sets, by name (a later line wins)."""
    variables: dict[str, str] = {}
    index, end = 0, len(text)
    budget = len(text) + MAX_ADDED_CHARS  # the values' characters: each refers to earlier ones
    while index < end:
        line_end = _line_end(text, index)
        line = text[index:line_end].strip()
        if not line or line.startswith("#"):
            index = line_end + 1
            continue
        start = _skip_blanks(text, index, line_end)
        if text.startswith("export ", start):
            start = _skip_blanks(text, start + len("export "), line_end)
        key = _KEY.match(text, start, line_end)
        equals = _skip_blanks(text, key.end(), line_end) if key else line_end
        if key is None or text[equals : equals + 1] not in ("=", ":"):
            index = line_end + 1  # no value here (taken from the shell), or not a variable
            continue
        value_start = _skip_blanks(text, equals + 1, line_end)
        try:
            value, index = _value(text, value_start, line_end, variables, budget)
        except TooLong:  # left unknown, as a value the shell gives: see MAX_ADDED_CHARS
            value, index = None, line_end + 1
        if value is not None:
            variables[key.group()] = value
            budget -= len(value)
    return variables


def _value(
    text: str, start: int, line_end: int, variables: dict[str, str], limit: int
) -> tuple[str | None, int]:
    """The value that starts at `start`, and where the next line starts; None for a quoted
    value that is never closed (compose-go refuses the file). TooLong past `limit`."""
    quote = text[start : start + 1]
    if quote in ("'", '"'):
        close = _closing_quote(text, start + 1, quote)
        if close < 0:
            return None, len(text)
        raw = text[start + 1 : close]
        next_line = _line_end(text, close) + 1
        if quote == "'":
            return raw, next_line
        return interpolate(_unescape(raw), variables, limit), next_line
    raw = text[start:line_end]
    comment = re.search(r"\s#", raw)
    if comment:
        raw = raw[: comment.start()]
    return interpolate(raw.strip(), variables, limit), line_end + 1


def _closing_quote(text: str, start: int, quote: str) -> int:
    """The position of the quote that closes a value opened before `start` (a double quote
    escaped with a backslash does not close), or -1."""
    index = start
    while True:
        close = text.find(quote, index)
        if close < 0 or quote == "'":
            return close
        backslash = close
        while backslash > start and text[backslash - 1] == "\\":
            backslash -= 1
        if (close - backslash) % 2 == 0:
            return close
        index = close + 1


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda escape: _ESCAPES.get(escape[1], escape[0]), raw)


def _line_end(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline


def _skip_blanks(text: str, index: int, end: int) -> int:
    while index < end and text[index] in " \t":
        index += 1
    return index
