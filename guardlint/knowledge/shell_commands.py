"""What common commands of build scripts do, read from their words (guardlint.parse.shell):
which words are options and which are operands (package managers' options that take a value
included), the script `powershell -Command` runs, and a world-writable chmod (DKR016). The
other risky uses have modules of their own: TLS certificate checks turned off is
tls_commands', a download run unread shell_downloads'."""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable

from guardlint.knowledge.package_options import OPTIONS_WITH_VALUE
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import Command


def short_flags(word: str) -> str:
    """The letters of a combined short option (`-fsSL` -> `fsSL`); '' for anything else."""
    return word[1:] if word.startswith("-") and not word.startswith("--") else ""


def has_option(args: list[str], long_names: Iterable[str], short: str = "") -> bool:
    """Whether the arguments, before any `--`, give one of the options (`--name=value` too)."""
    names = tuple(long_names)
    valued = tuple(name + "=" for name in names if name.startswith("--"))
    for arg in args:
        if arg == "--":
            return False
        if arg in names or (valued and arg.startswith(valued)):
            return True
        if short and short in short_flags(arg):
            return True
    return False


def operands(args: list[str], program: str = "") -> list[str]:
    """Arguments that are not options (nor the values of `program`'s options that take the
    next word: guardlint.knowledge.package_options)."""
    with_value = OPTIONS_WITH_VALUE.get(program, frozenset())
    found, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in with_value
        else:
            found.append(arg)
    return found


def command_operands(command: Command, program: str | None = None) -> list[str]:
    """operands(command.args, program or the command's own), once per command and program
    (several rules read them: an install of 15,000 packages was walked nine times)."""
    program = command.program if program is None else program
    memo = command.__dict__.setdefault("_operands", {})
    if program not in memo:
        memo[program] = operands(command.args, program)
    return memo[program]


def subcommand(command: Command) -> str | None:
    """The first operand (`apt-get -y install x` -> install), or None."""
    words = command_operands(command)
    return words[0] if words else None


@functools.lru_cache(maxsize=256)  # a rule's patterns, read for each RUN: split once
def _wanted(patterns: tuple[str, ...]) -> tuple[list[list[str]], frozenset[str]]:
    wanted = [words for words in map(str.split, patterns) if words]
    return wanted, frozenset(words[0] for words in wanted)


def first_matching(
    commands: list[Command], patterns: Iterable[str], as_wrapper: bool = False, alone: bool = False
) -> tuple[Command, str] | None:
    """The first command that a pattern `PROGRAM [SUBCOMMAND]` describes, with the words it
    matched. `as_wrapper`: a program that wraps another (`sudo apt-get ...`) matches too;
    `alone`: nothing may follow the subcommand (`apt-get upgrade`, not `apt-get upgrade curl`)."""
    wanted, programs = _wanted(tuple(patterns))
    for command in commands:
        # Most commands run none of the programs: passed at once, not tried against each
        # pattern (commands x patterns for each rule on a long script).
        if command.program not in programs and not (
            as_wrapper and not programs.isdisjoint(command.wrapped_in)
        ):
            continue
        for program, *rest in wanted:
            if command.program != program:
                if as_wrapper and program in command.wrapped_in:
                    return command, program
                continue
            words = command_operands(command, program)
            if words[: len(rest)] == rest and (not alone or len(words) == len(rest)):
                return command, " ".join((program, *rest))
    return None


# --- programs' own readings ------------------------------------------------------------------

# curl's short options that take a value (`-o FILE`, `-H HEADER`).
CURL_VALUE_OPTIONS = frozenset("oHduXAeFTbcCDEKmrwxYyzUQtP")
# python3.12 -> python. Tried only where a run of digits starts: `\d+(\.\d+)?$` rescans a long
# run from each of its digits (quadratic).
VERSION_SUFFIX = re.compile(r"(?<!\d)\d++(?:\.\d++)?$")
POWERSHELLS = frozenset({"powershell", "pwsh"})
# The options whose words are the script (`-c`, `-co`, ... `-Command`: PowerShell takes any
# prefix), and whose value is the script as base64 of UTF-16LE text (`-e`, `-enc`, `-ec`, ...;
# `-ex` is -ExecutionPolicy), read up to a size.
_POWERSHELL_COMMAND, _POWERSHELL_ENCODED = "command", "encodedcommand"
_ENCODED_SCRIPT_LIMIT = 64 * 1024  # bytes, decoded


