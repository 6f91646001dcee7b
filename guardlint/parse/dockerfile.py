"""Dockerfile syntax: an instruction's keyword, flags, arguments, exec or shell form, heredocs
and the shell script a RUN executes; parser directives (`# escape=`, `# syntax=`); ENV and ARG
assignments split as Docker splits them.

guardlint.parse.dockerfile_split splits the lines into instructions (line continuations,
comments inside them, `# escape=`) and reads the bodies of BuildKit heredocs with the
instruction that opens them: a heredoc line is never taken for an instruction, and line
numbers stay those of the file. The stages, ARG substitution and the document the rules see
are guardlint.documents.dockerfile.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from guardlint.model.documents import Region
from guardlint.parse.cached import cached
from guardlint.parse.digits import digits_number
from guardlint.parse.docker_words import dequoted, docker_words
from guardlint.parse.dockerfile_split import HEREDOC_MARKER, Heredoc, RawInstruction
from guardlint.parse.shell import POSIX_SHELLS, Command, commands, run_commands, split_words
from guardlint.parse.shell_limits import commands_within_limit
from guardlint.parse.shell_options import reads_script_from_stdin
from guardlint.parse.shell_words import program_name
from guardlint.parse.text import ParseError

FLAG = re.compile(r"--([A-Za-z][\w-]*)(?:=((?:\"[^\"]*\"|'[^']*'|\S)*))?\s*")
_FORM_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL"})


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Instruction:
    """One Dockerfile instruction, its lines and its arguments."""

    keyword: str  # upper case
    value: str  # arguments without flags, continuation lines joined
    original: str  # the instruction as written (heredoc bodies included)
    start_line: int
    end_line: int
    flags: dict[str, list[str]] = field(default_factory=dict)
    form: str | None = None  # "shell" or "exec" for RUN, CMD, ENTRYPOINT, SHELL
    exec_args: list[str] | None = None  # a JSON-array argument list, for any instruction
    heredocs: list[Heredoc] = field(default_factory=list)
    stage_index: int | None = None  # None for global ARGs
    posix_shell: bool = True  # False after SHELL switches to PowerShell/cmd
    shell: list[str] | None = None  # the SHELL's arguments in force; None: the default
    trigger: Instruction | None = None  # ONBUILD: the instruction it registers
    # The earlier stages it takes files from (`COPY --from=`, `RUN --mount=from=`), by index
    # (guardlint.documents.dockerfile resolves their names once).
    source_stages: tuple[int, ...] = ()
    onbuild: bool = False  # registered by ONBUILD: runs in the builds FROM this image
    # The arguments with the variables in scope substituted, where Docker substitutes them
    # (guardlint.documents.dockerfile_scope sets both); None: a variable with no known value. In
    # `expanded_words`, None: `words`; a word with an unknown variable stays as written.
    expanded_value: str | None = None
    expanded_words: list[str] | None = None
    # An ENV's or ARG's (name, value) pairs with the values substituted; None: `variables`.
    expanded_variables: list[tuple[str, str | None]] | None = None

    @cached
    def region(self) -> Region:
        """Its lines (asked for by each rule and data field: made once)."""
        return Region(self.start_line, 1, self.end_line)

    def flag(self, name: str) -> str | None:
        values = self.flags.get(name)
        return values[-1] if values else None

    @cached
    def words(self) -> list[str]:
        """The arguments split like a shell would (exec form: the JSON array)."""
        if self.exec_args is not None:
            return list(self.exec_args)
        return split_words(self.value)

    @cached
    def exec_words(self) -> list[str] | None:
        """The words of the command an exec form runs: its JSON array, also a HEALTHCHECK's
        after CMD (`HEALTHCHECK CMD ["mysqladmin", "ping", ...]`)."""
        if self.keyword == "HEALTHCHECK" and self.value[:3].upper() == "CMD":
            return _json_array(self.value[3:].strip())
        return self.exec_args

    @property
    def expanded(self) -> str:
        """`expanded_value`, or the value as written where a variable has no known value."""
        return self.value if self.expanded_value is None else self.expanded_value

    @property
    def arguments(self) -> list[str]:
        """The words with variables substituted as Docker does (`expanded_words`)."""
        return self.words if self.expanded_words is None else self.expanded_words

    @property
    def sources(self) -> list[str]:
        """What a COPY or ADD copies: every argument but the destination (heredocs excluded)."""
        words = self.arguments
        return [w for w in words[:-1] if not w.startswith("<<")] if len(words) > 1 else []

    @property
    def destination(self) -> str:
        """Where a COPY or ADD copies to: its last argument."""
        words = self.arguments
        return words[-1] if words else ""

    @cached
    def variables(self) -> list[tuple[str, str | None]]:
        """The (name, value) pairs an ENV or ARG sets (None: an ARG without a default)."""
        return self._assignments(dequote=True)

    @cached
    def raw_variables(self) -> list[tuple[str, str | None]]:
        """`variables` with each value's quotes and escapes kept: what BuildKit's lexer
        substitutes (`'$A'` stays `$A`, `"$A"` does not)."""
        return self._assignments(dequote=False)

    def _assignments(self, dequote: bool) -> list[tuple[str, str | None]]:
        if self.keyword == "ENV":
            return list(env_assignments(self.value, dequote))
        if self.keyword == "ARG":
            return arg_assignments(self.value, dequote)
        return []

    @property
    def assignments(self) -> list[tuple[str, str | None]]:
        """`variables` as the build sees them: values substituted (`expanded_variables`);
        None: an ARG without a default, or a value with a variable of no known value."""
        return self.variables if self.expanded_variables is None else self.expanded_variables

    @cached
    def script(self) -> str | None:
        """The POSIX shell script a RUN executes (heredoc scripts included), or None. An exec
        form runs its command whatever the SHELL; under PowerShell the script is the shell
        given the RUN's text (`powershell -Command '...'`, which the download rules read);
        under cmd, the command line read like the default Windows shell's."""
        if self.keyword != "RUN":
            return None
        if self.form == "exec":
            return _exec_script(self.exec_args or [])
        if not self.posix_shell:
            program = _program_name(self.shell[0]) if self.shell else ""
            if program in ("powershell", "pwsh"):
                return _exec_script([*(self.shell or []), self.value])
            return self.value if program == "cmd" else None
        command = HEREDOC_MARKER.sub(" ", self.value).strip()
        if len(self.heredocs) == 1 and _heredoc_is_the_script(command, self.heredocs[0].body):
            # The command line runs too (`sudo bash <<EOF`), then the body as its script.
            return "\n".join(filter(None, (command, self.heredocs[0].body)))
        parts = [self.value]
        for heredoc in self.heredocs:
            parts.extend((heredoc.body, heredoc.delimiter))
        return "\n".join(parts)

    @cached
    def commands(self) -> list[Command]:
        """The commands the script runs, those of its substitutions too."""
        script = self.script
        return run_commands(script) if script else []


