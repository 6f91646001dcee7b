"""Dockerfile lines to instructions and their heredoc bodies, in one pass over the lines.

The lines are split as dockerfile-parse (which guardlint used before) splits them:
- a line ending with the escape character (`\\`, or `` ` `` from an `# escape=` directive among
  the parser directives at the top: syntax, escape, check) goes on in the next line: the escape
  character is dropped and the pieces joined; a comment line inside is skipped, and so is a
  blank one (BuildKit's deprecated "empty continuation line", still read so), and the first
  other line that does not end with the escape character ends the instruction;
- an instruction still continued at the end of the file is dropped;
- the keyword is the first word, upper-cased (even `RUN` alone is an instruction).

BuildKit heredocs (`RUN <<EOF` ... `EOF`, `ONBUILD RUN <<EOF` too) are read right after the
instruction that opens them, so a body line is never taken for an instruction, nor continues
one. Every step looks at each line once: the time is linear in the file, whatever the number
or length of its instructions (dockerfile-parse grows each joined value by copying it:
quadratic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.text import ParseError

# The instructions read in one Dockerfile: real ones have hundreds; 5 MB of `RUN x` lines is
# 800,000, each read by every rule (a minute; 50,000 take seconds). Those past it are not read,
# and it is said.
MAX_INSTRUCTIONS = 50_000

HEREDOC_MARKER = re.compile(r"(?<!<)<<(?!<)(-?)\s*(['\"]?)([A-Za-z_][\w.-]*)\2")
MARKER_OR_QUOTED = re.compile(HEREDOC_MARKER.pattern + r"|'[^']*'|\"(?:\\.|[^\"\\])*\"")
_MARKER_START = re.compile(r"<<|['\"]")
_DOUBLE_QUOTED_PREFIX = LazyPattern(r"\"(?:\\.|[^\"\\])*+")
_INSTRUCTION = re.compile(r"\s*(\S+)(?:\s+(.*))?")
_COMMENT = re.compile(r"\s*#")
# BuildKit's parser directives, `# name=value` lines at the very top of the file. Any other
# line ends them: an unknown name is a comment (so is an escape other than `\` or `` ` ``).
# The value is stripped afterwards: `(.*?)\s*$` retries the end from every space of a long run.
_DIRECTIVE = re.compile(r"\s*#\s*([A-Za-z][A-Za-z0-9]*)\s*=(.*)")
_DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})
_ESCAPES = ("\\", "`")
_WITH_HEREDOCS = frozenset({"RUN", "COPY", "ADD"})


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Heredoc:
    """A heredoc an instruction carries: its delimiter and body."""

    delimiter: str
    body: str
    strip_tabs: bool
    start_line: int  # first body line
    end_line: int  # the terminator line


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class RawInstruction:
    """An instruction as written: keyword, joined arguments and 1-based lines."""

    keyword: str  # upper case
    value: str  # the arguments (flags included), continuation lines joined
    start_line: int
    end_line: int  # the last line of the instruction itself, before any heredoc body
    heredocs: list[Heredoc] = field(default_factory=list)


def parser_directives(lines: list[str]) -> dict[str, str]:
    """The parser directives at the top of the file, by lower-case name (a repeated one, which
    BuildKit refuses, read as its last)."""
    found: dict[str, str] = {}
    for line in lines:
        match = _DIRECTIVE.match(line)
        name = match.group(1).lower() if match else ""
        value = match.group(2).strip() if match else ""
        if name not in _DIRECTIVE_NAMES or (name == "escape" and value not in _ESCAPES):
            break
        found[name] = value
    return found


def escape_character(directives: dict[str, str]) -> str:
    """The line continuation character: `\\`, or what `# escape=` sets."""
    return directives.get("escape", "\\")


def split_instructions(
    lines: list[str], problems: list[ParseError] | None = None
) -> list[RawInstruction]:
    """The instructions of a Dockerfile, each with the heredocs whose bodies follow it. With
    `problems`, the first MAX_INSTRUCTIONS only, and a problem where the rest begins."""
    escape = escape_character(parser_directives(lines))
    found: list[RawInstruction] = []
    pending: RawInstruction | None = None
    pieces: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if _COMMENT.match(line) or (pending is not None and not line.strip()):
            continue
        text = line
        if pending is None:
            match = _INSTRUCTION.match(line)
            if not match:
                continue
            pending = RawInstruction(match.group(1).upper(), "", index, index)
            pieces, has_value = [], False
            text = match.group(2) or ""
        pending.end_line = index
        # While the value is empty, a continuation line joins it without its indentation.
        pieces.append(_without_escape(text if has_value else text.lstrip(), escape))
        has_value = has_value or bool(pieces[-1])
        if line.rstrip().endswith(escape):
            continue  # the instruction goes on in the next line
        pending.value = "".join(pieces)
        if problems is not None and len(found) == MAX_INSTRUCTIONS:
            reason = f"more than {MAX_INSTRUCTIONS:,} instructions; the rest was not scanned"
            problems.append(ParseError(reason, pending.start_line))
            break
        found.append(pending)
        if _opens_heredocs(pending):
            index = _read_heredocs(lines, index, pending)
        pending = None
    return found


def _opens_heredocs(instruction: RawInstruction) -> bool:
    """RUN, COPY and ADD take heredocs; so does an ONBUILD registering one of them (BuildKit's
    `heredocCompoundDirectives`)."""
    keyword = instruction.keyword
    if keyword == "ONBUILD":
        keyword = (instruction.value.split(None, 1) or [""])[0].upper()
    return keyword in _WITH_HEREDOCS


def _without_escape(text: str, escape: str) -> str:
    """The text without trailing whitespace and a continuation's escape character."""
    text = text.rstrip()
    return text[:-1] if text.endswith(escape) else text


def heredoc_markers(value: str) -> list[tuple[bool, str]]:
    """(strip_tabs, delimiter) of each heredoc an instruction opens; quoted text is skipped.

    What `MARKER_OR_QUOTED.finditer` finds, without retrying a `"` inside an unclosed string:
    each `"` there is escaped, and a string opened at it would end where the first one did
    (`re` would rescan to that end from every `\"` of a long run: quadratic)."""
    markers = []
    position, unclosed_end = 0, 0
    while start := _MARKER_START.search(value, position):
        index = start.start()
        if value[index] == '"' and index < unclosed_end:
            position = index + 1
            continue
        match = MARKER_OR_QUOTED.match(value, index)
        if match is None:
            unclosed = _DOUBLE_QUOTED_PREFIX.match(value, index)  # a `"` that never closes
            unclosed_end = unclosed.end() if unclosed else unclosed_end
            position = index + 1
            continue
        if match.group(3):
            markers.append((match.group(1) == "-", match.group(3)))
        position = match.end()
    return markers


def _read_heredocs(lines: list[str], index: int, instruction: RawInstruction) -> int:
    """Read the bodies of the heredocs an instruction opens, from the 0-based line `index`
    on; return the index of the line after the last terminator."""
    for strip_tabs, delimiter in heredoc_markers(instruction.value):
        body_start, body = index, []
        while index < len(lines):
            line = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if line.rstrip() == delimiter:
                break
            body.append(line)
        instruction.heredocs.append(
            Heredoc(delimiter, "\n".join(body), strip_tabs, body_start + 1, index)
        )
    return index
