"""The build context a Compose file gives a Dockerfile, and the ignore file that filters it: a
service's `build` (`build: ./app`, or `{context: ., dockerfile: app/Dockerfile}`, the
Dockerfile resolved from the context) that names it. Its ignore file is the one at the
context's root (guardlint.parse.dockerignore), which is not the Dockerfile's directory when the
context is a directory above it.

The Compose file is looked for where projects put it: a Compose file (by its name) of the
Dockerfile's directory or of one above it, inside the scan root and at most `MAX_LEVELS` up,
nearest first, then in compose-go's order of names; the first service naming the Dockerfile
gives its context. Each is read like every input (bounded, recorded for the result cache:
whether a Compose file is there and what it says are looked at) and parsed once per scan. A
context or Dockerfile left to a variable, remote, absolute or out of the scan root names no
context here. Nothing of the Compose pack is imported: a Dockerfile scan stays light."""

from __future__ import annotations

import os
from typing import Any

from guardlint.model import SourceFile
from guardlint.parse.dockerignore import DockerIgnore, read_dockerignore
from guardlint.parse.inputs import InputError, lies_inside, read_input
from guardlint.parse.lookups import files_named
from guardlint.parse.recorder import per_snapshot
from guardlint.parse.text import ParseError

# compose-go's default file names, in the order it looks for them.
_BASE_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
MAX_LEVELS = 6  # directories looked in: the Dockerfile's and those above it
MAX_FILES = 8  # Compose files of one directory read
MAX_SERVICES = 1_000  # services of one Compose file read
MAX_BYTES = 2_000_000


def context_ignore(source: SourceFile) -> tuple[str, DockerIgnore] | None:
    """The ignore file (its path from the Dockerfile's directory, and its patterns) that
    filters the build context of the Dockerfile `source`: its own directory's, or the one a
    Compose file builds it from; None when there is none or it has no pattern."""
    return read_dockerignore(source, compose_build_context(source))


def compose_build_context(source: SourceFile) -> str | None:
    """The directory a Compose file builds the Dockerfile `source` from, when one names it (see
    the module's docstring); None when none does here (standard input, a template, a file
    scanned without a root)."""
    if source.root is None or source.template or source.path == "-":
        return None
    root = os.path.abspath(source.root)
    dockerfile = os.path.abspath(source.path)
    directory = os.path.dirname(dockerfile)
    for _ in range(MAX_LEVELS):
        if not lies_inside(directory, root):
            return None
        for name in _compose_file_names(directory):
            context = _contexts(os.path.join(directory, name), root).get(dockerfile)
            if context is not None:
                return context
        if directory == root:
            return None
        directory = os.path.dirname(directory)
    return None


@per_snapshot
def _compose_file_names(directory: str) -> tuple[str, ...]:
    """The Compose files of a directory by name: the default names first, in compose-go's
    order, then the others (`docker-compose.prod.yml`), sorted; at most `MAX_FILES`."""
    listed = files_named(directory, (".yml", ".yaml"))
    if listed is None:
        return ()
    named = {name for name in listed if name.lower().startswith(("compose", "docker-compose"))}
    others = sorted(named.difference(_BASE_FILE_NAMES))
    return tuple([name for name in _BASE_FILE_NAMES if name in named] + others)[:MAX_FILES]


@per_snapshot
def _contexts(path: str, root: str) -> dict[str, str]:
    """The build context of each Dockerfile the services of the Compose file at `path` build
    (absolute paths), the first service naming one giving it."""
    services = _services(path, root)
    directory = os.path.dirname(path)
    contexts: dict[str, str] = {}
    for service in list(services.values())[:MAX_SERVICES] if isinstance(services, dict) else ():
        build = service.get("build") if isinstance(service, dict) else None
        built = _built(directory, root, build)
        if built is not None:
            contexts.setdefault(*built)
    return contexts


def _services(path: str, root: str) -> Any:
    """The `services` of the first YAML document of the file at `path`; None when it cannot be
    read or parsed."""
    # Imported here: a Dockerfile with no Compose file around it reads no YAML.
    from guardlint.parse.yaml_nodes import load_documents

    try:
        data = read_input(path, MAX_BYTES, root)
        documents = load_documents(data.decode("utf-8"), cfn_tags=False)
    except (InputError, UnicodeDecodeError, ParseError, RecursionError):
        return None
    first = documents[0] if documents else None
    return first.get("services") if isinstance(first, dict) else None


def _built(directory: str, root: str, build: Any) -> tuple[str, str] | None:
    """(Dockerfile, context) of a service's `build`, both absolute, resolved from the Compose
    file's directory; None for one that names no Dockerfile of the scan root."""
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict) or "dockerfile_inline" in build:
        return None
    context = _relative(directory, build.get("context", "."))
    if context is None or not lies_inside(context, root):
        return None
    dockerfile = _relative(context, build.get("dockerfile", "Dockerfile"))
    return None if dockerfile is None else (dockerfile, context)


def _relative(directory: str, value: Any) -> str | None:
    """A relative path written in Compose, normalised from `directory`; None for one this scan
    cannot follow (left to a variable, remote, absolute, not text)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "$" in text or "://" in text or text.startswith("git@") or os.path.isabs(text):
        return None
    return os.path.normpath(os.path.join(directory, text))
