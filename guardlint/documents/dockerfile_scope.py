"""The ARG and ENV variables a Dockerfile stage's instructions see, and their arguments with
those variables substituted as BuildKit's lexer does (guardlint.parse.dockerfile_lex).
"""

from __future__ import annotations

import json
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field

from guardlint.parse.dockerfile import Instruction
from guardlint.parse.dockerfile_lex import process_word


def built_value(
    raw: str, cooked: str | None, variables: Mapping[str, str | None], escape: str
) -> str | None:
    """An ENV or ARG value as built: `raw` (quoted) lexed if it names a variable, else `cooked`."""
    if "$" not in raw:
        return cooked
    return process_word(raw, variables, True, escape)


# The instructions whose arguments Docker substitutes variables in (ARG and ENV values are
# substituted into the scope; FROM sees the global ARGs only; the shell expands RUN's).
_EXPANDED = frozenset({"ADD", "COPY", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"})


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Scope:
    """The variables a stage's instructions see so far: ARG defaults (None: declared without
    one) and ENV values (None: unknown). An ENV hides an ARG of its name, whatever the order."""

    global_args: dict[str, str | None]
    env: dict[str, str | None] = field(default_factory=dict)  # the base stage's go on
    args: dict[str, str | None] = field(default_factory=dict)
    escape: str = "\\"

    def visible(self) -> Mapping[str, str | None]:
        return ChainMap(self.env, self.args)

    def value(self, raw: str, cooked: str | None) -> str | None:
        return built_value(raw, cooked, self.visible(), self.escape)

    def declare(self, instruction: Instruction) -> None:
        """What an ARG or ENV sets: each value substituted in the scope before it (an ARG
        without a default takes the global ARG's, the one a build uses unless told)."""
        pairs = zip(instruction.raw_variables, instruction.variables, strict=True)
        if instruction.keyword == "ARG":
            values = {
                name: self.global_args.get(name) if raw is None else self.value(raw, cooked)
                for (name, raw), (_, cooked) in pairs
            }
            self.args.update(values)
        elif instruction.keyword == "ENV":
            values = {name: self.value(raw or "", cooked) for (name, raw), (_, cooked) in pairs}
            self.env.update(values)
        else:
            return
        if "$" in instruction.value:  # what DKR004 and DKR017 read: the values built
            instruction.expanded_variables = list(values.items())

    def expand(self, instruction: Instruction) -> None:
        """Substitute the variables in an instruction's arguments and remove their quotes and
        escapes as Docker's lexer does (a LABEL's are its pairs' own: kept unless a variable is
        substituted; `\\` under the backtick escape is a character, `C:\\app`, kept as such)."""
        value, written = instruction.value, instruction.exec_args
        lexed = instruction.keyword != "LABEL" and any(c in value for c in "'\"\\" + self.escape)
        if instruction.keyword not in _EXPANDED or ("$" not in value and not lexed):
            return
        # BuildKit lexes each element of a JSON array (and each word of a COPY or ADD).
        words = [
            (word, process_word(word, self.visible(), True, self.escape))
            for word in (value.split() if written is None else written)
        ]
        if written is not None:
            known = all(new is not None for _, new in words)
            instruction.expanded_value = json.dumps([new for _, new in words]) if known else None
        else:
            instruction.expanded_value = process_word(value, self.visible(), True, self.escape)
        if instruction.keyword in ("ADD", "COPY"):
            # A word that comes to nothing names no source.
            instruction.expanded_words = [
                word if new is None else new for word, new in words if new != ""
            ]

    def run_triggers(self, triggers: list[Instruction]) -> None:
        """Substitute what a stage's ONBUILDs register as the builds FROM its image will: in
        the image's ENV (the stage's, at its end), its ARGs unseen, each trigger in turn."""
        child = Scope({}, dict(self.env), escape=self.escape)
        for trigger in triggers:
            child.expand(trigger)
            child.declare(trigger)
