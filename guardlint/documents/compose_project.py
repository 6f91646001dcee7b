"""The base and override files of a Compose project: `docker compose up` reads the base file
(compose.yaml, docker-compose.yml, ...) and merges into it the override file beside it
(compose.override.yaml, docker-compose.override.yml, ...), service by service; `-f` merges
another override file the same way. A base file's service may get there what it lacks (a memory
limit, `read_only`), the services it depends on may be defined there, and what an override file
says of a service (its image's name) may concern what the base file does with it (builds it).

An `include:` entry whose `path` is a list merges its files the same way, in order: the first
is their base, the later ones its overrides (guardlint.documents.compose_include).

The other file is read like every input (bounded, inside the scan root, recorded for the result
cache) once per document, and interpolated with the same variables.
"""

from __future__ import annotations

import os
from typing import Any

from guardlint.documents.compose import is_override_file
from guardlint.documents.compose_include import (
    BASE_FILE_NAMES,
    INCLUSION,
    MAX_PROJECT_FILE_BYTES,
    Inclusion,
)
from guardlint.model import Document
from guardlint.parse.compose_interpolation import interpolate_values
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents

OVERRIDE_FILE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)


def override_services(document: Document) -> dict[str, dict]:
    """The services (interpolated, by name) of the override file Compose merges into this base
    file; none when the document is not a base file (standard input is not) or there is none."""
    return document.once("compose_override_services", lambda: _overrides(document))


def base_services(document: Document) -> dict[str, dict]:
    """The services (interpolated, by name) of the base file beside this override file, which
    it is merged into; none when the document is no override file or there is none."""
    if not is_override_file(document):
        return {}
    return document.once("compose_base_services", lambda: _bases(document))


def _overrides(document: Document) -> dict[str, dict]:
    files = _included_files(document)
    if files:
        return _merged(document, files[files.index(_path(document)) + 1 :])
    return _beside(document, BASE_FILE_NAMES, OVERRIDE_FILE_NAMES)


def _bases(document: Document) -> dict[str, dict]:
    files = _included_files(document)
    if files:
        return _merged(document, files[: files.index(_path(document))])
    return _beside(document, None, BASE_FILE_NAMES)


def _included_files(document: Document) -> tuple[str, ...]:
    """The files of the `include:` entry that merges the document's file with others."""
    included: Inclusion | None = document.meta.get(INCLUSION)
    if included is None or len(included.files) < 2 or document.source is None:
        return ()
    return included.files if _path(document) in included.files else ()


def _path(document: Document) -> str:
    return os.path.abspath(document.source.path) if document.source else ""


def _merged(document: Document, paths: tuple[str, ...]) -> dict[str, dict]:
    """The services of the files at `paths` merged in order: a later file's keys replace an
    earlier one's (the settings the checks read are replaced whole)."""
    merged: dict[str, dict] = {}
    variables = document.meta.get("project_variables") or {}
    root = document.source.root if document.source else None
    for path in paths:
        try:
            data = read_input(path, MAX_PROJECT_FILE_BYTES, root)
        except InputError:
            continue
        for name, service in _services(data, variables).items():
            merged[name] = {**merged.get(name, {}), **service}
    return merged


def _beside(document: Document, names: tuple[str, ...] | None, others: tuple[str, ...]) -> dict:
    """The services of the first of the files `others` beside the document, when the document's
    file is one of `names` (None: any)."""
    source = document.source
    # Standard input (its path is `-`) has no directory, whatever name it is given.
    if source is None or source.template or source.path == "-":
        return {}
    if names is not None and os.path.basename(source.path) not in names:
        return {}
    directory = os.path.dirname(source.path)
    for name in others:
        try:
            data = read_input(os.path.join(directory, name), MAX_PROJECT_FILE_BYTES, source.root)
        except InputError:
            continue  # absent, or not a file guardlint reads
        # Compose uses the first one, interpolated with the document's .env file.
        return _services(data, document.meta.get("project_variables") or {})
    return {}


def _services(data: bytes, variables: dict[str, str]) -> dict[str, dict]:
    try:
        documents = load_documents(data.decode("utf-8"), cfn_tags=False)
    except (UnicodeDecodeError, ParseError, RecursionError):
        return {}
    first: Any = documents[0] if documents else None
    defined = first.get("services") if isinstance(first, dict) else None
    if not isinstance(defined, dict):
        return {}
    interpolate_values(defined, variables)
    return {str(name): value for name, value in defined.items() if isinstance(value, dict)}
