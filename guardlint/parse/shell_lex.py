"""Reading one word of a shell script (guardlint.parse.shell): quotes, backslash escapes,
`$(...)`, backticks, `<(...)`/`>(...)` and `${...}` kept inside it, verbatim, and the scripts
of the substitutions the shell runs recorded for the word; and the `case` commands open, whose
patterns' `)` (`case $a in amd64) ...;; esac`) closes no substitution nor group."""

from __future__ import annotations

import re

from guardlint.parse.lazy_pattern import LazyPattern

# A substitution as read: its kind, its script and where the script starts.
Found = tuple[str, str, int]
# What a backslash escapes inside backticks (the rest of them are themselves).
_BACKTICK_ESCAPE = LazyPattern(r"\\([`\\$])")
# The reserved words a substitution's script is read for, as words of their own: a case's, and
# those after which a command starts (`then case ...`).
_RESERVED = LazyPattern(r"(case|esac|in|then|do|else|elif|if|while|until|!|\{)(?=[\s;&|()]|$)")
_STARTS_COMMAND = frozenset({"then", "do", "else", "elif", "if", "while", "until", "!", "{"})
SEPARATORS = " \t\r\n;&|()"
# A run of characters that stand for themselves in a word, outside quotes (a word stops at a
# separator, a `<` or `>`, and quotes, escapes and substitutions are read one by one) and
# inside double quotes: each run is taken at once, not a character at a time.
_PLAIN = re.compile(r"[^ \t\r\n;&|()<>\\'\"$`]+")
_PLAIN_QUOTED = re.compile(r'[^"\\$`]+')
SUBJECT, PATTERN, BODY = range(3)  # what an open case reads next
# The only words Cases.read acts on: any other reads as "" (and is not passed to it).
CASE_WORDS = frozenset({"case", "in", "esac"})


class Cases:
    """The `case` commands open, each with the nesting it was opened at and what it reads
    next: its subject (up to `in`), a pattern (up to its `)`) or a body (up to `;;`, `;&`,
    `;;&`). A word is a case's reserved word only where the shell reads one."""

    def __init__(self) -> None:
        self.open: list[list[int]] = []

    def expects(self, depth: int, state: int) -> bool:
        return bool(self.open) and self.open[-1] == [depth, state]

    def read(self, word: str, depth: int, command_start: bool) -> str:
        """What the word does: "case" (opens one), "in", "esac" (closes one), or ""."""
        if word == "case" and command_start and not self.expects(depth, PATTERN):
            self.open.append([depth, SUBJECT])
        elif word == "in" and self.expects(depth, SUBJECT):
            self.open[-1][1] = PATTERN
        elif (
            word == "esac"
            and self.open
            and self.open[-1][0] == depth
            and (command_start or self.open[-1][1] == PATTERN)
        ):
            self.open.pop()
        else:
            return ""
        return word

    def set_state(self, depth: int, expected: int, state: int) -> bool:
        """The open case at `depth` reads `state` next, if it was reading `expected`."""
        if self.expects(depth, expected):
            self.open[-1][1] = state
            return True
        return False


