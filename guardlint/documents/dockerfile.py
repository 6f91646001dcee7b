"""Dockerfile text to one Document(kind="dockerfile"): the stages, the instructions of each
(their syntax: guardlint.parse.dockerfile), ARG substitution, the SHELL in force, base stages.

`document.meta["model"]` is the typed model (DockerfileModel) the Python checks use;
`document.meta["dockerignore"]` is the path of the .dockerignore that filters the build context
when the Dockerfile is built from its own directory (None when there is none, or it is empty).

`document.data` is the same model as JSON-like data with regions (YamlMap/YamlSeq), for
declarative `match` rules and users' JSONPath policies. Every key of a stage points at its FROM
line; every key of an instruction, and its item in `instructions`, at the instruction's lines:

    syntax: "docker/dockerfile:1"          # the `# syntax=` directive, or null
    escape: "\\"
    args:                                  # global ARGs (before the first FROM)
      - {instruction: ARG, value: "TAG=3.12", line: 1, ...}
    stages:
      - index: 0
        name: builder                      # the AS name, or null
        stage: builder                     # name, or the index as text: for messages
        image: "python:3.12"               # after ARG substitution; null when unresolvable
        image_raw: "python:$TAG"
        repository: python                 # docker.io/ and library/ removed
        tag: "3.12"                        # null when absent
        digest: null                       # "sha256:..." when pinned
        platform: "linux/amd64"            # --platform, or null
        base_stage: null                   # name/index of the stage this one is FROM
        final: false
        line: 3
        instructions:                      # every instruction after FROM, in order
          - instruction: RUN               # upper case; unknown instructions are kept
            value: "apt-get update"        # arguments without flags, continuations joined
            original: "RUN apt-get update"  # the instruction's text as written
            form: shell                    # RUN/CMD/ENTRYPOINT/SHELL: shell or exec; else null
            exec_args: null                # the JSON array of the exec form
            flags: {mount: "type=cache,target=/var/cache/apt"}   # repeated flags -> a list
            heredocs: [{delimiter: EOF, body: "...", line: 5}]
            stage: builder
            line: 4
            end_line: 4
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from guardlint.model import Document, Region, SourceFile
from guardlint.parse.dockerfile import (
    Instruction,
    arg_assignments,
    escape_character,
    is_posix_shell,
    parser_directives,
    read_instruction,
)
from guardlint.parse.dockerfile_split import split_instructions
from guardlint.parse.image_ref import ImageRef, parse_image
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import YamlMap, YamlSeq

_VARIABLE_FORM = r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(%s))?\}|([A-Za-z_][A-Za-z0-9_]*))"
_VARIABLE = re.compile(_VARIABLE_FORM % "[^}]*")
# The same where no `}` follows: `${A:-word` then fails at the next `$` instead of scanning to
# the end from every `${` of a long unclosed run (quadratic).
_VARIABLE_UNCLOSED = re.compile(_VARIABLE_FORM % "[^}$]*")
# A space run is tried as the one before `as` from its first character only: `\s+as` would
# rescan a long run of spaces from each of them (quadratic).
_AS = re.compile(r"^(.*?)(?<!\s)\s++as\s++(\S++)\s*+$", re.IGNORECASE | re.DOTALL)


@dataclass
class Stage:
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
    def label(self) -> str:
        return self.name or str(self.index)

    @property
    def resource(self) -> str:
        return f"Dockerfile stage {self.label}"

    def of(self, *keywords: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword in keywords]


@dataclass
class DockerfileModel:
    directives: dict[str, str]
    global_args: list[Instruction]
    stages: list[Stage]
    instructions: list[Instruction]  # every instruction in file order (FROM and ARG included)

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
        return self.stages[index] if index is not None else None

    def runs(self) -> Iterator[tuple[Stage, Instruction]]:
        """Every RUN instruction, with its stage."""
        for stage in self.stages:
            for instruction in stage.of("RUN"):
                yield stage, instruction

    def stage_chain(self, stage: Stage) -> list[Stage]:
        """The stage, then the stage it is built FROM, and so on."""
        chain = [stage]
        while chain[-1].base_stage is not None and len(chain) <= len(self.stages):
            chain.append(self.stages[chain[-1].base_stage])
        return chain

    def shipped_stages(self) -> list[Stage]:
        """Stages whose layers end up in the final image."""
        final = self.final_stage
        return self.stage_chain(final) if final else []


def substitute(text: str, variables: dict[str, str | None]) -> str | None:
    """Expand $VAR / ${VAR} / ${VAR:-default} / ${VAR:+alt}; None if a value is unknown."""
    unresolved = False

    def expand(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(4)
        operator, operand = match.group(2), match.group(3) or ""
        value = variables.get(name)
        is_set = name in variables and value is not None
        if operator in (":-", "-"):
            use_default = not is_set or (operator == ":-" and value == "")
            return operand if use_default else str(value)
        if operator in (":+", "+"):
            if not is_set:
                unresolved = unresolved or name not in variables
                return ""
            return operand if (value or operator == "+") else ""
        if not is_set:
            unresolved = True
            return ""
        return str(value)

    closed = text.rfind("}") + 1
    result = _VARIABLE.sub(expand, text[:closed]) + _VARIABLE_UNCLOSED.sub(expand, text[closed:])
    return None if unresolved else result


@dataclass(frozen=True)
class Layout:
    """Where a Dockerfile's instructions and heredoc bodies are (1-based lines)."""

    escape: str
    instructions: list[tuple[int, int]]  # each one's first and last line, heredocs included
    heredoc_lines: frozenset[int]  # bodies and terminators


