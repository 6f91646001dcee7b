"""Script text to its simple commands, in one pass (guardlint.parse.shell reads the scripts of
substitutions and `sh -c` with it in turn): split on `&&`, `||`, `;`, `|`, `&`, newlines and
parentheses, words read by shell_lex (quotes, escapes, substitutions kept inside their word),
comments skipped, redirections dropped with their target, heredoc bodies kept as the input
text of the command they feed; each command's input and output streams (the pipe before and
after it, its group's, the script's output, or none when redirected) and the environment it
runs in (shell_words)."""

from __future__ import annotations

from guardlint.parse.digits import ascii_digits
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell_lex import BODY, CASE_WORDS, PATTERN, Cases, Found, WordReader
from guardlint.parse.shell_words import (
    ASSIGNMENT,
    SCRIPT_OUTPUT,
    Command,
    Environment,
    command_substitutions,
    resolve_shared,
    resolved_stream,
)

# Words that start a compound command or negate one: the real program follows them.
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"})
_HEREDOC = LazyPattern(r"<<-?\s*(['\"]?)([A-Za-z_][\w.-]*)\1")


class Tokenizer(WordReader):
    """Turns script text into commands; one pass, no recursion into substitutions."""

    def __init__(
        self, script: str, environment: Environment | None = None, limit: int | None = None
    ) -> None:
        super().__init__(script)
        self.commands: list[Command] = []
        self.limit = limit  # the reading stops at this many commands (None: never)
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
        # Streams: SCRIPT_OUTPUT, each pipe, and each group's output, which becomes what
        # follows the group (a pipe, nothing when redirected, the enclosing output) once known.
        self.streams = SCRIPT_OUTPUT + 1  # the next free number
        self.became: dict[int, int | None] = {}  # a group's output -> the stream it became
        self.pipe_in: int | None = None  # the pipe the next command reads, after `|`
        # Each open group's output, input and the environment it was opened in.
        self.groups: list[tuple[int, int | None, Environment]] = []
        self.closed_group: int | None = None  # the output of the group just closed
        # The environment commands run in now; each one made, parents first; those of
        # `{ ...; }` groups and of and-or lists, which are their parent's own unless a group
        # is part of a pipeline or a list runs in the background (`cd x && rm y &`).
        self.environments: list[Environment] = []
        self.shared: set[Environment] = set()
        self._start_list(environment or Environment())
        self.closed_environment: Environment | None = None  # the one of the group just closed
        self.joined = False  # after `&&`, `||` or `|`: a newline does not end the list
        # Each heredoc of the line: delimiter, `<<-`, whether it is the standard input; then
        # the index of the command each one's body feeds (-1: none), once that command ends.
        self.pending_heredocs: list[tuple[str, bool, bool]] = []
        self.heredoc_owners: list[int] = []
        self.skip_next_word = False  # the target of a redirection
        self.cases = Cases()  # by the number of groups open around each

    def run(self) -> list[Command]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                if self.joined:
                    self._end_command()
                else:
                    self._end_list(background=False)
                self.pos += 1
                self._skip_heredoc_bodies()
            elif char in " \t\r":
                self.pos += 1
            elif char == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif self.cases.expects(len(self.groups), PATTERN) and not self._at_esac():
                self._past_case_pattern()
                self.cases.set_state(len(self.groups), PATTERN, BODY)
            elif char in ";&|()":
                self._operator()
            elif char in "<>" and not text.startswith(("<(", ">("), self.pos):
                self._redirection()
            else:
                start, self.found = self.pos, []
                word = self._word()
                if self.skip_next_word:
                    self._redirection_target(word)
                elif ascii_digits(word) and self.pos < len(text) and text[self.pos] in "<>":
                    self.descriptor = word
                elif word == "{" and not self.words:
                    self._open_group(subshell=False)
                elif word == "}" and not self.words and self.groups:
                    self._close_group()
                else:
                    self._command_word(word, start)
        self._end_command()
        resolved = resolve_shared(self.environments, self.shared)
        for command in self.commands:
            command.environment = resolved.get(command.environment, command.environment)
            command.input_stream = resolved_stream(self.became, command.input_stream)
            command.output_stream = resolved_stream(self.became, command.output_stream)
        return self.commands

    def _operator(self) -> None:
        text, pos = self.text, self.pos
        two = text[pos : pos + 2]
        if two == "&>":
            self.pos += 2 + (text[pos + 2 : pos + 3] == ">")
            self.skip_next_word = self.output_redirected = self.writes_output = True
            return
        if two in ("&&", "||"):
            self.pos += 2
            self._end_command()
            self.joined = True
            return
        if text[pos] == "|":
            self.pos += 1 + (two == "|&")
            self._end_command(piped=True)
            self.joined = True
            return
        if two in (";;", ";&"):
            self.pos += 2 + text.startswith(";;&", pos)
            self._end_list(background=False)
            self.cases.set_state(len(self.groups), BODY, PATTERN)
            return
        self.pos += 1
        if text[pos] == "(":
            self._end_command()
            self._open_group(subshell=True)
        elif text[pos] == ")" and self.groups:
            self._close_group()
        elif text[pos] in ";&":
            self._end_list(background=text[pos] == "&")
        else:
            self._end_command()

    def _command_word(self, word: str, start: int) -> None:
        """A word of the command being read, unless a case's `esac`; `in` ends the command
        `case WORD in`, whose words are kept for the substitutions the subject holds."""
        command_start = not self.words or self.words[-1] in _KEYWORDS
        read = self.cases.read(word, len(self.groups), command_start) if word in CASE_WORDS else ""
        if read != "esac":
            self.joined = False
            if self.found:
                self.word_substitutions[len(self.words)] = self.found
            self.words.append(word)
            self.offsets.append(start)
        if read in ("in", "esac"):
            self._end_command()

    def _new_stream(self) -> int:
        self.streams += 1
        return self.streams - 1

    def _input(self) -> int | None:
        """The stream the command being read takes as its input: the pipe before it, else
        its group's input."""
        if self.pipe_in is not None:
            return self.pipe_in
        return self.groups[-1][1] if self.groups else None

    def _output(self) -> int:
        """Where the command being read writes unless piped or redirected."""
        return self.groups[-1][0] if self.groups else SCRIPT_OUTPUT

    def _new_environment(self, parent: Environment | None) -> Environment:
        environment = Environment(parent)
        self.environments.append(environment)
        return environment

    def _open_group(self, subshell: bool) -> None:
        """`(` (`subshell`) or `{`, which is a subshell too when it reads a pipe."""
        environment = self._new_environment(self.environment)
        if not subshell and self.pipe_in is None:
            self.shared.add(environment)  # unless a pipe follows it (_end_command)
        self.groups.append((self._new_stream(), self._input(), self.environment))
        self._start_list(environment)
        self.pipe_in, self.joined = None, False

    def _close_group(self) -> None:
        self._end_command()
        self.closed_environment = self.environment.parent  # that of the group's last list
        self.closed_group, _, self.environment = self.groups.pop()
        self.joined = False

    def _start_list(self, parent: Environment | None) -> None:
        """An and-or list starts: its commands run in `parent`, unless it ends in `&`."""
        self.environment = self._new_environment(parent)
        self.shared.add(self.environment)

    def _end_list(self, background: bool) -> None:
        """The and-or list ends (`;`, `&`, a newline); in the background it is a subshell."""
        self._end_command()
        if background:
            self.shared.discard(self.environment)
        self._start_list(self.environment.parent)
        self.joined = False

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
        for (delimiter, strip_tabs, _), owner in zip(
            self.pending_heredocs, self.heredoc_owners, strict=True
        ):
            body = self._heredoc_body(delimiter, strip_tabs)
            if owner >= 0:
                self.commands[owner].input_text = "".join(body)
        self.pending_heredocs, self.heredoc_owners = [], []

    def _end_command(self, piped: bool = False) -> None:
        """The command read so far, if any, ends; `piped`: by `|`, whose pipe the next reads."""
        words, start = self.words, 0  # by index: slicing per word is quadratic in `A=1 B=2 ...`
        while start < len(words) and words[start] in _KEYWORDS:
            start += 1
        assignments: list[tuple[str, str]] = []
        while start < len(words) and ASSIGNMENT.match(words[start]):
            name, value = words[start].split("=", 1)
            assignments.append((name, value))
            start += 1
        kept = [index for index in range(start, len(words)) if words[index] not in ("{", "}")]
        pipe = self._new_stream() if piped else None
        output = None if self.output_redirected else (pipe if piped else self._output())
        # Each part of a pipeline runs in a subshell (POSIX allows it, bash does it).
        in_pipeline = piped or self.pipe_in is not None
        if kept or assignments:
            self.commands.append(
                Command(
                    [words[index] for index in kept],
                    assignments,
                    self._input(),
                    output,
                    command_substitutions(self, kept, start - len(assignments), start),
                    [self.offsets[index] for index in kept],
                    self.output_redirected,
                    self.input_text,
                    self._new_environment(self.environment) if in_pipeline else self.environment,
                )
            )
            if len(self.commands) == self.limit:
                self.pos = len(self.text)  # the rest is not read
        elif self.closed_group is not None:  # `( ... ) | sh`, `{ ...; } > f`
            self.became[self.closed_group] = output
            if piped:
                self.shared.discard(self.closed_environment)
        self.closed_group = None
        if kept or assignments or piped or words:
            self.pipe_in = pipe  # an empty command (a line ending in `|`) keeps the pipe
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
