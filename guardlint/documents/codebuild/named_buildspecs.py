"""The buildspec file a CodeBuild project names in its source (`Source: {BuildSpec:
ci/build.cfg}`), which CodeBuild reads from the source as the build's buildspec: judged as a
buildspec whatever its name (guardlint.engine.named_files).

CodeBuild reads the path from the root of the source it checks out (`CODEBUILD_SRC_DIR`), the
repository: here the scan root. A text that holds a line break or a `:` (an inline buildspec,
an S3 object's ARN), is left to a variable or an intrinsic, or is absolute names no file here;
nor does a project without a source (`NO_SOURCE`), whose buildspec must be inline. Only the
primary source's buildspec is run."""

from __future__ import annotations

import os
from collections.abc import Iterator

from guardlint.documents.build_contexts import written_path
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
        for text in project.strings(primary, "BuildSpec"):
            if "\n" not in text and ":" not in text and (path := written_path(root, text)):
                yield path, "buildspec"
