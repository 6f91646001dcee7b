"""Just enough POSIX shell parsing to see the commands a Dockerfile RUN executes.

`commands(script)` splits a script on `&&`, `||`, `;`, `|`, `&`, newlines and parentheses,
honouring quotes, backslash escapes, `$(...)`/backticks, `<(...)`/`>(...)` and `${...}` (kept
inside their word), comments, redirections (dropped with their target) and shell heredocs (their
bodies are data, not commands). The substitutions the shell runs (not those in `'...'`) are kept
with their word, or the standard input they feed (`< <(...)`, `<<< "$(...)"`), as scripts for
the caller to read. Each command knows its pipeline, so `curl ... | sh` can be recognised; the
commands of a group, `( ... )` or `{ ...; }`, share the pipeline the group is part of, as its
output or input does (`(curl ...) | sh`, `curl ... | (cd /tmp && sh)`).
"""

from __future__ import annotations

import re

from guardlint.parse.shell_lex import Found, WordReader
from guardlint.parse.shell_words import (
    ASSIGNED,
    ASSIGNMENT,
    STDIN,
    STDOUT,
    Command,
    Substitution,
)

__all__ = [
    "ASSIGNED",
    "POSIX_SHELLS",
    "STDIN",
    "STDOUT",
    "Command",
    "Substitution",
    "commands",
    "run_commands",
    "split_words",
]

# Programs that read a POSIX shell script.
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})

# Words that start a compound command or negate one: the real program follows them.
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"})
_SUBSTITUTION_DEPTH = 4  # substitutions inside substitutions read as commands, at most
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w.-]*)\1")


