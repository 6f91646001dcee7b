"""Whether a script runs what it downloads unread (DKR008, CBD004): a download written to
standard output and read by an interpreter (`curl ... | sh`, `bash < <(wget -O- ...)`), a
substitution printing one whose output is run (`$(curl ...)` as the command, `. <(curl ...)`,
`perl -e "$(curl ...)"`), one written to a process substitution that runs it (`curl -o >(sh)
...`, `curl ... > >(bash)`), PowerShell's `iex (iwr ...)`, and all of that in the scripts that
`sh -c`, `su -c`, `eval` and `powershell -Command` run. It is all read from the parsed commands
(guardlint.parse.shell), so shell text quoted as the argument of a command that does not run
it (`echo "curl ... | sh"`, `git commit -m '...'`) is data, as it is to the shell.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from guardlint.knowledge.downloaders import (
    POWERSHELL_DOWNLOADERS,
    downloads_to_stdout,
    output_targets,
)
from guardlint.knowledge.interpreters import CODE_OPTIONS, interpreter_source
from guardlint.knowledge.shell_commands import (
    POWERSHELLS,
    VERSION_SUFFIX,
    powershell_script,
)
from guardlint.knowledge.shell_variables import (
    command_environment,
    holds_download,
    track_assignments,
)
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import (
    POSIX_SHELLS,
    SCRIPT_OUTPUT,
    STDIN,
    STDOUT,
    Command,
    commands,
)
from guardlint.parse.shell_options import (
    INLINE,
    inline_script,
    script_source,
    stdin_script,
)

# Programs that print a checksum of what they read, not what they read.
_DIGESTERS = frozenset(
    {"md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "shasum",
     "b2sum", "cksum", "sum"}
)  # fmt: skip
# Programs that print what they are given: `echo "$(curl ...)" | sh`, `cat <(curl ...) | sh`.
_PRINTERS = frozenset({"echo", "printf", "cat"})
# Programs that run the code they read from their input: the shells without a script file
# (or with one naming the input), PowerShell's Invoke-Expression always.
_EVALUATORS = POSIX_SHELLS | {"iex", "invoke-expression"}
# Programs that run their arguments as a script: eval, and PowerShell's Invoke-Expression
# (`iex "& { $(irm URL) }"`).
_ARGUMENT_EVALUATORS = frozenset({"eval", "iex", "invoke-expression"})
# The script file operands that name standard input: `python3 -`, `sh /dev/stdin`.
_STDIN_FILES = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
_INTERPRETERS = _EVALUATORS | CODE_OPTIONS.keys() | POWERSHELLS
# Programs that run the script file their first operand names: `bash <(curl ...)`, `. <(...)`.
_SCRIPT_FILE_READERS = POSIX_SHELLS | CODE_OPTIONS.keys() | {".", "source"}
_NESTING = 4  # scripts read inside one another (`sh -c '...'`, substitutions), at most
# PowerShell evaluating a download, matched where the command `iex` or `New-Object` starts:
# `iex (iwr ...)`, `iex ((New-Object Net.WebClient).DownloadString(...))`, and
# `(New-Object Net.WebClient).DownloadString(...) | iex`.
_WEB_CLIENT = r"new-object\s++(?:system\.)?net\.webclient\b"
_EVALUATES_DOWNLOAD = LazyPattern(
    r"(?:iex|invoke-expression)[\s(]*+(?:\$\(\s*+)?(?:(?:iwr|irm|invoke-webrequest|"
    rf"invoke-restmethod|curl|wget)\b|{_WEB_CLIENT})",
    re.IGNORECASE,
)
_DOWNLOAD_EVALUATED = LazyPattern(
    rf"{_WEB_CLIENT}\)\.download(?:string|data)\([^|\n)]{{0,500}}\)\s*+\|\s*+"
    r"(?:iex|invoke-expression)\b",
    re.IGNORECASE,
)
# `(iwr URL).Content | iex`, `(irm URL) | iex`: matched where the downloader starts, inside
# the parentheses the POSIX reading leaves as a group of its own.
_CONTENT_EVALUATED = LazyPattern(
    r"[^|\n()]{0,500}+\)\s*+(?:\.content\s*+)?\|\s*+(?:iex|invoke-expression)\b", re.IGNORECASE
)
# `& ([scriptblock]::Create((iwr URL).Content))`: a script block made of a download, run.
_SCRIPT_BLOCK_OF_DOWNLOAD = LazyPattern(
    r"\[scriptblock\]::create\([\s(]*+(?:(?:iwr|irm|invoke-webrequest|invoke-restmethod)\b|"
    rf"{_WEB_CLIENT})",
    re.IGNORECASE,
)
_POWERSHELL_PATTERNS = {"iex": _EVALUATES_DOWNLOAD, "invoke-expression": _EVALUATES_DOWNLOAD,
                        "new-object": _DOWNLOAD_EVALUATED,
                        "[scriptblock]::create": _SCRIPT_BLOCK_OF_DOWNLOAD}  # fmt: skip


def _downloads_into_interpreter(command: Command) -> bool:
    """A download written to the file a process substitution reads, and runs: `curl -o >(sh)
    URL`, `wget -O >(sudo bash) URL`, `curl --output=>(bash -s) URL`."""
    targets = output_targets(command) or ()
    into = {index for value, index in targets if value and value.startswith(">(")}
    return bool(into) and any(
        sub.kind == ">" and sub.word in into and _runs_its_input(sub.script)
        for sub in command.substitutions
    )


def _prints_download(script: str, nesting: int) -> bool:
    """Whether a substitution's script prints a download (`$(curl ...)`, `<(wget -O- ...)`):
    the download goes down its pipes to the script's output (`$(curl ... | tee log)`), not
    into a file or a checksum (`$(curl ... | sha256sum -c)`)."""
    downloading: set[int | None] = set()
    for command in commands(script):
        _carries_download(command, downloading, nesting, None)
    return SCRIPT_OUTPUT in downloading


def _carries_download(
    command: Command, downloading: set[int | None], nesting: int, variables: set[str] | None
) -> bool:
    """Whether the command reads a download from its input (`downloading`: the streams one
    goes down); the stream it writes is added when it writes one: its own (a downloader, a
    printer given one) or the one it read, passed on (`tee log`, `tr -d '\\r'`), unless it
    goes to a file (`tee f > /dev/null`) or is a checksum of it (`sha256sum -c`)."""
    streamed = command.input_stream in downloading
    output = command.output_stream  # None: redirected to a file
    if output is not None and (
        _outputs_download(command, nesting, variables)
        or (streamed and _program(command) not in _DIGESTERS)
    ):
        downloading.add(output)
    return streamed


def _outputs_download(command: Command, nesting: int, variables: set[str] | None) -> bool:
    """Whether the command writes a download: a downloader, or a printer given one (`echo
    "$(curl ...)"`, `echo "$x"` where x holds one)."""
    if downloads_to_stdout(command):
        return True
    if command.program not in _PRINTERS:
        return False
    return any(holds_download(arg, variables) for arg in command.args) or (
        nesting > 0
        and any(
            sub.word > command.program_index and _prints_download(sub.script, nesting - 1)
            for sub in command.substitutions
        )
    )


def _program(command: Command) -> str:
    return VERSION_SUFFIX.sub("", command.program.lower())


def _reads_code_from_input(program: str, command: Command, nesting: int = _NESTING) -> bool:
    """Whether the interpreter runs the code it reads from its input: with no script file, or
    one that names the input (`python3 -`, `sh /dev/stdin`, `. /dev/stdin`); a shell's `-c`
    script when it does (`sh -c 'cat | sh'`, not `sh -c 'cat > f'`), and Invoke-Expression
    always."""
    if program in POSIX_SHELLS:
        source = script_source(command)
        if source == INLINE:
            return _inline_script_runs_input(command, nesting)
        return source == STDIN or command.words[source] in _STDIN_FILES
    if program in (".", "source"):
        script_file = _first_operand(command, program)
        return script_file is not None and command.words[script_file] in _STDIN_FILES
    if program in _EVALUATORS:
        return True
    if program not in _INTERPRETERS:
        return False
    kind, index = interpreter_source(command, program)
    return kind == "stdin" or (kind == "file" and command.words[index or 0] in _STDIN_FILES)


def _inline_script_runs_input(command: Command, nesting: int) -> bool:
    """Whether the script `sh -c '...'` is given runs what the shell reads from its input:
    the input goes down the script's pipes (`cat | sh`) to a command that runs it; past the
    nesting bound it is taken to."""
    inline = inline_script(command)
    if inline is None or nesting <= 0:
        return True
    downloading: set[int | None] = {None}  # None: the input of the script itself
    for inner in commands(inline[1]):
        streamed = _carries_download(inner, downloading, 0, None)
        if streamed and _reads_code_from_input(_program(inner), inner, nesting - 1):
            return True
    return False


def _runs_its_input(script: str) -> bool:
    """Whether a process substitution runs what is written to it: `>(sh)`, `>(sudo bash -s)`."""
    parsed = commands(script)
    return bool(parsed) and _reads_code_from_input(_program(parsed[0]), parsed[0])


def _written_into_interpreter(
    command: Command, streamed: bool, nesting: int, variables: set[str]
) -> bool:
    """A download written to a process substitution that runs it: `curl ... > >(sh)`, `curl
    ... | tee >(bash)` (`streamed`: a download is the command's input), `curl -o >(sh) ...`."""
    tee = streamed and _program(command) == "tee"
    if _downloads_into_interpreter(command):
        return True
    return (tee or _outputs_download(command, nesting, variables)) and any(
        sub.kind == ">"
        and (sub.word == STDOUT or (tee and sub.word > command.program_index))
        and _runs_its_input(sub.script)
        for sub in command.substitutions
    )


def _first_operand(command: Command, program: str) -> int | None:
    """The index in `words` of the script file the command runs (its first operand)."""
    if program in POSIX_SHELLS:  # `bash -o pipefail FILE`: the shell's own reading
        source = script_source(command)
        return source if source >= 0 else None
    if program in CODE_OPTIONS:
        kind, index = interpreter_source(command, program)
        return index if kind == "file" else None
    start = command.program_index + 1
    words = command.words
    return next((i for i in range(start, len(words)) if not words[i].startswith("-")), None)


def _runs_substituted_download(command: Command, nesting: int, variables: set[str]) -> bool:
    """Whether the command runs what a substitution prints, or a variable holding a download:
    as the command itself, as its input or script file (`sh < <(...)`, `. <(...)`), as the
    code of `perl -e "$(...)"` or `perl -e "$x"`."""
    program = _program(command)
    source = interpreter_source(command, program) if program in CODE_OPTIONS else None
    code = source[1] if source and source[0] == "code" else None
    if variables and any(
        index is not None
        and index < len(command.words)
        and holds_download(command.words[index], variables)
        for index in (command.program_index, code)
    ):
        return True
    if not command.substitutions:
        return False
    # Where output runs, found once for all the command's substitutions (`bash <(a) <(b) ...`).
    run = {("$", command.program_index), ("$", code)}
    if program in _SCRIPT_FILE_READERS:
        run.add(("<", _first_operand(command, program)))
    fed = any(sub.word == STDIN for sub in command.substitutions)
    if fed and _reads_code_from_input(program, command):
        run.update((kind, STDIN) for kind in "$<")
    return any(
        (sub.kind, sub.word) in run and _prints_download(sub.script, nesting)
        for sub in command.substitutions
    )


def _powershell_evaluates_download(script: str, command: Command) -> bool:
    program = command.program.lower()
    index = command.program_index
    if index >= len(command.offsets):
        return False
    start = command.offsets[index]
    if program in POWERSHELL_DOWNLOADERS:  # the words after the downloader's name
        return _CONTENT_EVALUATED.match(script, start + len(command.words[index])) is not None
    pattern = _POWERSHELL_PATTERNS.get(program)
    return pattern is not None and pattern.match(script, start) is not None


def _inner_scripts(command: Command) -> Iterator[str]:
    """The shell scripts a program runs from its arguments: `sh -c 'SCRIPT'`, `bash -lc
    "SCRIPT"`, `su -c 'SCRIPT'`, `powershell -Command "SCRIPT"`, `eval "SCRIPT"`, `iex
    "SCRIPT"`; or from its input: a shell's heredoc or here-string (`bash <<'EOF'`, `sh -s
    <<< "$x"`)."""
    program, args = command.program.lower(), command.args
    if program in _ARGUMENT_EVALUATORS:
        yield " ".join(args)
    fed = stdin_script(command)
    if fed is not None:
        yield fed
    inline = inline_script(command)
    if inline is not None:
        yield inline[1]
    elif (script := powershell_script(command)) is not None:
        yield script


def runs_downloaded_script(
    script: str, parsed: list[Command], nesting: int = _NESTING, variables: set[str] | None = None
) -> bool:
    """Whether the script runs what it downloads unread: `curl ... | sh`, `bash <(curl ...)`,
    `eval "$(wget -qO- ...)"`, `$(curl ...)`, `iwr ... | iex`, `curl ... > >(sh)`, `x=$(curl
    ...); eval "$x"`, also inside `sh -c '...'` and a heredoc a shell reads (`parsed`: the
    script's commands, from guardlint.parse.shell; `variables`: those holding a download)."""
    downloading: set[int | None] = set()  # the streams a download goes down
    # Shared with the scripts run inside (`sh -c '...'`): what they assign is taken to
    # hold outside too, which copying the set for each one would not be worth.
    variables = set() if variables is None else variables
    prints = functools.partial(_prints_download, nesting=nesting)
    for command in parsed:
        streamed = _carries_download(command, downloading, nesting, variables)
        if streamed and _reads_code_from_input(_program(command), command):
            return True  # `curl ... | sh`, also `... | sh > log`: its output is its own
        if (
            _written_into_interpreter(command, streamed, nesting, variables)
            or _runs_substituted_download(command, nesting, variables)
            or _powershell_evaluates_download(script, command)
        ):
            return True
        if nesting > 0 and _runs_inner_download(command, nesting, variables, prints):
            return True
        track_assignments(command, variables, prints)
    return False


def _runs_inner_download(
    command: Command, nesting: int, variables: set[str], prints: Callable[[str], bool]
) -> bool:
    """Whether a script the command runs (_inner_scripts) runs a download, with the
    variables its environment holds."""
    inner = list(_inner_scripts(command))
    if not inner:
        return False
    with command_environment(command, variables, prints) as environment:
        return any(
            runs_downloaded_script(script, commands(script), nesting - 1, environment)
            for script in inner
        )
