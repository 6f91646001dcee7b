"""Dockerfile text to one Document(kind="dockerfile"): the stages, the instructions of each
(their syntax: guardlint.parse.dockerfile), ARG substitution, the SHELL in force, base stages.

`document.meta["model"]` is the typed model (DockerfileModel) the Python checks use;
`document.meta["dockerignore"]` is the path of the .dockerignore that filters the build context
(guardlint.documents.build_contexts; None when there is none, or it is empty),
and `document.meta["context_ignore"]` its patterns (guardlint.parse.dockerignore.DockerIgnore),
which tell the files a COPY or ADD from the context cannot take.

`document.data` is the same model as data, for `match` rules and users' JSONPath policies
(guardlint.documents.dockerfile_data).
"""

from __future__ import annotations

import json
import re
from collections import ChainMap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from guardlint.documents.build_contexts import context_ignore
from guardlint.documents.dockerfile_data import model_data
from guardlint.model import Document, SourceFile
from guardlint.parse.dockerfile import (
    Instruction,
    is_posix_shell,
    onbuild_trigger,
    read_commands,
    read_instruction,
)
from guardlint.parse.dockerfile_lex import process_word, with_substitution_budget
from guardlint.parse.dockerfile_split import escape_character, parser_directives, split_instructions
from guardlint.parse.image_ref import ImageRef, parse_image, split_reference
from guardlint.parse.text import ParseError

# A space run before `as` is tried from its first character only (`\s+as` is quadratic).
STAGE_ALIAS = re.compile(r"^(.*?)(?<!\s)\s++as\s++(\S++)\s*+$", re.IGNORECASE | re.DOTALL)


# The stage index of instructions that come before any FROM (a template, a snippet): no
# stage-level rule sees them, every instruction-level rule does.
HEADLESS = -1
HEADLESS_LABEL = "(no FROM)"


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Stage:
    """One build stage: its FROM, the base it builds on and its instructions."""

    index: int
    name: str | None
    image_raw: str
    image: str | None  # after ARG substitution; None when a variable has no value
    platform: str | None
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)
    base_stage: int | None = None  # index of the earlier stage this one is built FROM
    ref: ImageRef | None = None  # the external base image (None for scratch/stages/unknown)

    @property
    def headless(self) -> bool:
        """Whether these are the instructions before any FROM (not a stage Docker can build)."""
        return self.index == HEADLESS

    @property
    def label(self) -> str:
        return HEADLESS_LABEL if self.headless else self.name or str(self.index)

    @property
    def resource(self) -> str:
        return f"Dockerfile stage {self.label}"

    def of(self, *keywords: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword in keywords]


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class DockerfileModel:
    """A Dockerfile as stages and instructions, with its parser directives."""

    directives: dict[str, str]
    global_args: list[Instruction]
    stages: list[Stage]
    instructions: list[Instruction]  # every instruction in file order (FROM and ARG included)
    headless: Stage | None = None  # instructions before any FROM but global ARGs
    problems: list[ParseError] = field(default_factory=list)  # why it cannot be built
    cut: bool = False  # read up to the instruction limit only: later stages are unknown

    @property
    def escape(self) -> str:
        """The line continuation character: `\\`, or what `# escape=` sets."""
        return escape_character(self.directives)

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_of(self, instruction: Instruction) -> Stage | None:
        """The stage an instruction belongs to (None for a global ARG)."""
        index = instruction.stage_index
        if index == HEADLESS:
            return self.headless
        return self.stages[index] if index is not None else None

    def each(self, *keywords: str) -> Iterator[tuple[Stage | None, Instruction]]:
        """Every instruction a build may run, in file order, with its stage (None for a global
        ARG): those of the stages, those before any FROM, and those ONBUILD registers (in place
        of the ONBUILD). Only the given keywords, when there are any."""
        for written in self.instructions:
            instruction = written.trigger or written
            if not keywords or instruction.keyword in keywords:
                yield self.stage_of(written), instruction

    def runs(self) -> Iterator[tuple[Stage, Instruction]]:
        """Every RUN instruction (guardlint.documents.dockerfile.each), with its stage."""
        for stage, instruction in self.each("RUN"):
            if stage is not None:
                yield stage, instruction

    def stage_chain(self, stage: Stage) -> list[Stage]:
        """The stage, then the stage it is built FROM, and so on."""
        chain = [stage]
        while chain[-1].base_stage is not None and len(chain) <= len(self.stages):
            chain.append(self.stages[chain[-1].base_stage])
        return chain

    def shipped_stages(self) -> list[Stage]:
        """Stages whose layers end up in the final image: of a `cut` file, any (a FROM past
        the cut may name it)."""
        final = self.final_stage
        return self.stage_chain(final) if final and not self.cut else list(self.stages)


