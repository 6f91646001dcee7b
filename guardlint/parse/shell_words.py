"""A simple command of a shell script as guardlint.parse.shell reads it: its words, where
each starts, the substitutions in them, and its real program behind the programs that run
another command given after their own options and operands (`sudo -u app env A=1 timeout 60
cmd ...`, `gosu app cmd`, `runuser -u app -- cmd`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from guardlint.parse.cached import cached

# `NAME=value`: an assignment, not a word of the command.
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# Programs that run the command that follows their own options.
_WRAPPER_OPTIONS_WITH_VALUE = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R"}),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "xargs": frozenset({"-n", "-L", "-P", "-d", "-E", "-I", "-s", "-a"}),
    "nice": frozenset({"-n"}),
    "timeout": frozenset({"-s", "-k"}),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "chroot": frozenset(),
    # runuser wraps a command only with `-u USER` (else it runs `-c`, like su).
    "runuser": frozenset({"-u", "--user", "-g", "--group", "-G", "--supp-group", "-w",
                          "--whitelist-environment"}),
    # Less I/O or CPU, a faked root, a lock, another user or fewer privileges (util-linux's
    # ionice, taskset, flock and setpriv; fakeroot; runit's chpst; s6's s6-setuidgid).
    "ionice": frozenset({"-c", "--class", "-n", "--classdata", "-p", "--pid", "-P", "--pgid",
                         "-u", "--uid"}),
    "taskset": frozenset(),
    "flock": frozenset({"-w", "--wait", "--timeout", "-E", "--conflict-exit-code"}),
    "fakeroot": frozenset({"-l", "--lib", "--faked", "-i", "-s", "-b", "--fd-base"}),
    "chpst": frozenset({"-u", "-U", "-b", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p",
                        "-f", "-c", "-r", "-t"}),
    "s6-setuidgid": frozenset(),
    "setpriv": frozenset({"--ruid", "--euid", "--reuid", "--rgid", "--egid", "--regid",
                          "--groups", "--inh-caps", "--ambient-caps", "--bounding-set",
                          "--securebits", "--pdeathsig", "--selinux-label",
                          "--apparmor-profile"}),
}  # fmt: skip
# Wrappers whose NAME=value words set the wrapped command's environment: `sudo A=1 cmd`.
_SETS_ENVIRONMENT = frozenset({"env", "sudo"})
# busybox runs the applet it is given: `busybox wget`, `busybox sh`.
# eatmydata runs it without fsync (apt in Debian builds), setsid in a new session.
_PLAIN_WRAPPERS = frozenset(
    {"nohup", "time", "command", "exec", "builtin", "stdbuf", "busybox", "eatmydata", "setsid",
     "unbuffer", "catchsegv"}
)  # fmt: skip
# Every program _after_wrapper may find wrapping another.
_WRAPPER_NAMES = _PLAIN_WRAPPERS | frozenset(_WRAPPER_OPTIONS_WITH_VALUE)
# Wrappers that take operands of their own before the command: `timeout 60 cmd`, `gosu app
# cmd`, `chroot /target cmd`, `taskset 0x3 cmd` (a mask, or with -c a list), `flock FILE cmd`.
_WRAPPER_OPERANDS = {
    "timeout": 1, "gosu": 1, "su-exec": 1, "chroot": 1, "taskset": 1, "flock": 1,
    "s6-setuidgid": 1,
}  # fmt: skip


@functools.lru_cache(maxsize=1024)  # asked for each command by several rules; a few words
def program_name(word: str) -> str:
    """The program a command word runs: its base name, a Windows path's too, without `.exe`
    nor cmd's `@` (`/usr/bin/curl`, `C:\\tools\\curl.exe`, `@curl` -> curl)."""
    name = word.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lstrip("@")
    return name[:-4] if name[-4:].lower() == ".exe" else name


_FIND_ACTIONS = frozenset({"-exec", "-execdir", "-ok", "-okdir"})


