"""The build context a Compose file gives a Dockerfile, and the ignore file that filters it: a
service's `build` (`build: ./app`, or `{context: ., dockerfile: app/Dockerfile}`, the
Dockerfile resolved from the context) that names it. Its ignore file is the one at the
context's root (guardlint.parse.dockerignore), which is not the Dockerfile's directory when the
context is a directory above it.

The Compose file is looked for where projects put it (guardlint.documents.project_files:
whether one is there and what it says are recorded for the result cache); the first service
naming the Dockerfile gives its context, and each file is parsed once per scan. A context or
Dockerfile left to a variable, remote, absolute or out of the scan root names no context here.
Nothing of the Compose pack is imported: a Dockerfile scan stays light."""

from __future__ import annotations

import os
from typing import Any

from guardlint.documents.project_files import (
    TOO_LARGE,
    LookupBudget,
    compose_files_above,
    first_document,
)
from guardlint.model.documents import SourceFile
from guardlint.parse.dockerignore import DockerIgnore, read_dockerignore
from guardlint.parse.inputs import lies_inside
from guardlint.parse.recorder import per_snapshot

MAX_SERVICES = 1_000  # services of one Compose file read


def context_ignore(source: SourceFile) -> tuple[str, DockerIgnore] | None:
    """The ignore file (its path from the Dockerfile's directory, and its patterns) that
    filters the build context of the Dockerfile `source`: its own directory's, or the one a
    Compose file builds it from; None when there is none, it has no pattern, or the context is
    not known (a Compose file above past its size limit may name another: then nothing is
    taken as left out, rather than what the wrong file leaves out)."""
    context = compose_build_context(source)
    return None if context is TOO_LARGE else read_dockerignore(source, context)


def compose_build_context(source: SourceFile) -> str | None:
    """The directory a Compose file builds the Dockerfile `source` from, when one names it (see
    the module's docstring); None when none does here (standard input, a template, a file
    scanned without a root); TOO_LARGE when a Compose file above, nearer than any that names
    it, is past its size limit or the lookup's (LookupBudget)."""
    if source.root is None:
        return None
    root, dockerfile = os.path.abspath(source.root), os.path.abspath(source.path)
    budget = LookupBudget()
    for path in compose_files_above(source):
        contexts = _contexts(path, root) if budget.affords(path, root) else None
        if contexts is None:
            return TOO_LARGE
        if (context := contexts.get(dockerfile)) is not None:
            return context
    return None


@per_snapshot
def _contexts(path: str, root: str) -> dict[str, str] | None:
    """The build context of each Dockerfile the services of the Compose file at `path` build
    (absolute paths), the first service naming one giving it; None when the file is past its
    size limit."""
    first = first_document(path, root)
    if first is TOO_LARGE:
        return None
    services = first.get("services") if isinstance(first, dict) else None
    directory = os.path.dirname(path)
    contexts: dict[str, str] = {}
    for service in list(services.values())[:MAX_SERVICES] if isinstance(services, dict) else ():
        build = service.get("build") if isinstance(service, dict) else None
        built = _built(directory, root, build)
        if built is not None:
            contexts.setdefault(*built)
    return contexts


def _built(directory: str, root: str, build: Any) -> tuple[str, str] | None:
    """(Dockerfile, context) of a service's `build`, both absolute, resolved from the Compose
    file's directory; None for one that names no Dockerfile of the scan root."""
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict) or "dockerfile_inline" in build:
        return None
    context = written_path(directory, build.get("context", "."))
    if context is None or not lies_inside(context, root):
        return None
    dockerfile = written_path(context, build.get("dockerfile", "Dockerfile"))
    return None if dockerfile is None else (dockerfile, context)


def written_path(directory: str, value: Any) -> str | None:
    """A relative path written in Compose, normalised from `directory`; None for one this scan
    cannot follow (left to a variable, remote, absolute, not text)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "$" in text or "://" in text or text.startswith("git@") or os.path.isabs(text):
        return None
    return os.path.normpath(os.path.join(directory, text))
