"""The Dockerfiles a Compose file writes inline (`build: {dockerfile_inline: ...}`), each a
`dockerfile` document of its own (a derived document: guardlint.documents.registry), which the
Dockerfile rules judge like a Dockerfile on disk: `docker compose build` builds it, and a
service built from `FROM ubuntu` / `USER root` written there was judged by nobody.

A literal block (`|`) keeps its lines: each instruction is judged on the line it is written on,
the block's text parsed at those lines (its parser directives first, where BuildKit reads
them). Each reading of its heredocs that builds is judged, as for a Dockerfile on disk
(guardlint.documents.dockerfile.reading_models). Any other string keeps no lines of its own:
all of it is placed at the value (ONE_PLACE). Its build context (`build.context`) gives the
ignore file that filters what a COPY can take, as for a Dockerfile on disk."""

from __future__ import annotations

import os
from collections.abc import Iterator

from guardlint.documents.build_contexts import written_path
from guardlint.documents.compose import services
from guardlint.documents.dockerfile import reading_models
from guardlint.documents.dockerfile_data import model_data
from guardlint.documents.dockerfile_model import DockerfileModel
from guardlint.model.documents import ONE_PLACE, Document, Region
from guardlint.parse.dockerfile_split import dockerfile_lines, parser_directives
from guardlint.parse.dockerignore import read_dockerignore
from guardlint.parse.inputs import lies_inside
from guardlint.parse.literal_blocks import literal_block_placer
from guardlint.parse.located import YamlMap

INLINE = "dockerfile_inline"


def inline_dockerfiles(document: Document) -> Iterator[Document]:
    """A `dockerfile` document for each service's inline Dockerfile."""
    for service in services(document):
        build = service.get("build")
        if not isinstance(build, YamlMap) or not isinstance(build.get(INLINE), str):
            continue
        region = build.value_region(INLINE)
        text_lines = dockerfile_lines(build[INLINE])
        kept = literal_block_placer(region, document.lines) is not None
        lines = _at_lines(text_lines, region.start_line) if kept else text_lines
        ignore = _context_ignore(document, build)
        for model in reading_models(build[INLINE], lines):
            if not kept:
                _place_at(model, region.start_line)
            meta = {
                "model": model,
                "dockerignore": ignore and ignore[0],
                "context_ignore": ignore and ignore[1],
                "resource": f"{service.resource} Dockerfile",
                ONE_PLACE: None if kept else Region(region.start_line, 1, region.start_line),
            }
            yield document.derived("dockerfile", model_data(model, len(document.lines)), meta)


def _place_at(model: DockerfileModel, line: int) -> None:
    """Every instruction (an ONBUILD's trigger too) on the one line the value is at."""
    for instruction in model.instructions:
        for each in (instruction, instruction.trigger):
            if each is not None:
                each.start_line = each.end_line = line


def _at_lines(text_lines: list[str], block_line: int) -> list[str]:
    """The text's lines at the file's lines of the block below `block_line`, its parser
    directives kept at the top (a blank line before them would end them)."""
    count = len(parser_directives(text_lines))
    return text_lines[:count] + [""] * block_line + text_lines[count:]


def _context_ignore(document: Document, build: YamlMap) -> tuple | None:
    """The ignore file of the service's build context, as guardlint.documents.build_contexts
    reads it for a Dockerfile on disk."""
    source = document.source
    if source is None or source.root is None:
        return None
    context = written_path(os.path.dirname(os.path.abspath(source.path)), build.get("context", "."))
    if context is None or not lies_inside(context, os.path.abspath(source.root)):
        return None
    return read_dockerignore(source, context)
