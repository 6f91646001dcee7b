"""Shell variables that hold a download (`x=$(curl -fsSL ...)`, `export S="$(wget -qO- ...)"`),
followed through a script's commands in order, and the words that are just such a variable's
value (`"$x"`, `${S}`): shell_downloads sees them run (`eval "$x"`, `bash -c "$S"`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell_words import ASSIGNED, ASSIGNMENT, Command

_REFERENCE = LazyPattern(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
# Builtins whose `NAME=value` operands assign shell variables.
_DECLARERS = frozenset({"export", "local", "declare", "readonly", "typeset"})


def holds_download(word: str, variables: set[str] | None) -> bool:
    """Whether the word is only the value of one of `variables` (`$x`, `${x}`): a value
    built around it (`export V=$x`, `print('$x')`) is data, not the code that runs."""
    if not variables or not word.startswith("$"):
        return False
    match = _REFERENCE.fullmatch(word)
    return match is not None and (match.group(1) or match.group(2)) in variables


def track_assignments(
    command: Command, variables: set[str], prints_download: Callable[[str], bool]
) -> None:
    """Update `variables` with the command's assignments: a variable given what a
    substitution printing a download prints holds one (`prints_download` tells, from the
    substitution's script), as does one given such a variable (`y="$x"`); given anything
    else, it no longer does. `NAME=value cmd` only
    sets cmd's environment (command_environment), so it changes nothing here."""
    if not command.words:
        _assign_each(command, variables, prints_download)
        return
    if command.program not in _DECLARERS:
        return
    by_word: dict[int, list[str]] = {}
    for sub in command.substitutions:
        if sub.kind == "$":
            by_word.setdefault(sub.word, []).append(sub.script)
    for index in range(command.program_index + 1, len(command.words)):
        word = command.words[index]
        if ASSIGNMENT.match(word):
            name, value = word.split("=", 1)
            downloaded = any(map(prints_download, by_word.get(index, ())))
            _assign(variables, name, downloaded or holds_download(value, variables))


@contextlib.contextmanager
def command_environment(
    command: Command, variables: set[str], prints_download: Callable[[str], bool]
) -> Iterator[set[str]]:
    """`variables` as the scripts the command runs see them: with the command's own
    assignments, in their environment (`b=$(curl ...) sh -c 'eval "$b"'`), which the shell
    drops after the command. The set is changed in place and restored, not copied: a copy
    per command would cost as many steps as there are variables, each time."""
    if not command.words or not command.assignments:
        yield variables
        return
    before = [(name, name in variables) for name, _ in reversed(command.assignments)]
    _assign_each(command, variables, prints_download)
    try:
        yield variables
    finally:
        for name, held in before:  # reversed: a name assigned twice gets its first value
            _assign(variables, name, held)


def _assign_each(
    command: Command, variables: set[str], prints_download: Callable[[str], bool]
) -> None:
    """The leading `NAME=value` assignments, in order, each holding a download or not by its
    own value: a substitution printing one (`a=$(cat f) b=$(curl ...)`: only b), or a
    variable holding one (`y=$x`)."""
    downloaded: set[int] = set()
    for sub in command.substitutions:
        # Once one of an assignment's substitutions prints a download, the rest need not be read.
        held = sub.assignment in downloaded
        if sub.word == ASSIGNED and sub.kind == "$" and not held and prints_download(sub.script):
            downloaded.add(sub.assignment)
    for position, (name, value) in enumerate(command.assignments):
        _assign(variables, name, position in downloaded or holds_download(value, variables))


def _assign(variables: set[str], name: str, downloaded: bool) -> None:
    if downloaded:
        variables.add(name)
    else:
        variables.discard(name)
