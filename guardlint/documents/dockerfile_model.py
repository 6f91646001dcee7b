"""The Dockerfile model the Python checks use (`document.meta["model"]`, built by
guardlint.documents.dockerfile): its stages, each with its FROM, the stage it is built on and
its instructions, and where its instructions and heredoc bodies are written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from guardlint.parse.dockerfile import Instruction, read_instruction
from guardlint.parse.dockerfile_split import escape_character, parser_directives, split_instructions
from guardlint.parse.image_ref import ImageRef
from guardlint.parse.text import ParseError

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
        """Every RUN instruction (DockerfileModel.each), with its stage."""
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
