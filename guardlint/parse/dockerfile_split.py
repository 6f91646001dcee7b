"""Dockerfile lines to instructions and their heredoc bodies, in one pass over the lines.

The lines are read as BuildKit's parser (frontend/dockerfile/parser) reads them, where it differs
from dockerfile-parse (which guardlint used before) so that a pull request could hide an
instruction from the rules that BuildKit builds:
- a line ends at `\n` only, without its trailing `\r`s (`dockerfile_lines`): Python's
  splitlines also breaks at `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, U+2028 and U+2029, which
  BuildKit reads as characters of the line;
- a line whose escape character (`\\`, or `` ` `` from an `# escape=` directive among the
  parser directives at the top: syntax, escape, check) is followed by nothing but spaces and
  tabs, and is not itself escaped (`foo\\\\` ends the instruction), goes on in the next line:
  the escape character is dropped and the pieces joined; a comment line inside is skipped, and
  so is a blank one (BuildKit's deprecated "empty continuation line", still read so), blank
  and comment as Go's unicode.IsSpace has it, and the first other line that does not go on
  ends the instruction;
- an instruction still continued at the end of the file is dropped;
- the keyword is the first word of the joined lines, upper-cased (`US\\` then `ER root` is
  `USER root`; even `RUN` alone is an instruction).

BuildKit heredocs (`RUN <<EOF` ... `EOF`, `ONBUILD RUN <<EOF` too) are read right after the
instruction that opens them, so a body line is never taken for an instruction, nor continues
one. A heredoc is a word of the instruction as BuildKit's lexer splits it
(guardlint.parse.heredoc_words: `<<EOF`, `<<-"EOF"`, `2<<EOF`, `<<E_X`, `<< EOF`; not
`cat<<EOF`, `\\<<EOF` or `$X<<EOF`, which BuildKit leaves to the shell, and whose next lines
are instructions), and its body ends at a line that is exactly its delimiter (after a `<<-`'s
leading tabs). Which heredocs a frontend reads depends on its version (`<< EOF` from
docker/dockerfile 1.16, none before 1.4: guardlint.parse.dockerfile_frontend); the caller
chooses the reading, by default the first the `# syntax=` directive allows. Every step looks
at each line once: the time is linear in the file, whatever
the number or length of its instructions (dockerfile-parse grows each joined value by copying
it: quadratic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from guardlint.parse.dockerfile_frontend import Heredocs, heredoc_readings
from guardlint.parse.heredoc_words import heredoc_markers
from guardlint.parse.text import ParseError

# The instructions read in one Dockerfile: real ones have hundreds; 5 MB of `RUN x` lines is
# 800,000, each read by every rule (a minute; 50,000 take seconds). Those past it are not read,
# and it is said.
MAX_INSTRUCTIONS = 50_000

HEREDOC_MARKER = re.compile(r"(?<!<)<<(?!<)(-?)\s*(['\"]?)([A-Za-z_][\w.-]*)\2")
_INSTRUCTION = re.compile(r"\s*(\S+)(?:\s+(.*))?")
# Go's unicode.IsSpace, with which BuildKit finds comment and blank lines: Python's `\s` also
# takes `\x1c`-`\x1f`, so a continuation line of one would be skipped where BuildKit ends the
# instruction with it.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_COMMENT = re.compile(f"[{_GO_SPACE}]*#")
_BLANK = re.compile(f"[{_GO_SPACE}]*")
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


def dockerfile_lines(text: str) -> list[str]:
    """A Dockerfile's lines as BuildKit reads them: split at `\\n` only, each without its
    trailing `\\r`s."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines] if "\r" in text else lines


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
    lines: list[str], problems: list[ParseError] | None = None, reading: Heredocs | None = None
) -> list[RawInstruction]:
    """The instructions of a Dockerfile, each with the heredocs whose bodies follow it, as the
    frontend reads them (`reading`; by default the first its `# syntax=` may have). With
    `problems`, the first MAX_INSTRUCTIONS only, and a problem where the rest begins."""
    directives = parser_directives(lines)
    escape = escape_character(directives)
    reading = reading or heredoc_readings(directives.get("syntax"))[0]
    found: list[RawInstruction] = []
    pending: RawInstruction | None = None
    pieces: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if _COMMENT.match(line) or (pending is not None and _BLANK.fullmatch(line)):
            continue
        if pending is None:
            if not line.strip():
                continue
            pending = RawInstruction("", "", index, index)
            pieces = []
        pending.end_line = index
        goes_on = _goes_on(line, escape)
        pieces.append(line.rstrip(" \t")[:-1] if goes_on else line.rstrip())
        if goes_on:
            continue  # the instruction goes on in the next line
        match = _INSTRUCTION.match("".join(pieces))
        if match is None:  # only characters Python takes for blanks
            pending = None
            continue
        pending.keyword, pending.value = match.group(1).upper(), match.group(2) or ""
        if problems is not None and len(found) == MAX_INSTRUCTIONS:
            reason = f"more than {MAX_INSTRUCTIONS:,} instructions; the rest was not scanned"
            problems.append(ParseError(reason, pending.start_line))
            break
        found.append(pending)
        if reading is not Heredocs.NONE and _opens_heredocs(pending):
            index = _read_heredocs(lines, index, pending, reading is Heredocs.SPACED)
        pending = None
    return found


def _opens_heredocs(instruction: RawInstruction) -> bool:
    """RUN, COPY and ADD take heredocs; so does an ONBUILD registering one of them (BuildKit's
    `heredocCompoundDirectives`)."""
    keyword = instruction.keyword
    if keyword == "ONBUILD":
        keyword = (instruction.value.split(None, 1) or [""])[0].upper()
    return keyword in _WITH_HEREDOCS


def _goes_on(line: str, escape: str) -> bool:
    """Whether the line goes on in the next: it ends with the escape character and spaces or
    tabs, and that character is not escaped itself (BuildKit's lineContinuationRegex)."""
    text = line.rstrip(" \t")
    return text.endswith(escape) and not text.endswith(escape + escape)


def _read_heredocs(
    lines: list[str], index: int, instruction: RawInstruction, marker_blanks: bool
) -> int:
    """Read the bodies of the heredocs an instruction opens, from the 0-based line `index`
    on; return the index of the line after the last terminator."""
    for strip_tabs, delimiter in heredoc_markers(instruction.value, marker_blanks):
        body_start, body = index, []
        while index < len(lines):
            line = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if line == delimiter:
                break
            body.append(line)
        instruction.heredocs.append(
            Heredoc(delimiter, "\n".join(body), strip_tabs, body_start + 1, index)
        )
    return index
