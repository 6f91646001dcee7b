"""The base and override files of a Compose project: `docker compose up` reads the base file
(compose.yaml, docker-compose.yml, ...) and merges into it the override file beside it
(compose.override.yaml, docker-compose.override.yml, ...), service by service; `-f` merges
another override file the same way. A base file's service may get there what it lacks (a memory
limit, `read_only`), the services it depends on may be defined there, and what an override file
says of a service (its image's name) may concern what the base file does with it (builds it).

An `include:` entry whose `path` is a list merges its files the same way, in order: the first
is their base, the later ones its overrides (guardlint.documents.compose_include); and the
override file beside the including base file overrides the included services too.

The other file is read like every input (bounded, inside the scan root, recorded for the result
cache) once per document, and interpolated with the same variables.
"""

from __future__ import annotations

import os
from typing import Any

from guardlint.documents.compose import is_override_file
from guardlint.documents.compose_include import INCLUSION, Inclusion
from guardlint.documents.project_files import (
    BASE_FILE_NAMES,
    MAX_PROJECT_FILE_BYTES,
    LookupBudget,
)
from guardlint.model.documents import Document
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
    # The override file beside it counts for an included file too: its project may run alone.
    merged = _beside(document, BASE_FILE_NAMES, OVERRIDE_FILE_NAMES)
    included: Inclusion | None = document.meta.get(INCLUSION)
    if included is None or document.source is None:
        return merged
    files = included.files
    _merge(merged, _merged(document, files[files.index(_path(document)) + 1 :]))
    # Compose's override file beside the including base file overrides the whole model,
    # included services too.
    if os.path.basename(included.includer) in BASE_FILE_NAMES:
        directory = os.path.dirname(included.includer)
        _merge(merged, _first_services(document, directory, OVERRIDE_FILE_NAMES))
    return merged


def _bases(document: Document) -> dict[str, dict]:
    included: Inclusion | None = document.meta.get(INCLUSION)
    if included is None or document.source is None:
        return _beside(document, None, BASE_FILE_NAMES)
    files = included.files
    return _merged(document, files[: files.index(_path(document))])


def _path(document: Document) -> str:
    return os.path.abspath(document.source.path) if document.source else ""


def _merged(document: Document, paths: tuple[str, ...]) -> dict[str, dict]:
    """The services of the files at `paths` merged in order (within a LookupBudget)."""
    merged: dict[str, dict] = {}
    variables = document.meta.get("project_variables") or {}
    root = document.source.root if document.source else None
    budget = LookupBudget()
    for path in paths:
        if root is not None and not budget.affords(path, root):
            break  # the rest is not known here, as a file past its size limit
        try:
            data = read_input(path, MAX_PROJECT_FILE_BYTES, root)
        except InputError:
            continue
        _merge(merged, _services(data, variables))
    return merged


def _merge(merged: dict[str, dict], services: dict[str, dict]) -> None:
    """`services` merged into `merged`: a later file's keys replace an earlier one's (the
    settings the checks read are replaced whole)."""
    for name, service in services.items():
        merged[name] = {**merged.get(name, {}), **service}


def _beside(document: Document, names: tuple[str, ...] | None, others: tuple[str, ...]) -> dict:
    """The services of the first of the files `others` beside the document, when the document's
    file is one of `names` (None: any)."""
    source = document.source
    # Standard input (its path is `-`) has no directory, whatever name it is given.
    if source is None or source.template or source.path == "-":
        return {}
    if names is not None and os.path.basename(source.path) not in names:
        return {}
    return _first_services(document, os.path.dirname(source.path), others)


def _first_services(document: Document, directory: str, names: tuple[str, ...]) -> dict:
    """The services of the first of the files `names` in `directory` (Compose uses the first
    one), interpolated with the document's variables."""
    root = document.source.root if document.source else None
    for name in names:
        try:
            data = read_input(os.path.join(directory, name), MAX_PROJECT_FILE_BYTES, root)
        except InputError:
            continue  # absent, or not a file guardlint reads
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
