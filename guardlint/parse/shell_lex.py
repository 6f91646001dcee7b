"""Reading one word of a shell script (guardlint.parse.shell): quotes, backslash escapes,
`$(...)`, backticks, `<(...)`/`>(...)` and `${...}` kept inside it, verbatim, and the scripts
of the substitutions the shell runs recorded for the word."""

from __future__ import annotations

import re

# A substitution as read: its kind, its script and where the script starts.
Found = tuple[str, str, int]
# What a backslash escapes inside backticks (the rest of them are themselves).
_BACKTICK_ESCAPE = re.compile(r"\\([`\\$])")


class WordReader:
    """Reads words from `text` at `pos`, one pass, no recursion into substitutions."""

    def __init__(self, script: str) -> None:
        self.text = script
        self.pos = 0
        self.found: list[Found] = []  # the substitutions of the word being read

    def _word(self) -> str:
        text = self.text
        out: list[str] = []
        while self.pos < len(text):
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

    def _double_quoted(self) -> str:
        text = self.text
        self.pos += 1
        out: list[str] = []
        while self.pos < len(text) and text[self.pos] != '"':
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
        double-quoted string ends it no more than `\\)` ends the substitution."""
        text, start = self.text, self.pos
        depth, self.pos = 0, self.pos + 1
        quote = ""
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and quote != "'":
                self.pos = min(self.pos + 2, len(text))
                continue
            if quote:
                if char == quote[-1]:
                    quote = ""
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
            self.pos += 1
        return text[start : self.pos]