def built_value(
    raw: str, cooked: str | None, variables: Mapping[str, str | None], escape: str
) -> str | None:
    """An ENV or ARG value as built: `raw` (quoted) lexed if it names a variable, else `cooked`."""
    if "$" not in raw:
        return cooked
    return process_word(raw, variables, True, escape)


class Layout(NamedTuple):
    """Where a Dockerfile's instructions and heredoc bodies are (1-based lines)."""

    escape: str
    instructions: list[tuple[int, int]]  # each one's first and last line, heredocs included
    heredoc_lines: frozenset[int]  # bodies and terminators


def layout(lines: list[str], model: DockerfileModel | None = None) -> Layout:
    """The instructions and heredoc bodies of a Dockerfile: from its model, or from its lines
    when build_model refused them (a FROM without an image)."""
    if model is None:
        escape = escape_character(parser_directives(lines))
        instructions = [read_instruction(raw, lines) for raw in split_instructions(lines)]
    else:
        escape, instructions = model.escape, model.instructions
    heredoc_lines = {
        number
        for instruction in instructions
        for heredoc in instruction.heredocs
        for number in range(heredoc.start_line, heredoc.end_line + 1)
    }
    spans = [(instruction.start_line, instruction.end_line) for instruction in instructions]
    return Layout(escape, spans, frozenset(heredoc_lines))