def layout(lines: list[str], model: DockerfileModel | None = None) -> Layout:
    """The instructions and heredoc bodies of a Dockerfile: from its model, or from its lines
    when build_model refused them (an instruction before FROM)."""
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


def build_model(lines: list[str]) -> DockerfileModel:
    """Parse Dockerfile lines into stages and instructions."""
    model = DockerfileModel(parser_directives(lines), [], [], [])
    global_vars: dict[str, str | None] = {}
    # What a FROM may name: each earlier stage's lower-case name and index (the latest wins).
    stage_names: dict[str, int] = {}
    # Per stage: whether its RUNs run in a POSIX shell so far (its last SHELL, else its base's).
    posix_shell: list[bool] = []
    for raw in split_instructions(lines):
        instruction = read_instruction(raw, lines)
        model.instructions.append(instruction)
        if instruction.keyword == "FROM":
            stage = _stage(instruction, len(model.stages), global_vars, stage_names)
            model.stages.append(stage)
            stage_names[str(stage.index)] = stage.index
            if stage.name:
                stage_names[stage.name.lower()] = stage.index
            base = stage.base_stage
            posix_shell.append(posix_shell[base] if base is not None else True)
        elif not model.stages:
            if instruction.keyword != "ARG":
                raise ParseError(
                    f"{instruction.keyword} before the first FROM (only ARG may come first)",
                    instruction.start_line,
                )
            model.global_args.append(instruction)
            global_vars.update(arg_assignments(instruction.value))
        else:
            stage = model.stages[-1]
            instruction.stage_index = stage.index
            instruction.posix_shell = posix_shell[stage.index]
            if instruction.keyword == "SHELL":
                posix_shell[stage.index] = is_posix_shell(instruction)
            stage.instructions.append(instruction)
    return model


def _stage(
    instruction: Instruction,
    index: int,
    global_vars: dict[str, str | None],
    stage_names: dict[str, int],
) -> Stage:
    instruction.stage_index = index
    image_raw, name = instruction.value, None
    alias = _AS.match(instruction.value)
    if alias:
        image_raw, name = alias.group(1).strip(), alias.group(2)
    if not image_raw:
        raise ParseError("FROM without an image", instruction.start_line)
    image = substitute(image_raw, global_vars)
    platform = instruction.flag("platform")
    stage = Stage(index, name, image_raw, image, platform, instruction)
    base = stage_names.get(image.lower()) if image else None
    if base is not None:
        stage.base_stage = base
    elif image and image.lower() != "scratch":
        stage.ref = parse_image(image)
    return stage


# A .dockerignore is a few lines of patterns.
MAX_DOCKERIGNORE_BYTES = 1_000_000