def _powershell_option(word: str) -> str:
    """The PowerShell option a word names (`-c`, `--Com`, `/command` -> command; `-e`, `-ec`
    -> encodedcommand), '' for any other."""
    name = word[2:] if word.startswith("--") else word[1:] if word.startswith(("-", "/")) else ""
    name = name.lower()
    if name and _POWERSHELL_COMMAND.startswith(name):
        return _POWERSHELL_COMMAND
    if name == "ec" or (name and _POWERSHELL_ENCODED.startswith(name)):
        return _POWERSHELL_ENCODED
    return ""


def _decoded_script(value: str) -> str | None:
    """The script an -EncodedCommand value holds; None if it is not base64 of UTF-16LE text
    or decodes to more than the limit."""
    if len(value) > 2 * _ENCODED_SCRIPT_LIMIT:
        return None
    try:
        decoded = base64.b64decode(value, validate=True)
        if len(decoded) > _ENCODED_SCRIPT_LIMIT:
            return None
        return decoded.decode("utf-16-le")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None


def powershell_script(command: Command) -> str | None:
    """The script `powershell -Command ...` (or pwsh) runs: the words after the option, joined
    into one script, or the value of `-EncodedCommand` decoded; None for any other command."""
    if command.program.lower() not in POWERSHELLS:
        return None
    args = command.args
    for index, arg in enumerate(args[:-1]):
        option = _powershell_option(arg)
        if option == _POWERSHELL_COMMAND:
            return " ".join(args[index + 1 :])
        if option == _POWERSHELL_ENCODED:
            return _decoded_script(args[index + 1])
    return None


# --- world-writable modes -------------------------------------------------------------------


# chmod's symbolic mode (coreutils, "Symbolic Modes"): comma-separated clauses, each of
# users (`ugoa`) then operations, each an operator and permissions or a class to copy.
_SYMBOLIC_CLAUSE = re.compile(r"[ugoa]*+(?:[-+=](?:[ugo]|[rwxXst]*+))++")
_OPERATION = LazyPattern(r"([-+=])([ugo]|[rwxXst]*+)")


def is_world_writable_mode(mode: str) -> bool:
    """Whether a mode (octal or symbolic) lets every user write; not with the sticky bit (the
    1777 of /tmp). Symbolic clauses apply in order (`a+rw,o-w` leaves others without write);
    with no users named, the umask (022 in a build) keeps others' write bit as it was;
    copying the owner's permissions (`o=u`) copies their write permission."""
    if re.fullmatch(r"[0-7]{1,8}", mode):
        value = int(mode, 8)
        return value <= 0o7777 and value & 0o002 != 0 and value & 0o1000 == 0
    others_write = sticky = False
    for clause in mode.split(","):
        if _SYMBOLIC_CLAUSE.fullmatch(clause) is None:
            return False  # chmod refuses the whole mode
        users = clause[: len(clause) - len(clause.lstrip("ugoa"))]
        others = "o" in users or "a" in users
        for operator, permissions in _OPERATION.findall(clause, len(users)):
            writes = "w" in permissions or permissions == "u"
            if others and (operator == "=" or writes):
                others_write = writes and operator != "-"
            if (others or not users) and (operator == "=" or "t" in permissions):
                sticky = "t" in permissions and operator != "-"
    return others_write and not sticky


def _mode_option(args: list[str]) -> str | None:
    """The value of mkdir's or install's `-m MODE` (`-pm755`, `--mode=MODE` too), whose mode
    is set as given, whatever the umask."""
    for index, arg in enumerate(args):
        if arg == "--":
            return None
        if arg.startswith("--mode="):
            return arg.removeprefix("--mode=")
        letters = short_flags(arg)
        if arg == "--mode" or "m" in letters:
            value = letters.partition("m")[2] if arg != "--mode" else ""
            return value or (args[index + 1] if index + 1 < len(args) else None)
    return None


def world_writable_mode(command: Command) -> str | None:
    """How a command gives every user write permission (`chmod 777`, `chmod o+w`,
    `mkdir -m 777`, `install -m 0666`; not the sticky `1777`), or None."""
    if command.program == "chmod":
        modes = [a for a in command.args if not a.startswith("-") or re.fullmatch(r"-[rwx]+", a)]
        mode = modes[0] if modes else None
    elif command.program in ("mkdir", "install"):
        mode = _mode_option(command.args)
    else:
        return None
    if mode is None or not is_world_writable_mode(mode):
        return None
    return f"chmod {mode}" if command.program == "chmod" else f"{command.program} -m {mode}"