def read_commands(instructions: Iterable[Instruction]) -> list[ParseError]:
    """Read the commands of the RUNs (in the build's order) up to the file's limit
    (guardlint.parse.shell_limits); where the reading stopped, if it did, as a problem."""
    listed = list(instructions)
    scripts = [(instruction.script, instruction.start_line) for instruction in listed]
    read, problems = commands_within_limit(scripts, "RUN instructions")
    for instruction, found in zip(listed, read, strict=True):
        instruction.commands = found
    return problems


_SHEBANG = re.compile(r"#!\s*(\S+)(?:[ \t]+(\S+))?")


def _heredoc_is_the_script(command: str, body: str) -> bool:
    """Whether a RUN's one heredoc is the script a POSIX shell runs. BuildKit runs the body of
    a lone `RUN <<EOF` in the shell, or by its `#!` line; `bash -e <<EOF`, `sudo sh -s <<EOF`
    and `cat <<EOF | sh` feed it to a shell. Otherwise it is data (`cat > f <<EOF`,
    `python3 <<EOF`), and `RUN <<A <<B` runs nothing: the shell gets redirections alone."""
    parsed = commands(command)
    if not parsed:
        shebang = _SHEBANG.match(body)
        if shebang is None:
            return True
        interpreter = shebang.group(1).rsplit("/", 1)[-1]
        if interpreter == "env":
            interpreter = shebang.group(2) or ""
        return interpreter in POSIX_SHELLS
    if len(parsed) > 2:
        return False
    if len(parsed) == 2 and (
        parsed[0].program != "cat"
        or parsed[0].args
        or parsed[-1].input_stream != parsed[0].output_stream
    ):
        return False
    return parsed[-1].program in POSIX_SHELLS and reads_script_from_stdin(parsed[-1])


def _exec_script(args: list[str]) -> str | None:
    """`["sh", "-c", "script"]` -> the script; any other exec form -> the command as text."""
    if not args:
        return None
    if args[0].rsplit("/", 1)[-1] in POSIX_SHELLS:
        for index, arg in enumerate(args[1:-1], start=1):
            if arg.startswith("-") and "c" in arg.lstrip("-"):
                return args[index + 1]
    return " ".join(_quote(arg) for arg in args)


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'" if re.search(r"[^\w@%+=:,./-]", word) else word


def arg_assignments(value: str, dequote: bool = True) -> list[tuple[str, str | None]]:
    """`ARG A=1 B` -> [("A", "1"), ("B", None)] (values as written unless `dequote`)."""
    clean = _dequoted if dequote else str
    pairs: list[tuple[str, str | None]] = []
    for word in _docker_words(value):
        name, sep, default = word.partition("=")
        if name:
            pairs.append((_dequoted(name), clean(default) if sep else None))
    return pairs


# BuildKit's separator of the legacy `ENV KEY value` form (a continuation's line break too).
_BLANKS = re.compile(r"[ \t\v\f\r\n]+")


