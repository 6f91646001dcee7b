"""What the Dockerfile checks share: the model of the document, and a hit at an instruction."""

from __future__ import annotations

import re
from typing import Any

from guardlint.documents.dockerfile_model import DockerfileModel, Stage
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.dockerignore import DockerIgnore


def model_of(document: Document) -> DockerfileModel:
    """The Dockerfile's model (guardlint.documents.dockerfile_model)."""
    return document.meta["model"]


def left_out_of_context(document: Document, instruction: Instruction, path: str) -> bool:
    """Whether a COPY or ADD cannot take `path` (a source, or a file below a source directory)
    from the build context: its ignore file leaves it out. Not what it takes from a stage or
    image (`--from`), nor what ONBUILD registers (from the context of another build)."""
    ignore: DockerIgnore | None = document.meta.get("context_ignore")
    if ignore is None or instruction.flag("from") is not None or instruction.onbuild:
        return False
    return not is_remote(path) and ignore.excludes(path)


def hit(instruction: Instruction, stage: Stage | None, message: str, **extra: Any) -> Hit:
    """A hit at the instruction's lines, its resource the stage (`Dockerfile` for a global ARG)."""
    return Hit(
        message=message,
        region=instruction.region,
        resource=stage.resource if stage else "Dockerfile",
        **extra,
    )


def stage_label(stage: Stage, instruction: Instruction | None = None) -> str:
    """The stage's name, for messages; for what an ONBUILD registers, also that it runs in the
    builds FROM the image, not in this one."""
    if instruction is not None and instruction.onbuild:
        return f"{stage.label} (by ONBUILD: in every image built FROM it)"
    return stage.label


def in_stage(stage: Stage, instruction: Instruction | None = None) -> str:
    """`stage NAME`, for messages."""
    return f"stage {stage_label(stage, instruction)}"


def where(stage: Stage | None, instruction: Instruction | None = None) -> str:
    """`stage NAME`, or `the global ARGs` for an ARG before the first FROM."""
    return in_stage(stage, instruction) if stage else "the global ARGs"


_REMOTE = re.compile(r"^(https?://|git@|git://|ssh://)", re.I)


def is_remote(source: str) -> bool:
    """Whether a COPY or ADD source is a URL or a git repository rather than a local path."""
    return _REMOTE.match(source) is not None
