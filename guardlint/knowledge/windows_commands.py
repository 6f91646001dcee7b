"""What a Windows RUN deletes: PowerShell's Remove-Item (and its aliases ri, rm, rmdir, del,
erase, rd) and cmd's del, erase, rd and rmdir, in the command line a Windows stage's shell
runs (cmd by default, PowerShell after `SHELL ["powershell", ...]`), a `powershell -Command`
or `cmd /c` inside it too; each with the directory that `cd` (Set-Location, sl, chdir,
pushd) moved it to, and what a listing pipes to a Remove-Item that names no path
(`Get-ChildItem C:\\x | Remove-Item`, `gi x | rm`). A path as a Windows layer holds it
(windows_path): `\\` or `/` as the separator, letters in either case (NTFS does not tell them
apart), `C:` the root.

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
_DRIVE = LazyPattern(r"([a-z]):(.*)", re.DOTALL)
_PROVIDER = LazyPattern(r"[a-z][\w.-]+:")
_SEPARATORS = LazyPattern(r"//++")

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


def _statements(text: str, powershell: bool) -> Iterator[tuple[list[str], bool]]:
    """The words of each statement of a command line, quotes removed, and whether a pipe (one
    `|`, not `||`) feeds it the output of the statement before."""
    pieces = (_POWERSHELL_PIECES if powershell else _CMD_PIECES).finditer(text)
    # A script block's braces end a statement too: `try { Remove-Item x } catch {}`.
    separators = ";&|{}\r\n" if powershell else "&|\r\n"
    statement: list[str] = []
    word: list[str] = []  # the pieces of the word being read
    between = ""  # the separators since the last statement
    for piece in pieces:
        value = piece.group()
        first = value[0]
        if first in " \t" or first in separators:
            if word:
                statement.append("".join(word))
                word = []
            if first in separators and statement:
                yield statement, between == "|"
                statement, between = [], ""
            if first in separators and len(between) < 2:
                between += first
            continue
        if first == '"' or (powershell and first == "'"):
            value = value[1:-1] if len(value) > 1 and value[-1] == first else value[1:]
        word.append(value)
    if word:
        statement.append("".join(word))
    if statement:
        yield statement, between == "|"


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


# What lists a place to delete through a pipe: Get-ChildItem (gci, ls, dir) its children, every
# one (the files below a directory Remove-Item cannot take without -Recurse fail the RUN),
# Get-Item (gi) the place itself. Each deletes the files below the path it is given; a listing
# with any other parameter (-Filter, -Include, -Exclude, -File, -Directory, -Name, -Depth,
# -Attributes ...) or a second positional (the filter) selects less, so names none.
_LISTINGS = frozenset({"get-childitem", "gci", "ls", "dir", "get-item", "gi"})
_LISTING_SWITCHES = ("recurse", "force")
# What Remove-Item may say and still take each item piped to it.
_REMOVE_SWITCHES = ("force", "recurse", "confirm")


def _switch(word: str, names: tuple[str, ...]) -> bool:
    """Whether a word is one of the switches `names` (or an abbreviation PowerShell accepts)."""
    name = word[1:].lower().partition(":")[0]
    return word.startswith("-") and len(name) >= 2 and any(n.startswith(name) for n in names)


def _listed_paths(words: list[str]) -> list[str]:
    """The one path a listing statement (_LISTINGS) is given, every item below it piped on;
    none for any other statement or a listing that selects less."""
    if _program(words[0]) not in _LISTINGS:
        return []
    paths: list[str] = []
    index = 1
    while index < len(words):
        word = words[index]
        index += 1
        name, colon, value = word[1:].lower().partition(":")
        if len(word) < 2 or not word.startswith("-"):
            paths.append(word)
        elif name in ("lp", "pspath") or (
            len(name) >= 2 and ("path".startswith(name) or "literalpath".startswith(name))
        ):
            if not colon and index < len(words):
                value, index = words[index], index + 1
            paths.append(value)
        elif name in _VALUE_PARAMETERS and not colon:
            index += 1
        elif not _switch(word, _LISTING_SWITCHES) and name not in _VALUE_PARAMETERS:
            return []
    return paths if len(paths) == 1 and "," not in paths[0] else []


def _removes_its_input(words: list[str], piped: list[str]) -> list[str]:
    """The listed paths a Remove-Item that names none deletes: those piped to it, when it
    says nothing that deletes less (-Include, -WhatIf ...)."""
    if not piped:
        return []
    index = 1
    while index < len(words):
        word = words[index]
        name = word[1:].lower().partition(":")[0]
        if name in _VALUE_PARAMETERS and ":" not in word:
            index += 1
        elif not _switch(word, _REMOVE_SWITCHES) and name not in _VALUE_PARAMETERS:
            return []
        index += 1
    return piped


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
    listed: list[str] = []  # the paths the statement before lists, piped to this one
    for words, piped in _statements(text, powershell):
        program = _program(words[0])
        listed, piped_paths = (
            (_listed_paths(words) if powershell else []),
            listed if piped else [],
        )
        if program in _CHANGE_DIRECTORY:
            switch = "-" if powershell else "/"
            places = [w for w in words[1:] if not w.startswith(switch)]
            directory = _place(places[0], directory, join) if places else directory
        elif program in (_POWERSHELL_REMOVE if powershell else _CMD_REMOVE):
            if powershell:
                paths = _powershell_paths(words[1:]) or _removes_its_input(words, piped_paths)
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
