"""What a Windows RUN deletes: PowerShell's Remove-Item (and its aliases ri, rm, rmdir, del,
erase, rd) and cmd's del, erase, rd and rmdir, in the command line a Windows stage's shell
runs (cmd by default, PowerShell after `SHELL ["powershell", ...]`), a `powershell -Command`
or `cmd /c` inside it too; each with the directory that `cd` (Set-Location, sl, chdir,
pushd) moved it to. A path as a Windows layer holds it (windows_path): `\\` or `/` as the
separator, letters in either case (NTFS does not tell them apart), `C:` the root.

Read conservatively: a Remove-Item with -WhatIf, -Include, -Exclude, -Filter or -Stream
deletes less than its path (or nothing), and names none, as does one given a subexpression
or script block; a path with a variable or on a provider's drive (`Cert:`, `HKLM:`) names
no known file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from guardlint.parse.lazy_pattern import LazyPattern

# The pieces of a command line: a quoted string (unclosed: to the end), a separator of
# statements, blanks, or a run of other characters. Each piece ends at the next quote,
# separator or blank, so a line is read once (linear).
_CMD_PIECES = LazyPattern(r'"[^"]*+"?|[&|\r\n]|[ \t]++|[^ \t&|\r\n"]++')
_POWERSHELL_PIECES = LazyPattern(r"\"[^\"]*+\"?|'[^']*+'?|[;&|{}\r\n]|[ \t]++|[^ \t;&|{}\r\n\"']++")
_NESTING = 4  # `cmd /c` and `powershell -Command` inside one another, at most

_POWERSHELL_REMOVE = frozenset({"remove-item", "ri", "rm", "rmdir", "del", "erase", "rd"})
_CMD_REMOVE = frozenset({"del", "erase", "rd", "rmdir"})
_CHANGE_DIRECTORY = frozenset({"cd", "chdir", "set-location", "sl", "pushd"})
_POWERSHELLS = frozenset({"powershell", "pwsh"})
# Remove-Item's parameters that take a value but name no path (the common parameters).
_VALUE_PARAMETERS = frozenset(
    {
        "erroraction", "ea", "warningaction", "wa", "errorvariable", "ev", "warningvariable",
        "wv", "outvariable", "ov", "outbuffer", "ob", "informationaction", "infa",
        "informationvariable", "iv", "pipelinevariable", "pv", "progressaction", "proga",
        "credential",
    }
)  # fmt: skip
# A drive (`C:`) and what follows it; a provider's drive (`Cert:`, `HKLM:`) is longer.
_DRIVE = re.compile(r"([a-z]):(.*)", re.DOTALL)
_PROVIDER = re.compile(r"[a-z][\w.-]+:")
_SEPARATORS = re.compile(r"//++")

Place = TypeVar("Place")  # a directory or file, as the caller keeps paths


def windows_path(text: str) -> str | None:
    """A Windows path as a layer holds it, `/`-separated and in lower case: `C:\\App\\x` is
    `/app/x`, another drive's `D:\\x` is `/d:/x`, a relative one stays relative. None for
    one that names no known place: a drive's current directory (`C:x`), a share
    (`\\\\server\\x`), a provider's path (`Cert:\\...`)."""
    path = text.strip().replace("\\", "/").lower()
    if path.startswith("//") or "::" in path:
        return None
    path = _SEPARATORS.sub("/", path)  # Windows reads `C:\\\\x` as `C:\\x`
    drive = _DRIVE.fullmatch(path)
    if drive:
        letter, rest = drive.groups()
        if not rest.startswith("/"):
            return None
        return rest if letter == "c" else f"/{letter}:{rest}"
    return None if _PROVIDER.match(path) else path


