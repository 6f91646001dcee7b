"""Dockerfile text to one Document(kind="dockerfile"): the stages, the instructions of each
(their syntax: guardlint.parse.dockerfile), ARG and ENV substitution
(guardlint.documents.dockerfile_scope), the SHELL in force, base stages.

`document.meta["model"]` is the typed model (guardlint.documents.dockerfile_model) the Python
checks use; `document.meta["dockerignore"]` is the path of the .dockerignore that filters the
build context (guardlint.documents.build_contexts; None when there is none, or it is empty),
and `document.meta["context_ignore"]` its patterns (guardlint.parse.dockerignore.DockerIgnore),
which tell the files a COPY or ADD from the context cannot take.

`document.data` is the same model as data, for `match` rules and users' JSONPath policies
(guardlint.documents.dockerfile_data).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardlint.documents.build_contexts import context_ignore
from guardlint.documents.dockerfile_data import model_data
from guardlint.documents.dockerfile_model import HEADLESS, DockerfileModel, Stage
from guardlint.documents.dockerfile_scope import Scope, built_value
from guardlint.model.documents import Document, SourceFile
from guardlint.parse.dockerfile import (
    Instruction,
    is_posix_shell,
    onbuild_trigger,
    read_commands,
    read_instruction,
)
from guardlint.parse.dockerfile_frontend import INSTRUCTIONS, Heredocs, heredoc_readings
from guardlint.parse.dockerfile_lex import process_word, with_substitution_budget
from guardlint.parse.dockerfile_split import (
    RawInstruction,
    parser_directives,
    split_instructions,
)
from guardlint.parse.image_ref import ImageRef, parse_image, split_reference
from guardlint.parse.text import ParseError

# A space run before `as` is tried from its first character only (`\s+as` is quadratic).
_SPACED_MARKER = re.compile(r"<<[ \t\r]")
STAGE_ALIAS = re.compile(r"^(.*?)(?<!\s)\s++as\s++(\S++)\s*+$", re.IGNORECASE | re.DOTALL)


@with_substitution_budget
def build_model(lines: list[str], reading: Heredocs | None = None) -> DockerfileModel:
    """Parse Dockerfile lines into stages and instructions, heredocs read as `reading` (by
    default the first the `# syntax=` directive allows)."""
    model = DockerfileModel(parser_directives(lines), [], [], [])
    escape = model.escape
    global_vars: dict[str, str | None] = {}
    # What a FROM may name: each earlier stage's lower-case name and index (the latest wins).
    stage_names: dict[str, int] = {}
    # Per stage: the SHELL its RUNs run in so far (its last SHELL, else its base's; None: the
    # default, a POSIX shell).
    shells: dict[int, Instruction | None] = {HEADLESS: None}
    scopes: dict[int, Scope] = {HEADLESS: Scope(global_vars, escape=escape)}
    for raw in split_instructions(lines, model.problems, reading):
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
            scopes[stage.index] = Scope(global_vars, dict(base_env), escape=escape)
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


def parse_dockerfile(text: str, lines: list[str], source: SourceFile) -> list[Document]:
    """A `dockerfile` document for each of the Dockerfile's readings (reading_models). A
    finding both readings make is one finding (the engine keeps one of each)."""
    name, ignore = context_ignore(source) or (None, None)
    return [
        Document(
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
        for model in reading_models(text, lines)
    ]


def reading_models(text: str, lines: list[str]) -> list[DockerfileModel]:
    """The Dockerfile as its frontend reads it; where the `# syntax=` directive leaves the
    frontend unknown and another reading of its heredocs makes other instructions that build
    (every keyword one BuildKit knows, a FROM first), that reading too: a line one frontend
    builds and another reads as heredoc text is judged both ways."""
    readings = heredoc_readings(parser_directives(lines).get("syntax"))
    models = [build_model(lines)]  # readings[0], as the directive has it
    shapes = {_shape(models[0].instructions)}
    for reading in readings[1:]:
        if reading is Heredocs.TIGHT and not _SPACED_MARKER.search(text):
            continue  # the lexers differ at a blank after `<<` only
        if reading is Heredocs.NONE and not any(i.heredocs for i in models[0].instructions):
            continue
        # The first MAX_INSTRUCTIONS, as build_model reads them: the rest is never split (a
        # heredoc of a million lines is a million instructions to a reading without heredocs).
        split = split_instructions(lines, [], reading)
        if _buildable(split) and _shape(split) not in shapes:
            shapes.add(_shape(split))
            models.append(build_model(lines, reading))
    return models


def _shape(instructions: Sequence[RawInstruction | Instruction]) -> tuple:
    """Where each instruction (to its last heredoc's end) and its heredocs are: the lines say
    the rest."""
    return tuple(
        (
            each.start_line,
            max([each.end_line, *(heredoc.end_line for heredoc in each.heredocs)]),
            each.keyword,
            *((heredoc.start_line, heredoc.end_line) for heredoc in each.heredocs),
        )
        for each in instructions
    )


def _buildable(instructions: list[RawInstruction]) -> bool:
    """Whether BuildKit would build them: every keyword an instruction, a FROM after any ARG."""
    keywords = [each.keyword for each in instructions]
    first = next((keyword for keyword in keywords if keyword != "ARG"), None)
    return first == "FROM" and all(keyword in INSTRUCTIONS for keyword in keywords)
