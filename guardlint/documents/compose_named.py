"""The files a Compose file names that `docker compose` reads as IaC of a kind guardlint judges:
the Dockerfile a service builds (`build: {context: ., dockerfile: docker/web.image}`), and the
Compose files whose services it merges (`include:`, `extends: {file: ...}`). Whatever their
names, they are judged as that kind (guardlint.engine.named_files), at their own paths.

Paths are resolved as guardlint.documents.build_contexts and compose_include resolve them,
from the Compose file's directory; one left to a variable, remote or absolute names nothing
here. Whether each is inside the scan root, a regular file, excluded or scanned anyway is the
engine's to decide, as discovery decides it for every file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from guardlint.documents.build_contexts import MAX_SERVICES, written_path
from guardlint.documents.compose_include import MAX_PATHS
from guardlint.model.documents import Document


def named_files(document: Document) -> Iterator[tuple[str, str]]:
    """(absolute path, kind) of each file the Compose document names (see the module)."""
    source, data = document.source, document.data
    if source is None or source.root is None or source.path == "-" or not isinstance(data, dict):
        return
    directory = os.path.dirname(os.path.abspath(source.path))
    services = data.get("services")
    for service in list(services.values())[:MAX_SERVICES] if isinstance(services, dict) else ():
        if not isinstance(service, dict):
            continue
        dockerfile = _built_dockerfile(directory, service.get("build"))
        if dockerfile is not None:
            yield dockerfile, "dockerfile"
        extends = service.get("extends")
        if isinstance(extends, dict) and (base := written_path(directory, extends.get("file"))):
            yield base, "compose"
    included = data.get("include")
    for item in included[:MAX_PATHS] if isinstance(included, list) else ():
        paths = item.get("path") if isinstance(item, dict) else item
        for path in paths[:MAX_PATHS] if isinstance(paths, list) else [paths]:
            if (written := written_path(directory, path)) is not None:
                yield written, "compose"


def _built_dockerfile(directory: str, build: Any) -> str | None:
    """The Dockerfile a service's `build` names, resolved from its context; None for the
    default name (discovery scans it), an inline one (compose_dockerfiles) or none."""
    if not isinstance(build, dict) or "dockerfile_inline" in build or "dockerfile" not in build:
        return None
    context = written_path(directory, build.get("context", "."))
    return None if context is None else written_path(context, build["dockerfile"])
