"""The buildspec file a CodeBuild project names in its source (`Source: {BuildSpec:
ci/build.cfg}`), and those the batch builds of a buildspec name (`batch.build-list[].buildspec`,
`build-graph`, `build-matrix.dynamic.buildspec`), which CodeBuild reads from the source as a
build's buildspec: judged as buildspecs whatever their names (guardlint.engine.named_files).

CodeBuild reads the path from the root of the source it checks out (`CODEBUILD_SRC_DIR`), the
repository: here the scan root. A text that holds a line break or a `:` (an inline buildspec,
an S3 object's ARN), is left to a variable or an intrinsic, or is absolute names no file here;
nor does a project without a source (`NO_SOURCE`), whose buildspec must be inline. Only the
primary source's buildspec is run."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from guardlint.documents.build_contexts import written_path
from guardlint.documents.codebuild.buildspec import BATCH_LISTS, BUILD_MATRIX
from guardlint.documents.codebuild.project import PROJECT, project_of
from guardlint.model.documents import Document


def named_buildspecs(document: Document) -> Iterator[tuple[str, str]]:
    """(absolute path, "buildspec") of the file the project's primary source names as its
    buildspec (see the module)."""
    source = document.source
    project = project_of(document)
    if source is None or source.root is None or project.type != PROJECT:
        return
    root = os.path.abspath(source.root)
    for primary in project.maps(project.props, "Source"):
        if "NO_SOURCE" in project.strings(primary, "Type"):
            continue
        yield from _files(root, project.strings(primary, "BuildSpec"))


def batch_buildspecs(document: Document) -> Iterator[tuple[str, str]]:
    """(absolute path, "buildspec") of each file a batch build of the buildspec names as its
    own buildspec (see the module)."""
    source, batch = document.source, document.data
    batch = batch.get("batch") if isinstance(batch, dict) else None
    if source is None or source.root is None or not isinstance(batch, dict):
        return
    builds = [build for kind in BATCH_LISTS for build in _listed(batch.get(kind))]
    matrix = batch.get(BUILD_MATRIX)
    dynamic = matrix.get("dynamic") if isinstance(matrix, dict) else None
    named = [build.get("buildspec") for build in builds if isinstance(build, dict)]
    if isinstance(dynamic, dict):
        named.extend(_listed(dynamic.get("buildspec")))
    texts = [text for text in named if isinstance(text, str)]
    yield from _files(os.path.abspath(source.root), texts)


def _listed(value: object) -> list:
    return value if isinstance(value, list) else []


def _files(root: str, texts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """The files the texts name from the source root (not inline buildspecs nor S3 ARNs)."""
    for text in texts:
        if "\n" not in text and ":" not in text and (path := written_path(root, text)):
            yield path, "buildspec"
