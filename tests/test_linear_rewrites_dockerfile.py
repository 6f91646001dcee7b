"""The Dockerfile splitter's linear rewrite gives what dockerfile-parse gave (heredoc bodies
blanked and parsed again), where BuildKit agrees with dockerfile-parse (where they differ, the
splitter reads as BuildKit does: tests/hostile/test_dockerfile_lines.py). The other rewrites
are checked in tests/test_linear_rewrites.py."""

from __future__ import annotations

import io
import re
from typing import Any

from hypothesis import assume, example, given
from hypothesis import strategies as st

from guardlint.parse.docker_words import dequoted, docker_words
from guardlint.parse.dockerfile_split import (
    Heredoc,
    escape_character,
    heredoc_markers,
    parser_directives,
    split_instructions,
)
from tests.test_linear_rewrites import EXAMPLES, text_of

# --- the Dockerfile splitter: dockerfile-parse, then heredoc bodies blanked and parsed again --


def dockerfile_parse_escape(text_lines: list[str]) -> str:
    """The escape character as dockerfile-parse reads it: `# escape=` with a backslash or a
    backtick alone, among the escape and syntax directives at the top."""
    escape = "\\"
    for line in text_lines:
        directive = re.match(r"\s*#\s*escape\s*=\s*([\\`])\s*$", line, re.IGNORECASE)
        if directive:
            escape = directive.group(1)
        elif not re.match(r"\s*#\s*syntax\s*=", line, re.IGNORECASE):
            return escape
    return escape


def with_empty_continuations_as_comments(text_lines: list[str]) -> list[str]:
    """BuildKit skips a blank line inside a continued instruction; dockerfile-parse ends the
    instruction there, but skips a comment line as BuildKit does."""
    escape = dockerfile_parse_escape(text_lines)
    lines, continued = [], False
    for line in text_lines:
        if not line.strip():
            line = "#" if continued else line
        elif not line.lstrip().startswith("#"):
            continued = line.rstrip().endswith(escape)
        lines.append(line)
    return lines


def old_structure(text_lines: list[str]) -> list[dict[str, Any]]:
    from dockerfile_parse import DockerfileParser

    text = "\n".join(with_empty_continuations_as_comments(text_lines)) + "\n"
    parser = DockerfileParser(fileobj=io.StringIO(text), env_replace=False)
    return [entry for entry in parser.structure if entry["instruction"] != "COMMENT"]


def old_take_heredocs(text_lines: list[str], entry: dict[str, Any]) -> list[Heredoc]:
    heredocs = []
    index = entry["endline"] + 1
    for strip_tabs, delimiter in _old_heredoc_markers(entry["value"]):
        body_start, body = index, []
        while index < len(text_lines):
            line = text_lines[index].lstrip("\t") if strip_tabs else text_lines[index]
            text_lines[index] = ""
            index += 1
            if line.rstrip() == delimiter:
                break
            body.append(line)
        heredocs.append(Heredoc(delimiter, "\n".join(body), strip_tabs, body_start + 1, index))
    return heredocs


_OLD_MARKER = re.compile(  # the splitter's marker before it read words as BuildKit does
    r"(?<!<)<<(?!<)(-?)\s*(['\"]?)([A-Za-z_][\w.-]*)\2|'[^']*'|\"(?:\\.|[^\"\\])*\""
)


def _old_heredoc_markers(value: str) -> list[tuple[bool, str]]:
    return [(m.group(1) == "-", m.group(3)) for m in _OLD_MARKER.finditer(value) if m.group(3)]


def buildkit_agrees(lines: list[str], escape: str) -> bool:
    """Whether BuildKit reads the lines as dockerfile-parse does: no keyword cut by a line
    continuation, no escaped escape or blank but a space or tab after a last escape, no marker
    that is not a word of its own (on a line or in an instruction's joined value), no delimiter
    with blanks after it."""
    for line in lines:
        first = line.split(None, 1)[0] if line.strip() else ""
        end = line.rstrip(" \t")
        if first.endswith(escape) or end.endswith(escape * 2) or end != line.rstrip():
            return False
        if _old_heredoc_markers(line) != heredoc_markers(line):
            return False
    # A marker may also be glued to a word by a continuation (`RUN a=\` then `<<EOF`).
    values = [entry["value"] for entry in old_structure(lines)]
    return all(_old_heredoc_markers(value) == heredoc_markers(value) for value in values)


def old_split(lines: list[str], escape: str) -> list[tuple[Any, ...]]:
    text_lines = list(lines)
    heredocs_at: dict[int, list[Heredoc]] = {}
    entries = old_structure(text_lines)
    position = 0
    while position < len(entries):
        entry = entries[position]
        start = entry["startline"]
        if entry["instruction"] not in ("RUN", "COPY", "ADD") or start in heredocs_at:
            position += 1
            continue
        original = list(text_lines)
        heredocs = old_take_heredocs(text_lines, entry)
        if not heredocs:
            position += 1
            continue
        heredocs_at[start] = heredocs
        last = heredocs[-1].end_line
        continued = any(
            original[i].rstrip().endswith(escape) for i in range(entry["endline"] + 1, last)
        )
        if continued:
            entries = old_structure(text_lines)
            position = next(i for i, e in enumerate(entries) if e["startline"] == start) + 1
        else:
            later = [e for e in entries[position + 1 :] if e["startline"] >= last]
            entries = [*entries[: position + 1], *later]
            position += 1
    return [
        (e["instruction"], e["value"], e["startline"] + 1, e["endline"] + 1,
         heredocs_at.get(e["startline"], []))
        for e in entries
    ]  # fmt: skip


LINE = text_of(
    "RUN", "COPY", "add", "FROM", "ENV", " ", "\t", "\u00a0", "x", "<<EOF", "<<-EOF", "<<'EOF'",
    "EOF", "\tEOF", "\\", "`", "#", "# escape=`", "# escape=\\", "# syntax=x", '"', "'", "<<A",
    "A",
    max_size=6,
)  # fmt: skip


@EXAMPLES
@given(st.lists(LINE, max_size=14))
@example(["# escape=`RUN", "\\", ""])  # not a directive to dockerfile-parse: backslash escapes
@example(["RUN # escape=\\", "<<EOF"])  # a marker glued to a word by the continuation
def test_dockerfile_split(lines):
    escape = escape_character(parser_directives(lines))
    assume(buildkit_agrees(lines, escape))
    new = [
        (r.keyword, r.value, r.start_line, r.end_line, r.heredocs)
        for r in split_instructions(lines)
    ]
    assert _fields(new) == _fields(old_split(lines, escape))


def _fields(split: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each instruction with its heredocs' fields: heredocs have no __eq__ (the scan never
    compares them)."""
    return [(*head, [vars(heredoc) for heredoc in heredocs]) for *head, heredocs in split]


# --- ENV and ARG words: dockerfile-parse's WordSplitter, which copied each word per character --

WORD_TEXT = text_of("a", " ", "\t", "\u00a0", "\r", "'", '"', "\\", "=", "$", "x y", max_size=14)


@EXAMPLES
@given(WORD_TEXT, st.sampled_from([None, 0, 1, 2]), st.booleans())
@example('a\\"b "c\\ d" \'e\\ f\'', None, False)
def test_docker_words(text, maxsplit, dequote):
    from dockerfile_parse.util import WordSplitter

    old = list(WordSplitter(text).split(maxsplit=maxsplit, dequote=dequote))
    assert list(docker_words(text, maxsplit, dequote)) == old
    assert dequoted(text) == WordSplitter(text).dequote()