def env_assignments(value: str, dequote: bool = True) -> list[tuple[str, str]]:
    """`ENV A=1 B="x y"` -> pairs; the legacy `ENV KEY some value` form too (values as
    written unless `dequote`)."""
    clean = _dequoted if dequote else str
    words = _docker_words(value)
    if words and "=" not in words[0]:
        # BuildKit splits the key off at the first run of blanks (`ENV PATH\t\t/opt/bin`).
        key, _, rest = _BLANKS.sub(" ", value.strip(), count=1).partition(" ")
        return [(key, clean(rest))]
    return [
        (_dequoted(name), clean(text))
        for name, sep, text in (word.partition("=") for word in words)
        if sep
    ]


@functools.lru_cache(maxsize=64)
def _docker_words(value: str) -> tuple[str, ...]:
    """The words of an ENV or ARG value as Docker splits them (Docker's quoting and escaping
    rules, as dockerfile-parse follows them), quotes kept. The last few remembered: an
    instruction's variables are read as written and unquoted, one after the other (a file of
    125,000 ENV lines split each twice)."""
    return tuple(docker_words(value.replace("\n", " "), dequote=False))


_QUOTING = re.compile(r"['\"\\]")


def _dequoted(word: str) -> str:
    """A word without its quotes and escapes; a word with none is itself."""
    return dequoted(word) if _QUOTING.search(word) else word


# `port[-port][/protocol]`: Docker reads the numbers in base 10 (strconv.ParseUint: ASCII digits
# only, not the '٣' of `\d`), leading zeros and all.
_EXPOSED_PORTS = re.compile(r"([0-9]+)(?:-([0-9]+))?(?:/[A-Za-z]+)?")
_LARGEST_PORT = 65535


def exposed_port_ranges(value: str) -> list[tuple[int, int]]:
    """The (first, last) ports of each word of an EXPOSE: `22`, `0022/tcp`, `20-25/udp`, and
    the container's side of a `[ip:]host:container` mapping, which EXPOSE still accepts (Docker
    parses it as `docker run -p` does); a word that is no port (a variable left, a number past
    65535) names none."""
    ranges = []
    for word in value.split():
        match = _EXPOSED_PORTS.fullmatch(word.rpartition(":")[2])
        if match:
            first, last = _port(match.group(1)), _port(match.group(2) or match.group(1))
            if first is not None and last is not None:
                ranges.append((first, last))
    return ranges


def _port(digits: str) -> int | None:
    number = digits_number(digits, _LARGEST_PORT + 1)
    return number if number is not None and number <= _LARGEST_PORT else None


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def split_flags(arguments: str) -> tuple[dict[str, list[str]], str]:
    flags: dict[str, list[str]] = {}
    rest = arguments.lstrip()
    position = 0  # not slicing `rest` per flag: that copies it once per flag (quadratic)
    while rest.startswith("--", position):
        match = FLAG.match(rest, position)
        if not match:
            break
        flags.setdefault(match.group(1).lower(), []).append(unquote(match.group(2) or ""))
        position = match.end()
    return flags, rest[position:].strip()


# A `\ud800` escape no other completes: BuildKit's Go decoder reads it as U+FFFD, and no UTF-8
# encoder (RE2's searches, the reports) takes it as it is.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_array(text: str) -> list[str] | None:
    if not text.startswith("["):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return [_LONE_SURROGATE.sub("\ufffd", item) for item in parsed]
    return None


def read_instruction(raw: RawInstruction, lines: list[str]) -> Instruction:
    start, end = raw.start_line, raw.end_line
    if raw.heredocs:
        end = max(end, raw.heredocs[-1].end_line)
    flags, arguments = split_flags(raw.value)
    exec_args = _json_array(arguments)
    form = None
    if raw.keyword in _FORM_INSTRUCTIONS:
        form = "exec" if exec_args is not None else "shell"
    return Instruction(
        keyword=raw.keyword,
        value=arguments,
        original="\n".join(lines[start - 1 : end]),
        start_line=start,
        end_line=end,
        flags=flags,
        form=form,
        exec_args=exec_args,
        heredocs=raw.heredocs,
        expanded_value=arguments,
    )


def onbuild_trigger(
    onbuild: Instruction, raw: RawInstruction, lines: list[str]
) -> Instruction | None:
    """The instruction an ONBUILD registers, at the ONBUILD's lines (None when there is none,
    or it is one ONBUILD may not register)."""
    words = onbuild.value.split(None, 1)
    if not words or words[0].upper() in ("ONBUILD", "FROM", "MAINTAINER"):
        return None
    keyword, arguments = words[0], (words[1] if len(words) > 1 else "")
    trigger_raw = RawInstruction(
        keyword.upper(), arguments.strip(), raw.start_line, raw.end_line, raw.heredocs
    )
    trigger = read_instruction(trigger_raw, lines)
    trigger.onbuild = True
    return trigger


def is_posix_shell(shell_instruction: Instruction) -> bool:
    args = shell_instruction.exec_args or []
    return bool(args) and _program_name(args[0]) in POSIX_SHELLS


def _program_name(path: str) -> str:
    return program_name(path).lower()
