"""Reading a file's bytes as text, with the reasons a file can't be read as text."""

from __future__ import annotations

import codecs
import functools
from typing import Any

from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.lazy_pattern import LazyPattern

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_LINE_LENGTH = 100_000


class ParseError(Exception):
    """A selected file that could not be turned into documents (becomes a GL001 finding)."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> str:
    """Bytes to text: a BOM picks the encoding, otherwise UTF-8; NUL bytes mean binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(f"invalid {encoding} text at byte {exc.start}") from None
    if b"\x00" in data:
        raise ParseError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(f"invalid UTF-8 at byte {exc.start}", line) from None
    if len(text) <= MAX_LINE_LENGTH:  # no line of it can be longer (most files): not split
        return text
    lines = text.splitlines()
    if max(map(len, lines), default=0) > MAX_LINE_LENGTH:  # C speed for the common case
        number = next(n for n, line in enumerate(lines, 1) if len(line) > MAX_LINE_LENGTH)
        raise ParseError(f"line longer than {MAX_LINE_LENGTH:,} characters", number)
    return text


def peek(path: str, max_bytes: int = DEFAULT_MAX_BYTES, root: str | None = None) -> bytes:
    """A file's bytes for a cheap look before it is scanned; b"" when it cannot be read (the
    scan itself reports why)."""
    try:
        return read_input(path, max_bytes, root)
    except InputError:
        return b""


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES, root: str | None = None) -> str:
    """Read a regular file as text, refusing oversized files before reading them; with a
    `root`, only if the file is inside it (guardlint.parse.inputs)."""
    try:
        data = read_input(path, max_bytes, root)
    except InputError as exc:
        raise ParseError("file vanished during the scan" if exc.missing else exc.reason) from None
    return decode(data)


# Control characters (ANSI escapes, bell, backspace, newlines), the bidirectional overrides,
# isolates and marks of "Trojan Source", and what XML 1.0 cannot hold (U+FFFE, U+FFFF, lone
# surrogates) come from scanned files into messages, resources and snippets. Printed raw, they
# would let a file rewrite the terminal or CI log that shows the report, or break XML reports;
# shown as escapes, they are visible and harmless.
@functools.cache
def unprintable_escapes(keep_newline: bool = False) -> dict[int, str]:
    """The translation table of those characters to their escapes (a line feed kept, or not),
    made on first use: most scans meet no such character (printable's test is enough), and
    its 2,100 escapes cost every process almost 1 ms."""
    if keep_newline:
        return {code: escape for code, escape in unprintable_escapes().items() if code != 0x0A}
    return {
        code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code != 0x09
    } | {
        code: f"\\u{code:04x}"
        for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                     *range(0xD800, 0xE000), 0xFFFE, 0xFFFF)
    }  # fmt: skip


def printable(text: str) -> str:
    """`text` with control characters and bidi overrides as visible escapes (tab kept)."""
    if text.isprintable():
        # Nothing to escape (each character escaped is one Python calls unprintable), and
        # translate would look up every character: 9 times slower on a finding's message.
        return text
    return text.translate(unprintable_escapes())


def printable_lines(text: str) -> str:
    """Like `printable`, but line feeds stay: for multi-line text bound for a terminal (rule
    documentation, error messages), which may be a CI log (inert_in_ci_logs). A carriage
    return is still escaped: it would let a line overwrite itself."""
    if not all(line.isprintable() for line in text.split("\n")):  # as printable's shortcut
        text = text.translate(unprintable_escapes(keep_newline=True))
    return inert_in_ci_logs(text)


# GitHub Actions' runner reads a log line that starts with `::` (after spaces), or that holds
# `##[` anywhere, as a workflow command: a file name, message or config value could mask the
# log, stop the runner reading commands, or forge an annotation. The blanks before `::` are a
# line's own: with `\s`, which spans line feeds, each of thousands of blank lines read all the
# blank lines after it (quadratic); a command after blank lines is found at its own line. The
# pattern starts at a line feed (the text is given one ahead), which the regex engine finds
# at C speed where `^` is tried at every character; and takes blanks and colours without
# trying shorter runs (possessive), as no shorter run is followed by a `:`. A text report of
# the corpus is made inert in 9 ms rather than 70.
_LINE_COMMAND = LazyPattern(r"\n([^\S\n]*+(?:\x1b\[[0-9;]*+m[^\S\n]*+)*+):(?=:)")


def inert_in_ci_logs(text: str, colon: str = "\\x3a", hash_sign: str = "\\x23") -> str:
    """`text` with no line a CI runner would take for a command of its own: the first
    character of each such command is shown as an escape (`\\x3a:`, `\\x23#[`; a format
    with escapes of its own passes them)."""
    if "##[" in text:  # the escape holds no `##[` and starts no line: the passes are apart
        text = text.replace("##[", hash_sign + "#[")
    if "::" not in text:
        return text
    return _LINE_COMMAND.sub(lambda m: f"\n{m[1]}{colon}", "\n" + text)[1:]


ELLIPSIS = "\u2026"


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def shown(value: Any, width: int = 40) -> str:
    """A value for a message: its repr, cut to `width` characters (an option's value may be
    a string of megabytes, or thousands of digits)."""
    if isinstance(value, int) and value.bit_length() > 128:
        return "a huge number"  # repr() refuses one of thousands of digits
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 3]}..."