def _statements(text: str, powershell: bool) -> Iterator[list[str]]:
    """The words of each statement of a command line, quotes removed."""
    pieces = (_POWERSHELL_PIECES if powershell else _CMD_PIECES).finditer(text)
    # A script block's braces end a statement too: `try { Remove-Item x } catch {}`.
    separators = ";&|{}\r\n" if powershell else "&|\r\n"
    statement: list[str] = []
    word: list[str] = []  # the pieces of the word being read
    for piece in pieces:
        value = piece.group()
        first = value[0]
        if first in " \t" or first in separators:
            if word:
                statement.append("".join(word))
                word = []
            if first in separators and statement:
                yield statement
                statement = []
            continue
        if first == '"' or (powershell and first == "'"):
            value = value[1:-1] if len(value) > 1 and value[-1] == first else value[1:]
        word.append(value)
    if word:
        statement.append("".join(word))
    if statement:
        yield statement


def _program(word: str) -> str:
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.removesuffix(".exe")


def _known(path: str) -> bool:
    """Whether a word is a path as written: no variable, subexpression or script block."""
    return bool(path) and not any(c in path for c in "$({@`")


def _powershell_paths(words: list[str]) -> list[str]:
    """The paths Remove-Item is given (positional, -Path, -LiteralPath), or none when it
    deletes less than them or nothing."""
    if any("(" in word or "{" in word for word in words):
        return []  # a subexpression's or script block's words are no paths of their own
    paths: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if len(word) < 2 or not word.startswith("-"):
            paths.extend(word.split(","))
            continue
        name, colon, value = word[1:].lower().partition(":")
        if name in ("lp", "pspath") or (
            len(name) >= 2 and ("path".startswith(name) or "literalpath".startswith(name))
        ):
            if not colon and index < len(words):
                value, index = words[index], index + 1
            paths.extend(value.split(","))
        elif name.startswith(("wh", "wi", "in", "ex", "fi", "st")):
            if not name.startswith(("wh", "wi")) or value != "$false":
                return []
        elif name in _VALUE_PARAMETERS and not colon:
            index += 1
    return paths


def _script_after(words: list[str], options: tuple[str, ...]) -> str | None:
    """The script a shell is given after its command option (`powershell -Command ...`,
    `cmd /c ...`): the words that follow, joined."""
    for index, word in enumerate(words[1:], 1):
        if word.lower().startswith(options):
            return " ".join(words[index + 1 :])
    return None


def _is_command_option(word: str) -> bool:
    lowered = word.lower()
    name = lowered[2:] if lowered.startswith("--") else lowered[1:]
    return lowered[:1] in "-/" and bool(name) and "command".startswith(name)


def removals(
    text: str,
    powershell: bool,
    directory: Place | None,
    join: Callable[[Place | None, str], Place | None],
    nesting: int = _NESTING,
) -> Iterator[Place]:
    """The places a command line deletes (cmd's, or PowerShell's script). `directory` is where
    it starts (None: not known); a `cd` moves the statements after it in the same shell.
    `join(directory, path)` is the place a windows_path names from a directory (an absolute
    path needs none; None: not known)."""
    for words in _statements(text, powershell):
        program = _program(words[0])
        if program in _CHANGE_DIRECTORY:
            switch = "-" if powershell else "/"
            places = [w for w in words[1:] if not w.startswith(switch)]
            directory = _place(places[0], directory, join) if places else directory
        elif program in (_POWERSHELL_REMOVE if powershell else _CMD_REMOVE):
            if powershell:
                paths = _powershell_paths(words[1:])
            else:
                paths = [w for w in words[1:] if not w.startswith("/")]
            for path in paths:
                place = _place(path, directory, join)
                if place is not None:
                    yield place
        elif nesting > 0 and program in _POWERSHELLS:
            option = next((i for i, w in enumerate(words) if _is_command_option(w)), None)
            if option is not None:
                script = " ".join(words[option + 1 :])
                yield from removals(script, True, directory, join, nesting - 1)
        elif nesting > 0 and program == "cmd":
            script = _script_after(words, ("/c", "/k"))
            if script is not None:
                yield from removals(script, False, directory, join, nesting - 1)


def _place(
    path: str, directory: Place | None, join: Callable[[Place | None, str], Place | None]
) -> Place | None:
    """The place a written path names from `directory` (None: not known)."""
    target = windows_path(path) if _known(path) else None
    if target is None or (directory is None and not target.startswith("/")):
        return None
    return join(directory, target)