# The instructions whose arguments Docker substitutes variables in (ARG and ENV values are
# substituted into the scope; FROM sees the global ARGs only; the shell expands RUN's).
_EXPANDED = frozenset({"ADD", "COPY", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"})


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class _Scope:
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
        child = _Scope({}, dict(self.env), escape=self.escape)
        for trigger in triggers:
            child.expand(trigger)
            child.declare(trigger)


@with_substitution_budget
def build_model(lines: list[str]) -> DockerfileModel:
    """Parse Dockerfile lines into stages and instructions."""
    model = DockerfileModel(parser_directives(lines), [], [], [])
    escape = model.escape
    global_vars: dict[str, str | None] = {}
    # What a FROM may name: each earlier stage's lower-case name and index (the latest wins).
    stage_names: dict[str, int] = {}
    # Per stage: the SHELL its RUNs run in so far (its last SHELL, else its base's; None: the
    # default, a POSIX shell).
    shells: dict[int, Instruction | None] = {HEADLESS: None}
    scopes: dict[int, _Scope] = {HEADLESS: _Scope(global_vars, escape=escape)}
    for raw in split_instructions(lines, model.problems):
        instruction = read_instruction(raw, lines)
        model.instructions.append(instruction)
        if instruction.keyword == "ONBUILD":
            instruction.trigger = onbuild_trigger(instruction, raw, lines)
        if instruction.keyword == "FROM":
            stage = _stage(instruction, len(model.stages), global_vars, stage_names, escape)
            model.stages.append(stage)
            stage_names[str(stage.index)] = stage.index
            if stage.name:
                stage_names[stage.name.lower()] = stage.index
            base = stage.base_stage
            shells[stage.index] = shells[base] if base is not None else None
            base_env = scopes[base].env if base is not None else {}
            scopes[stage.index] = _Scope(global_vars, dict(base_env), escape=escape)
        elif not model.stages and instruction.keyword == "ARG" and model.headless is None:
            model.global_args.append(instruction)
            for (name, raw_default), (_, default) in zip(
                instruction.raw_variables, instruction.variables, strict=True
            ):
                global_vars[name] = raw_default and built_value(
                    raw_default, default, global_vars, escape
                )
        else:
            if model.stages:
                stage = model.stages[-1]
            else:
                if model.headless is None:
                    model.headless = Stage(HEADLESS, None, "", None, None, instruction)
                stage = model.headless
            _run_in(instruction, shells[stage.index])
            instruction.source_stages = _source_stages(instruction, stage_names, stage.index)
            if instruction.keyword == "SHELL":
                shells[stage.index] = instruction
            scopes[stage.index].expand(instruction)
            scopes[stage.index].declare(instruction)
            _place(instruction, stage)
    model.cut = bool(model.problems)  # the instruction limit's note, the only problem yet
    for stage in model.stages + ([model.headless] if model.headless else []):
        triggers = [i.trigger for i in stage.instructions if i.trigger is not None]
        if triggers:
            scopes[stage.index].run_triggers(triggers)
    if model.headless is not None or (model.instructions and not model.stages):
        model.problems.append(_not_buildable(model))
    model.problems += read_commands(instruction for _, instruction in model.each())
    return model


def _place(instruction: Instruction, stage: Stage) -> None:
    """Put an instruction (and what an ONBUILD registers) in its stage."""
    instruction.stage_index = stage.index
    stage.instructions.append(instruction)
    if instruction.trigger is not None:
        instruction.trigger.stage_index = stage.index
        instruction.trigger.posix_shell = instruction.posix_shell
        instruction.trigger.shell = instruction.shell


def _source_stages(instruction: Instruction, names: dict[str, int], index: int) -> tuple[int, ...]:
    """The earlier stages a COPY or RUN takes files from, by name (any case) or number."""
    if instruction.keyword not in ("COPY", "RUN"):
        return ()
    mounts = (option for mount in instruction.flags.get("mount", []) for option in mount.split(","))
    sources = instruction.flags.get("from", []) + [o[5:] for o in mounts if o.startswith("from=")]
    found = (names.get(source.lower()) for source in sources)
    return tuple(stage for stage in found if stage is not None and stage < index)


def _run_in(instruction: Instruction, shell: Instruction | None) -> None:
    """The SHELL in force for the instruction (None: the default, a POSIX shell)."""
    instruction.posix_shell = shell is None or is_posix_shell(shell)
    instruction.shell = list(shell.exec_args or []) if shell is not None else None


def _not_buildable(model: DockerfileModel) -> ParseError:
    first = model.headless.from_instruction if model.headless else model.instructions[0]
    reason = f"{first.keyword} before the first FROM (only ARG may come first)"
    if not model.stages:
        reason = "no FROM instruction"
    return ParseError(f"{reason}: not a buildable Dockerfile", first.start_line)


def _stage(
    instruction: Instruction,
    index: int,
    global_vars: dict[str, str | None],
    stage_names: dict[str, int],
    escape: str,
) -> Stage:
    instruction.stage_index = index
    image_raw, name = instruction.value, None
    alias = STAGE_ALIAS.match(instruction.value)
    if alias:
        image_raw, name = alias.group(1).strip(), alias.group(2)
    if not image_raw:
        raise ParseError("FROM without an image", instruction.start_line)
    image = process_word(image_raw, global_vars, escape=escape)
    platform = instruction.flag("platform")
    stage = Stage(index, name, image_raw, image, platform, instruction)
    stage.base_stage = base = stage_names.get(image.lower()) if image else None
    if base is None and image and image.lower() != "scratch":
        stage.ref = parse_image(image)
    elif image is None:
        stage.ref = _behind_unknown_path(image_raw, global_vars, escape)
    return stage


def _behind_unknown_path(
    image_raw: str, variables: dict[str, str | None], escape: str
) -> ImageRef | None:
    """`FROM ${REGISTRY}/python:3.12`: a variable of no known value only in the registry or
    path; the last name, its tag and digest are written, so whether it is pinned is known.
    Its repository keeps the unknown part as written (no table names such an image), as does
    `FROM ${IMAGE}:latest`'s: no name holds a tag before the written one."""
    path, slash, last = image_raw.rpartition("/")
    if "$" in last:
        name, tag, digest = split_reference(image_raw)
        if not (tag or digest) or "$" in f"{tag}{digest}" or any(c.isspace() for c in image_raw):
            return None
        return ImageRef(image_raw, None, name.lower(), tag or None, digest or None)
    tail = process_word(last, variables, escape=escape) if slash else None
    if not tail or any(c.isspace() for c in tail) or "$" in tail:
        return None
    name, tag, digest = split_reference(tail)
    if not name:
        return None
    return ImageRef(image_raw, None, f"{path}/{name}".lower(), tag or None, digest or None)


def parse_dockerfile(text: str, lines: list[str], source: SourceFile) -> Document:
    model = build_model(lines)
    name, ignore = context_ignore(source) or (None, None)
    return Document(
        kind="dockerfile",
        rel_path=source.rel_path,
        data=model_data(model, len(lines)),
        lines=lines,
        source=source,
        meta={
            "model": model,
            "dockerignore": name,
            "context_ignore": ignore,
            "resource": "Dockerfile",
        },
    )
