"""Where an interpreter other than a POSIX shell takes the code it runs (shell_downloads): code
an option gives (`python -c CODE`, `perl -we CODE`, `node --eval CODE`), a module or file an
option names (`python -m json.tool`, `php -f x.php`), its script file operand, or its standard
input (`python3 -`, `python -W ignore -`, `php -- --install-dir=/bin`), its options read as it
reads them: those that take a value in the next word (`python -W ignore`, `ruby -r json`, `node
--require x`) or only in the word (`perl -Mstrict`)."""

from __future__ import annotations

from typing import Literal

from guardlint.knowledge.shell_commands import short_flags
from guardlint.parse.shell_words import Command

# Each interpreter's short options whose value is the code it runs.
CODE_OPTIONS = {"python": "c", "perl": "eE", "ruby": "e", "node": "ep", "php": "r", "fish": "c"}
# Its options after which it runs no script it reads: a module (`python -m`), a file an option
# names (`php -f`), a syntax check (`node -c`), input lines given to code (`php -R CODE`).
_OTHER_SOURCES = {"python": "m", "node": "c", "php": "fBRFE"}
# Short options whose value is the rest of the word or, if none is, the next word.
_WITH_VALUE = {"python": "WXQ", "perl": "I", "ruby": "IrCE", "node": "rC", "php": "dcz"}
# Short options whose value, if any, is only the rest of the word (`perl -Mstrict`, `-0777`).
_ATTACHED = {"perl": "MmlxiCdD0", "ruby": "0FKTWx"}
_LONG_WITH_VALUE = frozenset(
    {"--require", "--import", "--loader", "--experimental-loader", "--input-type",
     "--conditions", "--env-file", "--title"}
)  # fmt: skip
_LONG_CODE = frozenset({"--eval", "--print", "--command"})
_LONG_OTHER = frozenset({"--check"})

Source = tuple[Literal["code", "file", "stdin"], int | None]


def interpreter_source(command: Command, program: str) -> Source:
    """Where the interpreter `program` (its name without a version) takes its code: ("code",
    the index in `words` of the code an option gives, or None for a module or a file an
    option names), ("file", the index of its script file operand, which may name standard
    input: `-`, `/dev/stdin`), or ("stdin", None) when no option or operand says."""
    words, index = command.words, command.program_index + 1
    while index < len(words):
        word = words[index]
        if word == "--":
            if program == "php":  # what follows is the arguments of the script it reads
                return "stdin", None
            index += 1
            break
        if word.startswith("--"):
            name, equals, _ = word.partition("=")
            if name in _LONG_CODE or name in _LONG_OTHER:
                code = index if equals else index + 1
                return "code", code if name in _LONG_CODE and code < len(words) else None
            index += 1 + (name in _LONG_WITH_VALUE and not equals)
            continue
        if word == "-" or not word.startswith("-"):
            break
        kind, attached = _short_option(program, short_flags(word))
        if kind == "code":
            code = index if attached else index + 1
            return "code", code if code < len(words) else None
        if kind == "other":
            return "code", None
        index += 1 + (kind == "value" and not attached)
    return ("file", index) if index < len(words) else ("stdin", None)


def _short_option(program: str, letters: str) -> tuple[str, bool]:
    """What a word of short options does: gives code ("code"), names another source
    ("other"), takes a value ("value") or none of these (""); and whether the rest of the word
    is the option's value."""
    for position, letter in enumerate(letters):
        attached = position + 1 < len(letters)
        if letter in CODE_OPTIONS.get(program, ""):
            return "code", attached
        if letter in _OTHER_SOURCES.get(program, ""):
            return "other", attached
        if letter in _WITH_VALUE.get(program, ""):
            return "value", attached
        if letter in _ATTACHED.get(program, ""):
            return "", True
    return "", False
