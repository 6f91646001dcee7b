"""The Dockerfile's model (guardlint.documents.dockerfile) as JSON-like data: what `document.data`
holds.

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
            expanded: "apt-get update"     # value with ARG/ENV variables substituted and
                                           # quotes removed where Docker does (USER, COPY,
                                           # EXPOSE, WORKDIR, ...; a JSON array stays one;
                                           # guardlint.parse.dockerfile_lex); value when a
                                           # variable has no known value
            original: "RUN apt-get update"  # the instruction's text as written
            form: shell                    # RUN/CMD/ENTRYPOINT/SHELL: shell or exec; else null
            exec_args: null                # the JSON array of the exec form
            flags: {mount: "type=cache,target=/var/cache/apt"}   # repeated flags -> a list
            heredocs: [{delimiter: EOF, body: "...", line: 5}]
            stage: builder
            onbuild: false                 # true: registered by ONBUILD (see below)
            line: 4
            end_line: 4
    instructions:                          # what instruction-level `match` rules select:
      - {instruction: RUN, stage: builder, ...}  # every instruction of the stages but FROM,
                                           # those before any FROM (stage "(no FROM)"), and
                                           # in place of each ONBUILD what it registers
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, YamlSeq

if TYPE_CHECKING:  # the model module builds its data with this one
    from guardlint.documents.dockerfile_model import DockerfileModel, Stage
    from guardlint.parse.dockerfile import Instruction


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
            # Variables substituted where Docker does; as written when one has no known value.
            "expanded": instruction.expanded,
            "original": instruction.original,
            "form": instruction.form,
            "exec_args": _region_seq([(a, region) for a in exec_args], region)
            if exec_args is not None
            else None,
            "flags": _region_map(flags, region),
            "heredocs": _region_seq(heredocs, region),
            "stage": stage_label,
            "onbuild": instruction.onbuild,
            "line": instruction.start_line,
            "end_line": instruction.end_line,
        },
        region,
    )


def _stage_data(stage: Stage, model: DockerfileModel, written: dict[int, YamlMap]) -> YamlMap:
    region = stage.from_instruction.region
    ref = stage.ref
    base = model.stages[stage.base_stage].label if stage.base_stage is not None else None
    instructions = [(written[id(i)], i.region) for i in stage.instructions]
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
    # Each instruction's data once, shared by its stage's list and the flat one.
    written: dict[int, YamlMap] = {}
    everywhere: list[tuple[Any, Region]] = []
    for stage, instruction in model.each():
        if stage is None or instruction.keyword == "FROM":
            continue
        data = _instruction_data(instruction, stage.label)
        written[id(instruction)] = data
        everywhere.append((data, instruction.region))
    for stage in model.stages + ([model.headless] if model.headless else []):
        for instruction in stage.instructions:
            if id(instruction) not in written:  # an ONBUILD: its trigger is in `instructions`
                written[id(instruction)] = _instruction_data(instruction, stage.label)
    stages = [(_stage_data(s, model, written), s.from_instruction.region) for s in model.stages]
    return _region_map(
        {
            "syntax": model.directives.get("syntax"),
            "escape": model.directives.get("escape", "\\"),
            "args": _region_seq(args, whole),
            "stages": _region_seq(stages, whole),
            "instructions": _region_seq(everywhere, whole),
        },
        whole,
    )
