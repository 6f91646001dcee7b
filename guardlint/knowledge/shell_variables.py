"""Shell variables that hold a download (`x=$(curl -fsSL ...)`, `export S="$(wget -qO- ...)"`),
followed through a script's commands in order, and the words that are just such a variable's
value (`"$x"`, `${S}`): shell_downloads sees them run (`eval "$x"`, `bash -c "$S"`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from guardlint.parse.shell_words import ASSIGNED, ASSIGNMENT, Command

_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
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
    substitution's script); given anything else, it no longer does. `NAME=value cmd` only
    sets cmd's environment, so it changes nothing."""
    by_word: dict[int, list[str]] = {}
    for sub in command.substitutions:
        if sub.kind == "$":
            by_word.setdefault(sub.word, []).append(sub.script)
    if not command.words:
        # Which of several assignments a substitution is in is not kept: all of those with
        # one are taken to hold the download (`a=$(cat f) b=$(curl ...)`: both).
        downloaded = any(map(prints_download, by_word.get(ASSIGNED, ())))
        for name, value in command.assignments:
            _assign(variables, name, downloaded and ("$(" in value or "`" in value))
        return
    if command.program not in _DECLARERS:
        return
    for index in range(command.program_index + 1, len(command.words)):
        word = command.words[index]
        if ASSIGNMENT.match(word):
            downloaded = any(map(prints_download, by_word.get(index, ())))
            _assign(variables, word.split("=", 1)[0], downloaded)


def _assign(variables: set[str], name: str, downloaded: bool) -> None:
    if downloaded:
        variables.add(name)
    else:
        variables.discard(name)