class _Tokenizer(WordReader):
    """Turns script text into commands; one pass, no recursion into substitutions."""

    def __init__(self, script: str) -> None:
        super().__init__(script)
        self.commands: list[Command] = []
        self.words: list[str] = []
        self.offsets: list[int] = []
        # The substitutions of each word (by index), of the input and of the output.
        self.word_substitutions: dict[int, list[Found]] = {}
        self.input_substitutions: list[Found] = []
        self.output_substitutions: list[Found] = []
        self.input_text: str | None = None  # a here-string's
        # The redirection whose target comes next: `<` or `<<<`, `<<<`, to standard output.
        self.reads_input = self.here_string = self.writes_output = False
        self.descriptor = ""  # the number in front of a redirection: `2>&1`
        self.output_redirected = False  # the command's standard output does not go on
        self.pipeline = 0
        self.position = 0
        # Each heredoc of the line: delimiter, `<<-`, whether it is the standard input; then
        # the index of the command each one's body feeds (-1: none), once that command ends.
        self.pending_heredocs: list[tuple[str, bool, bool]] = []
        self.heredoc_owners: list[int] = []
        self.skip_next_word = False  # the target of a redirection
        # The open groups: the index of each one's first command, and whether a pipe feeds it.
        self.groups: list[tuple[int, bool]] = []
        self.piped_groups = 0  # how many of them a pipe feeds: their commands share its pipeline
        self.closed_group: int | None = None  # the first command of the group just closed
        self.joined: dict[int, int] = {}  # pipeline numbers joined by a group piped on

    def run(self) -> list[Command]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self._end_command(new_pipeline=True)
                self.pos += 1
                self._skip_heredoc_bodies()
            elif char in " \t\r":
                self.pos += 1
            elif char == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif char in ";&|()":
                self._operator()
            elif char in "<>" and not text.startswith(("<(", ">("), self.pos):
                self._redirection()
            else:
                start, self.found = self.pos, []
                word = self._word()
                if self.skip_next_word:
                    self._redirection_target(word)
                elif word.isdigit() and self.pos < len(text) and text[self.pos] in "<>":
                    self.descriptor = word
                elif word == "{" and not self.words:
                    self._open_group(self._fed_by_pipe())
                elif word == "}" and not self.words and self.groups:
                    self._close_group()
                else:
                    self.closed_group = None
                    if self.found:
                        self.word_substitutions[len(self.words)] = self.found
                    self.words.append(word)
                    self.offsets.append(start)
        self._end_command(new_pipeline=True)
        self._resolve_joined()
        return self.commands

    def _operator(self) -> None:
        text, pos = self.text, self.pos
        two = text[pos : pos + 2]
        if two == "&>":
            self.pos += 2 + (text[pos + 2 : pos + 3] == ">")
            self.skip_next_word = self.output_redirected = self.writes_output = True
            return
        if two in ("&&", "||", ";;"):
            self.pos += 2
            self._end_command(new_pipeline=True)
            return
        if text[pos] == "|":
            self.pos += 1 + (two == "|&")
            self._end_command(new_pipeline=False)
            if self.closed_group is not None:
                self._pipe_from_group(self.closed_group)
            return
        self.pos += 1
        if text[pos] == "(":
            piped = self._fed_by_pipe()
            self._end_command(new_pipeline=not piped)
            self._open_group(piped)
        elif text[pos] == ")" and self.groups:
            self._close_group()
        else:
            self._end_command(new_pipeline=True)

    def _fed_by_pipe(self) -> bool:
        """Right after `|`: no words yet, and not the first command of its pipeline."""
        return self.position > 0 and not self.words

    def _open_group(self, piped: bool) -> None:
        self.groups.append((len(self.commands), piped))
        self.piped_groups += piped

    def _close_group(self) -> None:
        self._end_command(new_pipeline=True)
        start, piped = self.groups.pop()
        self.piped_groups -= piped
        if piped and not self.piped_groups:
            self.pipeline += 1
            self.position = 0
        self.closed_group = start

    def _pipe_from_group(self, start: int) -> None:
        """A group's output piped on: its commands join the pipeline that follows. Their
        pipelines are the numbers from the first one's to the current one: joined as a run."""
        self.closed_group = None
        if start < len(self.commands):
            pipeline = self._last_joined(self.commands[start].pipeline)
            while pipeline < self.pipeline:  # each number is joined to the next one once
                self.joined[pipeline] = pipeline + 1
                pipeline = self._last_joined(pipeline + 1)
            self.position = max(self.position, 1)

    def _last_joined(self, pipeline: int) -> int:
        """The last pipeline number of the run joined to this one (path compression)."""
        path = []
        while pipeline in self.joined:
            path.append(pipeline)
            pipeline = self.joined[pipeline]
        for step in path:
            self.joined[step] = pipeline
        return pipeline

    def _resolve_joined(self) -> None:
        """Every command's pipeline as joined, and its position in it."""
        if not self.joined:
            return
        positions: dict[int, int] = {}
        for command in self.commands:
            command.pipeline = self._last_joined(command.pipeline)
            command.position = positions.get(command.pipeline, 0)
            positions[command.pipeline] = command.position + 1

    def _redirection(self) -> None:
        text = self.text
        heredoc = _HEREDOC.match(text, self.pos)
        if heredoc and not text.startswith("<<<", self.pos):
            strip_tabs = text.startswith("<<-", self.pos)
            stdin = self.descriptor in ("", "0")
            self.pending_heredocs.append((heredoc.group(2), strip_tabs, stdin))
            self.pos, self.descriptor = heredoc.end(), ""
            return
        # `< FILE` or a here-string `<<< WORD` (not `<&`, `<>`): the target feeds standard input.
        self.here_string = text.startswith("<<<", self.pos)
        self.reads_input = self.here_string or (
            text[self.pos] == "<" and not text.startswith(("<<", "<>", "<&"), self.pos)
        )
        self.writes_output = text[self.pos] == ">" and self.descriptor in ("", "1")
        self.output_redirected = self.output_redirected or self.writes_output
        while self.pos < len(text) and text[self.pos] in "<>&|":
            self.pos += 1
        self.skip_next_word, self.descriptor = True, ""

    def _redirection_target(self, word: str) -> None:
        """The substitutions of a redirection's target that feed the input or take the
        output (`< <(...)`, `<<< "$(...)"`, `> >(...)`), and a here-string's text."""
        self.skip_next_word = False
        if self.reads_input:
            self.input_substitutions.extend(self.found)
            if self.here_string:
                self.input_text = word + "\n"
        elif self.writes_output:
            self.output_substitutions.extend(item for item in self.found if item[0] == ">")

    def _skip_heredoc_bodies(self) -> None:
        """Past the bodies of the line's heredocs; each one that feeds a command's standard
        input is its input text (the last one, if several do)."""
        text = self.text
        for (delimiter, strip_tabs, _), owner in zip(
            self.pending_heredocs, self.heredoc_owners, strict=True
        ):
            body: list[str] = []
            while self.pos < len(text):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                line = text[self.pos : end]
                self.pos = end + 1
                line = line.lstrip("\t") if strip_tabs else line
                if line.rstrip("\r") == delimiter:
                    break
                if owner >= 0:
                    body.append(line + "\n")
            if owner >= 0:
                self.commands[owner].input_text = "".join(body)
        self.pending_heredocs, self.heredoc_owners = [], []

    def _end_command(self, new_pipeline: bool) -> None:
        words, start = self.words, 0  # by index: slicing per word is quadratic in `A=1 B=2 ...`
        while start < len(words) and words[start] in _KEYWORDS:
            start += 1
        assignments: list[tuple[str, str]] = []
        while start < len(words) and ASSIGNMENT.match(words[start]):
            name, value = words[start].split("=", 1)
            assignments.append((name, value))
            start += 1
        kept = [index for index in range(start, len(words)) if words[index] not in ("{", "}")]
        if kept or assignments:
            self.commands.append(
                Command(
                    [words[index] for index in kept],
                    assignments,
                    self.pipeline,
                    self.position,
                    self._substitutions(kept, start - len(assignments), start),
                    [self.offsets[index] for index in kept],
                    self.output_redirected,
                    self.input_text,
                )
            )
            self.position += 1
        # The heredocs of the command just read feed it, if it is one.
        owner = len(self.commands) - 1 if kept or assignments else -1
        self.heredoc_owners.extend(
            owner if stdin else -1
            for _, _, stdin in self.pending_heredocs[len(self.heredoc_owners) :]
        )
        self.words, self.offsets, self.input_text = [], [], None
        self.word_substitutions, self.input_substitutions, self.output_substitutions = {}, [], []
        self.skip_next_word = self.reads_input = self.output_redirected = False
        self.here_string = self.writes_output = False
        if new_pipeline:
            self.closed_group = None
            if not self.piped_groups:  # inside a group a pipe feeds, its pipeline goes on
                self.pipeline += 1
                self.position = 0

    def _substitutions(self, kept: list[int], first: int, last: int) -> list[Substitution]:
        """The command's substitutions, by its words' new indices (assignments' from `first`
        to `last`, ASSIGNED)."""
        found = [
            Substitution(kind, script, ASSIGNED, start, index - first)
            for index in range(first, last)
            for kind, script, start in self.word_substitutions.get(index, ())
        ]
        for new, index in enumerate(kept):
            found.extend(
                Substitution(kind, script, new, start)
                for kind, script, start in self.word_substitutions.get(index, ())
            )
        found.extend(Substitution(*item[:2], STDIN, item[2]) for item in self.input_substitutions)
        found.extend(Substitution(*item[:2], STDOUT, item[2]) for item in self.output_substitutions)
        return found


def commands(script: str) -> list[Command]:
    """The simple commands of a shell script, in order."""
    return _Tokenizer(script).run()


def run_commands(script: str, depth: int = _SUBSTITUTION_DEPTH) -> list[Command]:
    """Every command the script runs: its own, each followed by those of the substitutions it
    holds (`$(...)`, `<(...)`; nested ones `depth` deep), in pipelines of their own, with their
    words' offsets in the script."""
    parsed = commands(script)
    found: list[Command] = []
    pipeline = max((command.pipeline for command in parsed), default=0) + 1  # the next free one
    for command in parsed:
        found.append(command)
        for substitution in command.substitutions if depth else ():
            inner = run_commands(substitution.script, depth - 1)
            for each in inner:
                each.pipeline += pipeline
                each.offsets = [offset + substitution.start for offset in each.offsets]
            pipeline = max((each.pipeline for each in inner), default=pipeline - 1) + 1
            found.extend(inner)
    return found


def split_words(text: str) -> list[str]:
    """Every word of the text, quotes removed, assignments kept as `NAME=value` words."""
    words: list[str] = []
    for command in commands(text):
        words.extend(f"{name}={value}" for name, value in command.assignments)
        words.extend(command.words)
    return words
