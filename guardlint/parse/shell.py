"""Just enough POSIX shell parsing to see the commands a Dockerfile RUN executes.

`commands(script)` splits a script on `&&`, `||`, `;`, `|`, `&`, newlines and parentheses,
honouring quotes, backslash escapes, `$(...)`/backticks, `<(...)`/`>(...)` and `${...}` (kept
inside their word), comments, redirections (dropped with their target) and shell heredocs (their
bodies are data, not commands). The substitutions the shell runs (not those in `'...'`) are kept
with their word, or the standard input they feed (`< <(...)`, `<<< "$(...)"`), as scripts for
the caller to read. Each command knows the stream it reads (the pipe before it, or its group's
input) and the one it writes (the pipe after it, its group's output, the script's output, or
none when redirected), so `curl ... | sh` can be recognised: every command of a group, `( ... )`
or `{ ...; }`, writes the group's output and reads its input (`{ curl ...; echo; } | sh`,
`curl ... | (cd /tmp && sh)`), and a group's output redirected goes down no pipe
(`(curl ...) > f | sh`).
"""

from __future__ import annotations

from guardlint.parse.shell_options import POSIX_SHELLS, inline_script, stdin_script
from guardlint.parse.shell_tokenizer import Tokenizer
from guardlint.parse.shell_words import (
    ASSIGNED,
    SCRIPT_OUTPUT,
    STDIN,
    STDOUT,
    Command,
    Environment,
    Substitution,
    find_actions,
    next_stream,
    shifted,
)

__all__ = [
    "ASSIGNED",
    "POSIX_SHELLS",
    "SCRIPT_OUTPUT",
    "STDIN",
    "STDOUT",
    "Command",
    "Environment",
    "Substitution",
    "commands",
    "run_commands",
    "split_words",
]

_SUBSTITUTION_DEPTH = 4  # substitutions inside substitutions read as commands, at most


def commands(script: str) -> list[Command]:
    """The simple commands of a shell script, in order."""
    return Tokenizer(script).run()


def run_commands(
    script: str,
    depth: int = _SUBSTITUTION_DEPTH,
    environment: Environment | None = None,
    limit: int | None = None,
) -> list[Command]:
    """Every command the script runs: its own, each followed by those of the substitutions it
    holds (`$(...)`), of the script it is given (`sh -c '...'`, `su -c '...'`, `bash <<EOF`:
    shell_options) and of its `find -exec`, nested ones `depth` deep, with streams and
    environments of their own (their output, too, is not the script's, nor is their `cd`'s
    directory) and their words' offsets in the script (a quoted script's words where the
    script starts, unless it is written as it reads). `environment`: the one it runs in.
    `limit`: at most that many, the first ones (the rest of the script is not read)."""
    parsed = Tokenizer(script, environment, limit).run()
    found: list[Command] = []
    free = next_stream(parsed)
    for command in parsed:
        if len(found) == limit:
            break
        found.append(command)
        inner_scripts = [(sub.script, sub.start, True) for sub in command.substitutions]
        fed = stdin_script(command)  # `bash <<EOF`, `sh -s <<< "..."`
        inner_scripts += [(fed, command.offsets[0], False)] if fed is not None else []
        inline = inline_script(command) if depth else None
        if inline is not None:
            index, text = inline
            start = command.offsets[index] + len(command.words[index]) - len(text)
            start += script[start : start + 1] in ("'", '"')  # past an opening quote
            inner_scripts.append((text, start, script.startswith(text, start)))
        for text, start, verbatim in inner_scripts if depth else ():
            if len(found) == limit:
                break
            left = None if limit is None else limit - len(found)
            inner = run_commands(text, depth - 1, Environment(command.environment), left)
            used = next_stream(inner)
            for each in inner:
                each.input_stream = shifted(each.input_stream, free)
                each.output_stream = shifted(each.output_stream, free)
                each.offsets = [start + offset if verbatim else start for offset in each.offsets]
            free += used
            found.extend(inner)
        for first, end in find_actions(command):  # an output of its own, like a script's
            words, offsets = command.words[first:end], command.offsets[first:end]
            child = Environment(command.environment)
            found.append(Command(words, output_stream=free, offsets=offsets, environment=child))
            free += 1
    return found[:limit]


def split_words(text: str) -> list[str]:
    """Every word of the text, quotes removed, assignments kept as `NAME=value` words."""
    words: list[str] = []
    for command in commands(text):
        words.extend(f"{name}={value}" for name, value in command.assignments)
        words.extend(command.words)
    return words
