"""Where a downloader writes what it downloads (shell_downloads asks): curl to its standard
output unless told otherwise, wget and fetch to a file unless `-O -`/`-o -`, PowerShell's
Invoke-WebRequest and Invoke-RestMethod to the pipeline unless `-OutFile`; read from each one's
options as it reads them (letters combined, values attached or the next word)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.knowledge.shell_commands import CURL_VALUE_OPTIONS, short_flags
from guardlint.parse.shell import Command

# PowerShell's download cmdlets, by name and alias.
POWERSHELL_DOWNLOADERS = frozenset({"iwr", "irm", "invoke-webrequest", "invoke-restmethod"})
# Each downloader's options that take a value (short letters and long names), and those that
# name where the download goes; curl writes to standard output unless told otherwise, wget and
# fetch to a file.
_OUTPUT_OPTIONS = {
    "curl": (CURL_VALUE_OPTIONS | {"--output"}, frozenset({"-o", "--output"})),
    "wget": (
        frozenset("oaeiBtOTwQPUlARDIX") | {"--output-document"},
        frozenset({"-O", "--output-document"}),
    ),
    "fetch": (frozenset("oBNSTi") | {"--output"}, frozenset({"-o", "--output"})),
}
_CURL_REMOTE_NAME = frozenset({"-O", "--remote-name", "--remote-name-all"})
_STDOUT = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def _options(args: list[str], with_value: frozenset[str]) -> Iterator[tuple[str, str | None, int]]:
    """Each option with its value, if it takes one (`with_value`: letters and long names), and
    the index in `args` of the word the value is in: `-o FILE`, `-qO-` (letters combined, the
    value attached or the next word), `--name=value`, `--name VALUE`. Operands are skipped;
    `--` ends the options."""
    index = 0
    while index < len(args):
        arg, index = args[index], index + 1
        if arg == "--":
            return
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            if not equals and name in with_value and index < len(args):
                value, index = args[index], index + 1
            yield name, value if equals or name in with_value else None, index - 1
            continue
        for position, letter in enumerate(short_flags(arg)):
            if letter in with_value:
                value, at = arg[position + 2 :], index - 1
                if not value and index < len(args):
                    value, at, index = args[index], index, index + 1
                yield "-" + letter, value, at
                break
            yield "-" + letter, None, index - 1


def output_targets(command: Command) -> list[tuple[str | None, int]] | None:
    """Where a downloader writes: each output option's value and the index in `words` of its
    word, in order; None for a program that is not one of curl, wget and fetch."""
    program = command.program.lower()
    if program not in _OUTPUT_OPTIONS:
        return None
    with_value, output = _OUTPUT_OPTIONS[program]
    start = command.program_index + 1
    targets = []
    for name, value, index in _options(command.args, with_value):
        if name in output or (program == "curl" and name in _CURL_REMOTE_NAME):
            targets.append((value if name in output else None, start + index))
    return targets


def downloads_to_stdout(command: Command) -> bool:
    """Whether the command downloads to its standard output: curl unless `-o FILE` or `-O`,
    wget and fetch only with `-O -`/`-o -`, PowerShell's unless `-OutFile` without `-PassThru`."""
    if command.program.lower() in POWERSHELL_DOWNLOADERS:
        lowered = {arg.lower() for arg in command.args}
        return "-outfile" not in lowered or "-passthru" in lowered
    targets = output_targets(command)
    if targets is None:
        return False
    if command.program.lower() == "curl":  # `-O` (a None target) names the file after the URL
        return all(target in _STDOUT for target, _ in targets)
    return bool(targets) and targets[-1][0] in _STDOUT
