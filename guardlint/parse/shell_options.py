"""Where a POSIX shell command (guardlint.parse.shell) reads its script: the string of `-c`,
a script file, or its standard input, its options read as the shell reads them (`-o pipefail`
and `+O extglob` take a value, `-s` makes the operands arguments, `--` and `-` end them)."""

from __future__ import annotations

from guardlint.parse.shell_words import STDIN, Command

INLINE = -1  # `sh -c SCRIPT`: the script is an argument
# Options whose value is the next word (bash's long ones that name a file, and `-o`/`-O`).
_LONG_WITH_VALUE = frozenset({"--rcfile", "--init-file"})
_SHORT_WITH_VALUE = "oO"


def script_source(command: Command) -> int:
    """Where the shell `command` runs reads its script: the index in `words` of the script file,
    STDIN, or INLINE (`-c`)."""
    words, index, stdin = command.words, command.program_index + 1, False
    while index < len(words):
        word = words[index]
        if word in ("--", "-"):
            index += 1
            break
        if word in _LONG_WITH_VALUE:
            index += 2
            continue
        if len(word) < 2 or word[0] not in "-+":
            break
        if not word.startswith("--"):  # `--login`, `--norc`: none of them says where
            letters = word[1:]
            if "c" in letters and word[0] == "-":
                return INLINE
            stdin = stdin or "s" in letters
            index += letters[-1] in _SHORT_WITH_VALUE  # `-eo pipefail`: its value
        index += 1
    return STDIN if stdin or index >= len(words) else index


def reads_script_from_stdin(command: Command) -> bool:
    """A shell with no `-c` and no script file operand (or one made an argument by `-s`)."""
    return script_source(command) == STDIN