class WordReader:
    """Reads words from `text` at `pos`, one pass, no recursion into substitutions."""

    def __init__(self, script: str) -> None:
        self.text = script
        self.pos = 0
        self.found: list[Found] = []  # the substitutions of the word being read

    def _word(self) -> str:
        text, plain = self.text, _PLAIN.match
        out: list[str] = []
        while self.pos < len(text):
            if run := plain(text, self.pos):
                out.append(run.group())
                self.pos = run.end()
                continue
            char = text[self.pos]
            # Anywhere in a word, as bash reads it: `--output=>(sh)` is one word.
            if char in "<>" and text.startswith(("<(", ">("), self.pos):
                out.append(self._substitution(char))
                continue
            if char in " \t\r\n;&|()<>":
                break
            if char == "\\":
                if text.startswith("\\\n", self.pos):
                    self.pos += 2
                    continue
                out.append(text[self.pos + 1 : self.pos + 2])
                self.pos += 2
            elif char == "'":
                end = text.find("'", self.pos + 1)
                end = len(text) if end < 0 else end
                out.append(text[self.pos + 1 : end])
                self.pos = end + 1
            elif char == "$" and text.startswith("$'", self.pos):
                # ANSI-C quoting: a backslash escapes the next character, `\'` included.
                start, self.pos = self.pos, self.pos + 2
                self._skip_to("'")
                out.append("$" + text[start + 2 : self.pos - 1])
            elif char == '"':
                out.append(self._double_quoted())
            elif char == "$" and text.startswith(("$(", "${"), self.pos):
                out.append(self._substitution("$"))
            elif char == "`":
                out.append(self._backticks())
            else:
                out.append(char)
                self.pos += 1
        return "".join(out)

    def _at_esac(self) -> bool:
        text, pos = self.text, self.pos
        return text.startswith("esac", pos) and (
            pos + 4 == len(text) or text[pos + 4] in SEPARATORS
        )

    def _past_case_pattern(self) -> None:
        """Past a case's pattern, to its `)`: its words and `|` are no commands, and a `<` or
        `>` is a character of it (where a word stops)."""
        text = self.text
        self.pos += text[self.pos] == "("
        while self.pos < len(text) and text[self.pos] != ")":
            start = self.pos
            if text[self.pos] not in SEPARATORS:
                self._word()
            self.pos += self.pos == start
        self.pos += 1
        self.found = []

    def _heredoc_body(self, delimiter: str, strip_tabs: bool) -> list[str]:
        """The lines of a heredoc's body from the position, past its delimiter's line."""
        text, body = self.text, []
        while self.pos < len(text):
            end = text.find("\n", self.pos)
            end = len(text) if end < 0 else end
            line = text[self.pos : end]
            self.pos = end + 1
            line = line.lstrip("\t") if strip_tabs else line
            if line.rstrip("\r") == delimiter:
                break
            body.append(line + "\n")
        return body

    def _double_quoted(self) -> str:
        text, plain = self.text, _PLAIN_QUOTED.match
        self.pos += 1
        out: list[str] = []
        while self.pos < len(text) and text[self.pos] != '"':
            if run := plain(text, self.pos):
                out.append(run.group())
                self.pos = run.end()
                continue
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                following = text[self.pos + 1]
                out.append(following if following in '"\\$`' else "\\" + following)
                self.pos += 2
            elif char == "$" and text.startswith(("$(", "${"), self.pos):
                out.append(self._substitution("$"))
            elif char == "`":
                out.append(self._backticks())
            else:
                out.append(char)
                self.pos += 1
        self.pos += 1
        return "".join(out)

    def _substitution(self, kind: str) -> str:
        """`$(...)`, `${...}`, `<(...)` or `>(...)` at the position, verbatim; the scripts of
        all but `${...}` recorded for the word."""
        opening, start = self.text[self.pos + 1], self.pos + 2
        verbatim = self._balanced(opening, ")" if opening == "(" else "}")
        if opening == "(":
            closed = verbatim.endswith(")") and len(verbatim) > 2
            self.found.append((kind, verbatim[2 : -1 if closed else None], start))
        return verbatim

    def _backticks(self) -> str:
        """`...` verbatim; its script recorded as the shell reads it inside: `\\``, `\\\\`
        and `\\$` stand for the character after the backslash."""
        text, start = self.text, self.pos
        self.pos += 1
        self._skip_to("`")
        end = self.pos - 1 if text[self.pos - 1 : self.pos] == "`" else self.pos
        script = _BACKTICK_ESCAPE.sub(r"\1", text[start + 1 : end])
        self.found.append(("$", script, start + 1))
        return text[start : self.pos]

    def _skip_to(self, closing: str) -> None:
        """Move past the next `closing` not escaped by a backslash (or to the end)."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            self.pos += 2 if char == "\\" else 1
            if char == closing:
                return
        self.pos = len(text)

    def _balanced(self, opening: str, closing: str) -> str:
        """`$(...)` or `${...}` verbatim, nested pairs and quotes included. A backslash
        outside single quotes escapes the next character (inside `$'...'` too): `\\"` in a
        double-quoted string ends it no more than `\\)` ends the substitution. In `$(...)`,
        a case pattern's `)` and a comment's text end nothing."""
        text, start = self.text, self.pos
        depth, self.pos = 0, self.pos + 1
        quote = ""
        script = opening == "("
        cases, word_start, command_start = Cases(), False, False
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and quote != "'":
                self.pos = min(self.pos + 2, len(text))
                word_start = command_start = False
                continue
            if quote:
                if char == quote[-1]:
                    quote = ""
            elif script and char in SEPARATORS:
                if self._separator(char, depth, cases):
                    depth += char == "("
                    depth -= char == ")"
                    if depth == 0:
                        break
                word_start, command_start = True, command_start or char not in " \t\r)"
                continue
            elif script and word_start and char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
                continue
            elif script and word_start and (reserved := _RESERVED.match(text, self.pos)):
                word = reserved.group(1)
                cases.read(word, depth, command_start)
                self.pos, word_start = reserved.end(), False
                command_start = word in _STARTS_COMMAND
                continue
            elif char in "'\"":
                # `$'...'` (ANSI-C quoting) is single-quoted text in which backslashes escape.
                ansi = char == "'" and text[self.pos - 1] == "$"
                quote = "$'" if ansi else char
            elif char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    break
            word_start = command_start = False
            self.pos += 1
        return text[start : self.pos]

    def _separator(self, char: str, depth: int, cases: Cases) -> bool:
        """Past a separator of a substitution's script; whether it is a bracket that counts:
        not a case pattern's `)`, nor the `(` that may open one."""
        text, pos = self.text, self.pos
        if (
            char == ";"
            and text.startswith((";;", ";&"), pos)
            and cases.set_state(depth, BODY, PATTERN)
        ):
            self.pos += 2 + text.startswith(";;&", pos)
            return False
        self.pos += 1
        if char == ")":
            return not cases.set_state(depth, PATTERN, BODY)
        # A pattern's opening `(`, not an extended glob's (`@(a|b)`, after a character).
        return char == "(" and not (cases.expects(depth, PATTERN) and text[pos - 1] in SEPARATORS)