def find_actions(command: Command) -> Iterator[tuple[int, int]]:
    """The (start, end) indices in `words` of each command `find` runs for the files it
    finds: `find /srv -type d -exec chmod 777 {} +` -> chmod 777 {}."""
    if command.program != "find":
        return
    words, index = command.words, command.program_index + 1
    while index < len(words):
        if words[index] in _FIND_ACTIONS:
            end = index + 1
            while end < len(words) and words[end] not in (";", "+"):
                end += 1
            if end > index + 1:
                yield index + 1, end
            index = end
        index += 1


# Wrappers are walked by index: slicing the word list once per wrapper or option would copy it
# each time (quadratic in `sudo sudo sudo ...`).
def _after_wrapper(words: list[str], start: int) -> int:
    """Where the command wrapped by the word at `start` begins; `start` if it wraps nothing."""
    name = program_name(words[start])
    if name in _PLAIN_WRAPPERS:
        index = start + 1
        while index < len(words) and words[index].startswith("-") and name != "exec":
            # `command -v NAME` (`-V`) says what NAME is, as `type` does: it runs nothing.
            if name == "command" and ("v" in words[index] or "V" in words[index]):
                return start
            index += 1
        return index
    if name not in _WRAPPER_OPTIONS_WITH_VALUE:
        return start
    with_value = _WRAPPER_OPTIONS_WITH_VALUE[name]
    index, user = start + 1, False
    while index < len(words):
        word = words[index]
        if word == "--":
            index += 1
            break
        if name in _SETS_ENVIRONMENT and ASSIGNMENT.match(word):
            index += 1
        elif word.startswith("-") and len(word) > 1:
            user = user or word in ("-u", "--user") or word.startswith("--user=")
            index += 2 if word in with_value else 1
        else:
            break
    if name == "runuser" and not user:
        return start
    return index + _WRAPPER_OPERANDS.get(name, 0)


def wrappers(words: list[str]) -> Iterator[tuple[int, int]]:
    """(index of each wrapper in front of the real program, index of the command it wraps)."""
    start = 0
    while start < len(words):
        inner = _after_wrapper(words, start)
        if inner == start:
            return
        yield start, inner
        start = inner


def unwrap(words: list[str]) -> list[str]:
    """The words from the real program on: `sudo -E env A=1 apt-get ...` -> `apt-get ...`."""
    if not words or program_name(words[0]) not in _WRAPPER_NAMES:
        return words[:]  # most commands: no wrapper (what _after_wrapper finds at once)
    return words[max((inner for _, inner in wrappers(words)), default=0) :]


# Substitution.word of one in an assignment's value, of one that is the standard input, and of
# one the standard output is written to (`> >(sh)`).
ASSIGNED, STDIN, STDOUT = -1, -2, -3
# Command.output_stream of a command whose output is the script's own (what `$(...)` prints).
SCRIPT_OUTPUT = 0


def resolved_stream(became: dict[int, int | None], stream: int | None) -> int | None:
    """The stream a group's output became (`became`: each group's output -> the stream it
    became), through groups inside groups (path compression: each step is walked once)."""
    path = []
    while stream is not None and stream in became:
        path.append(stream)
        stream = became[stream]
    for step in path:
        became[step] = stream
    return stream


class Substitution(NamedTuple):
    """A script the shell runs to make (part of) a word: `$(...)` and backticks (kind `$`),
    process substitution `<(...)` or `>(...)` (kind `<` or `>`)."""

    kind: str
    script: str
    word: int  # index in Command.words, or ASSIGNED or STDIN
    start: int = 0  # where the script starts in the text
    assignment: int = -1  # index in Command.assignments of the one it is in (word: ASSIGNED)


class _ReadSubstitutions(Protocol):
    """The substitutions read for a command (guardlint.parse.shell's tokenizer): by its words'
    indices, those feeding its input and those taking its output."""

    word_substitutions: dict[int, list[tuple[str, str, int]]]
    input_substitutions: list[tuple[str, str, int]]
    output_substitutions: list[tuple[str, str, int]]


