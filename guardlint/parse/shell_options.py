"""Where a shell command (guardlint.parse.shell) reads its script: the string of `-c`, a script
file, or its standard input, its options read as the shell reads them (`-o pipefail` and `+O
extglob` take a value, `-s` makes the operands arguments, `--` and `-` end them); and the
script that a shell, fish, su or runuser is given to run (`sh -c '...'`, `su -c '...'`)."""

from __future__ import annotations

from guardlint.parse.shell_words import STDIN, Command

# Programs that read a POSIX shell script.
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
INLINE = -1  # `sh -c SCRIPT`: the script is an argument
# Options whose value is the next word (bash's long ones that name a file, and `-o`/`-O`).
_LONG_WITH_VALUE = frozenset({"--rcfile", "--init-file"})
_SHORT_WITH_VALUE = "oO"
# Programs that run the shell command given with `-c` (su and runuser in the user's login
# shell; fish reads the same simple commands and pipelines), and their long options for it.
_COMMAND_OPTION_READERS = frozenset({"fish", "su", "runuser"})
_COMMAND_OPTIONS = frozenset({"--command", "--session-command"})


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


def stdin_script(command: Command) -> str | None:
    """The script a POSIX shell reads from the heredoc or here-string it is fed (`bash <<EOF`,
    `sh -s -- -y <<< "$x"`), or None."""
    if command.input_text and command.program in POSIX_SHELLS and reads_script_from_stdin(command):
        return command.input_text
    return None


def inline_script(command: Command) -> tuple[int, str] | None:
    """The shell script the command is given to run, and the index in `words` of the word it
    is in: `sh -c SCRIPT`, `bash -eo pipefail -c SCRIPT`, `fish -c SCRIPT`, `su - app -c
    SCRIPT`, `runuser -l app --command=SCRIPT`; None if it is given none."""
    program, words = command.program, command.words
    shell = program in POSIX_SHELLS
    if (shell and script_source(command) != INLINE) or (
        not shell and program not in _COMMAND_OPTION_READERS
    ):
        return None
    for index in range(command.program_index + 1, len(words)):
        word = words[index]
        name, equals, value = word.partition("=")
        if word == "--" or (equals and name in _COMMAND_OPTIONS):
            return (index, value) if equals else None
        if word in _COMMAND_OPTIONS or "c" in _short_letters(word):
            # A shell's script is its first operand after the options; su's the next word.
            script = index + 1
            while shell and script < len(words) and words[script][:1] in ("-", "+"):
                script += 1 + (_short_letters(words[script])[-1:] in ("o", "O"))
            return (script, words[script]) if script < len(words) else None
    return None


def _short_letters(word: str) -> str:
    return word[1:] if word.startswith("-") and not word.startswith("--") else ""
