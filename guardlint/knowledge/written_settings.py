"""Settings as a configuration file writes them, and those a command writes into one: the lines
`echo` or `printf` sends into a file or a program (`echo "DB_PASSWORD=..." >> .env`,
`printf '[client]\\npassword=...' > ~/.my.cnf`, `echo '<password>...</password>' >
settings.xml`) or a heredoc feeds to `cat` or `tee` (`cat > app.conf <<EOF`). Such a line holds
its secret as the file will: it is read as a file's line is (secret_lines)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.knowledge.command_secrets import CommandSecret
from guardlint.knowledge.secret_names import may_name_a_secret
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell_words import SCRIPT_OUTPUT, Command, program_name, unwrap

# `name: value` or `name=value`, and as configuration files embedded in a manifest write it:
# an XML element (`<password>value</password>`), Logstash's or Ruby's `name => value`, a JAAS
# login's `password=\"value\"` inside a quoted string. Tried only where a run of name
# characters starts, skipping those that cannot start a name: the name always runs to the end
# of the run, and `re` would otherwise rescan a long run from each of its characters
# (quadratic). Not after a colon: there the name is a part of a path
# (`arn:aws:secretsmanager:...:secret:NAME`, a resource type). A name may hold a `/` (an
# annotation's prefix: `checksum/secret` names a digest, not a secret).
ASSIGNMENT = re.compile(
    r"""(?<![\w.:/-])(?:(?![A-Za-z_])[\w.-])*+(?P<name>[A-Za-z_][\w./-]*+)"""
    r"""["']?\s*(?:[:=]>?|>)\s*(?:\\?["'])?(?P<value>[A-Za-z0-9+/=_\-!@#%^&*.~]{12,})"""
)

# An XML element's name and value attributes, as .NET's appSettings (`<add key="DbPassword"
# value="..."/>`), Spring's beans (`<property name="password" value="..."/>`) or Tomcat's
# context (`<Parameter name="password" value="..."/>`) write a setting. Tried where `key` or
# `name` starts a word; neither quoted part runs past its quote.
_ATTRIBUTE_PAIR = LazyPattern(
    r"""(?<![\w.:-])(?:key|name)\s*=\s*(?P<quote>["'])(?P<name>[A-Za-z_][\w.:/-]*)(?P=quote)"""
    r"""\s+value\s*=\s*(?P<open>["'])(?P<value>[^"'\s]{12,})(?P=open)""",
    re.IGNORECASE,
)

# An XML element whose value is written on a line of its own (`<password>\n  VALUE\n</password>`,
# as formatters wrap long values), its line breaks real or printf's `\n`: tried where `<`
# starts, the name and the value each read to their end, none past the next `<`.
_ELEMENT_OVER_LINES = LazyPattern(
    r"<(?P<name>[A-Za-z_][\w.:-]*+)>[ \t]*+(?:\r?\n|\\n)[ \t]*+(?P<value>[^\s<>'\"\\]++)"
    r"[ \t]*+(?:(?:\r?\n|\\n)[ \t]*+)?</(?P=name)>"
)

_ECHOES = frozenset({"echo", "printf"})
_FEEDS = frozenset({"cat", "tee"})  # a heredoc's body, written out
# The line breaks and tabs echo -e and printf write for their escapes: a line starts after one.
_LINE_BREAK = LazyPattern(r"\\[nrt]|\n")
_KIND = "Secret Keyword"  # detect-secrets' name for a secret under a secret-looking name


def echoed_settings(text: str, folded: str) -> Iterator[CommandSecret]:
    """Each (name, literal value) setting that a command of `text` writes into a file or
    feeds to another program (not a message it prints to the build log: `echo "Set
    password=..."` may be a hint), with where its value is first written in `text`."""
    if "echo" not in folded and "printf" not in folded and "<<" not in text:
        return
    if not may_name_a_secret(folded):  # each setting is judged by its name
        return
    # Imported here: a scan whose texts run no such command (most manifests) never needs the
    # shell parser.
    from guardlint.parse.shell import run_commands

    for command in run_commands(text):
        program, first = _program(command)
        if command.output_stream == SCRIPT_OUTPUT and program != "tee":
            continue
        if program in _ECHOES:
            written = zip(command.words[first:], command.offsets[first:], strict=False)
        elif program in _FEEDS and command.input_text:
            written = ((command.input_text, command.offsets[0]),)
        else:
            continue
        for words, start in written:
            settings = [setting[:2] for setting in element_settings(words)]
            for line in _LINE_BREAK.split(words):
                settings.extend(_settings(line))
            for name, value in settings:
                yield CommandSecret(_KIND, max(text.find(value, start), 0), value, name)


def _program(command: Command) -> tuple[str, int]:
    """The program a command runs and the index of its first argument, past wrappers (`sudo
    tee`) and a Dockerfile instruction's keyword and flags (`RUN --mount=... echo`), with which
    an instruction's text starts."""
    words = command.words
    keyword = 0
    while keyword < len(words) and (words[keyword].isupper() or words[keyword].startswith("--")):
        keyword += 1
    effective = unwrap(words[keyword:])
    return (program_name(effective[0]) if effective else ""), len(words) - len(effective) + 1


def line_settings(line: str) -> list[tuple[str, str, int]]:
    """(name, value, where the value starts) of each setting of a configuration file's line,
    in the order they are written: each assignment, one written as the value of another (`env:
    AWS_SECRET_ACCESS_KEY=...`, whose value the first takes whole), and each XML element's
    name and value attributes. Only that one level: looking again in each value found would
    rescan `a=a=a=...` from every `=` (quadratic)."""
    found = []
    for assignment in ASSIGNMENT.finditer(line):
        name, value = assignment.group("name", "value")
        found.append((name, value, assignment.start("value")))
        inner = ASSIGNMENT.search(value)
        if inner is not None:
            found.append((*inner.group("name", "value"), found[-1][2] + inner.start("value")))
    if "value" in line.casefold():
        pairs = _ATTRIBUTE_PAIR.finditer(line)
        found.extend((*pair.group("name", "value"), pair.start("value")) for pair in pairs)
        found.sort(key=lambda setting: setting[2])
    return found


def element_settings(text: str) -> Iterator[tuple[str, str, int]]:
    """(name, value, where the value starts) of each XML element whose value is written on a
    line of its own, between its opening and closing tags."""
    if "</" in text:
        for element in _ELEMENT_OVER_LINES.finditer(text):
            yield (*element.group("name", "value"), element.start("value"))


def _settings(line: str) -> Iterator[tuple[str, str]]:
    """The settings of a line whose value is whole: not the start of one a variable ends."""
    for name, value, start in line_settings(line):
        if line[start + len(value) : start + len(value) + 1] not in ("$", "`"):
            yield name, value