def command_substitutions(
    read: _ReadSubstitutions, kept: list[int], first: int, last: int
) -> list[Substitution]:
    """A command's substitutions, by its words' new indices (`kept`: the indices read of its
    words; assignments' from `first` to `last`, ASSIGNED)."""
    by_word, inputs, outputs = (
        read.word_substitutions,
        read.input_substitutions,
        read.output_substitutions,
    )
    if not (by_word or inputs or outputs):
        return []
    found = [
        Substitution(kind, script, ASSIGNED, start, index - first)
        for index in range(first, last)
        for kind, script, start in by_word.get(index, ())
    ]
    for new, index in enumerate(kept):
        found.extend(
            Substitution(kind, script, new, start) for kind, script, start in by_word.get(index, ())
        )
    found.extend(Substitution(*item[:2], STDIN, item[2]) for item in inputs)
    found.extend(Substitution(*item[:2], STDOUT, item[2]) for item in outputs)
    return found


@dataclass(eq=False, repr=False)  # never printed: one method fewer to build
class Environment:
    """A shell execution environment: the script's own, or one a subshell `( ... )`, a part of
    a pipeline, a substitution or a child shell (`sh -c`) runs in, which starts as a copy of
    its parent's: a `cd` in it does not move its parent's working directory."""

    parent: Environment | None = None


def resolve_shared(
    environments: list[Environment], shared: set[Environment]
) -> dict[Environment, Environment]:
    """Each shared environment (that of a `{ ...; }` group or of an and-or list run in the
    foreground) -> the one it is part of; the others' parents made such ones too
    (`environments`: parents first, so one pass does)."""
    resolved: dict[Environment, Environment] = {}
    for environment in environments:
        parent = environment.parent
        parent = resolved.get(parent, parent) if parent is not None else None
        if environment in shared and parent is not None:
            resolved[environment] = parent
        else:
            environment.parent = parent
    return resolved


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Command:
    """One simple command: leading VAR=value assignments, then its words (quotes removed)."""

    words: list[str]
    assignments: list[tuple[str, str]] = field(default_factory=list)
    # The pipe (or group input a pipe feeds) it reads, None: the script's input; and the
    # stream its standard output goes down: a pipe, SCRIPT_OUTPUT, None when redirected.
    # Each pipe has its own number; the commands of a group share its input and output.
    input_stream: int | None = None
    output_stream: int | None = SCRIPT_OUTPUT
    substitutions: list[Substitution] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # where each word starts in the script
    output_redirected: bool = False  # `> FILE`, `>&2`, `&> FILE`: nothing goes down the pipe
    input_text: str | None = None  # what a heredoc's body or a here-string feeds to stdin
    environment: Environment = field(default_factory=Environment)  # the one it runs in

    # Cached: every rule asks (a Dockerfile's commands are asked for their program thousands
    # of times), and each unwrapping walks all the words.
    @cached
    def program(self) -> str:
        """Basename of the program run, after wrappers such as sudo, env and xargs."""
        words = self.effective_words
        return program_name(words[0]) if words else ""

    @cached
    def args(self) -> list[str]:
        return self.effective_words[1:]

    @cached
    def effective_words(self) -> list[str]:
        return unwrap(self.words)

    @property
    def program_index(self) -> int:
        """The index in `words` of the program run (len(words) when only wrappers are)."""
        return len(self.words) - len(self.effective_words)

    @property
    def wrapped_in(self) -> set[str]:
        """Wrapper programs (sudo, env, ...) in front of the real program."""
        if self.program_index == 0:
            return set()  # most commands: no wrapper, and no walk
        return {program_name(self.words[start]) for start, _ in wrappers(self.words)}


def next_stream(parsed: list[Command]) -> int:
    """The first stream number none of the commands reads or writes."""
    streams = [s for c in parsed for s in (c.input_stream, c.output_stream) if s is not None]
    return max(streams, default=SCRIPT_OUTPUT) + 1


def shifted(stream: int | None, by: int) -> int | None:
    return None if stream is None else stream + by