def _dockerignore(source: SourceFile) -> str | None:
    """The .dockerignore that applies when the Dockerfile's directory is the build context."""
    directory = os.path.dirname(source.path)
    name = os.path.basename(source.path)
    # BuildKit uses <Dockerfile>.dockerignore instead of .dockerignore when it exists; Podman
    # and Buildah read .containerignore. The first file found is the one that applies.
    for candidate in (f"{name}.dockerignore", ".dockerignore", ".containerignore"):
        path = os.path.join(directory, candidate)
        try:
            data = read_input(path, MAX_DOCKERIGNORE_BYTES, source.root)
        except InputError:
            continue  # absent, or not a file guardlint reads (guardlint.parse.inputs)
        patterns = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
        return candidate if any(p and not p.startswith("#") for p in patterns) else None
    return None


def _region_map(values: dict[str, Any], region: Region) -> YamlMap:
    mapping = YamlMap(region)
    for key, value in values.items():
        mapping[key] = value
        mapping.key_regions[key] = region
        mapping.value_regions[key] = region
    return mapping


def _region_seq(items: list[tuple[Any, Region]], region: Region) -> YamlSeq:
    seq = YamlSeq(region)
    for value, item_region in items:
        seq.append(value)
        seq.item_regions.append(item_region)
    return seq


def _instruction_data(instruction: Instruction, stage_label: str | None) -> YamlMap:
    region = instruction.region
    flags = {k: (v[0] if len(v) == 1 else _region_seq([(x, region) for x in v], region))
             for k, v in instruction.flags.items()}  # fmt: skip
    heredocs = [
        (_region_map({"delimiter": h.delimiter, "body": h.body, "line": h.start_line},
                     Region(h.start_line, 1, h.end_line)), Region(h.start_line, 1, h.end_line))
        for h in instruction.heredocs
    ]  # fmt: skip
    exec_args = instruction.exec_args
    return _region_map(
        {
            "instruction": instruction.keyword,
            "value": instruction.value,
            "original": instruction.original,
            "form": instruction.form,
            "exec_args": _region_seq([(a, region) for a in exec_args], region)
            if exec_args is not None
            else None,
            "flags": _region_map(flags, region),
            "heredocs": _region_seq(heredocs, region),
            "stage": stage_label,
            "line": instruction.start_line,
            "end_line": instruction.end_line,
        },
        region,
    )


def _stage_data(stage: Stage, model: DockerfileModel) -> YamlMap:
    region = stage.from_instruction.region
    ref = stage.ref
    base = model.stages[stage.base_stage].label if stage.base_stage is not None else None
    instructions = [(_instruction_data(i, stage.label), i.region) for i in stage.instructions]
    return _region_map(
        {
            "index": stage.index,
            "name": stage.name,
            "stage": stage.label,
            "image": stage.image,
            "image_raw": stage.image_raw,
            "repository": ref.name if ref else None,
            "tag": ref.tag if ref else None,
            "digest": ref.digest if ref else None,
            "platform": stage.platform,
            "base_stage": base,
            "final": stage is model.final_stage,
            "line": region.start_line,
            "instructions": _region_seq(instructions, region),
        },
        region,
    )


def model_data(model: DockerfileModel, line_count: int) -> YamlMap:
    whole = Region(1, 1, max(1, line_count))
    args = [(_instruction_data(i, None), i.region) for i in model.global_args]
    stages = [(_stage_data(s, model), s.from_instruction.region) for s in model.stages]
    return _region_map(
        {
            "syntax": model.directives.get("syntax"),
            "escape": model.directives.get("escape", "\\"),
            "args": _region_seq(args, whole),
            "stages": _region_seq(stages, whole),
        },
        whole,
    )


def parse_dockerfile(text: str, lines: list[str], source: SourceFile) -> Document:
    model = build_model(lines)
    return Document(
        kind="dockerfile",
        rel_path=source.rel_path,
        data=model_data(model, len(lines)),
        lines=lines,
        source=source,
        meta={"model": model, "dockerignore": _dockerignore(source), "resource": "Dockerfile"},
    )
