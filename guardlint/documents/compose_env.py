"""The environment files of a Compose project: the `.env` file in the project directory (the
Compose file's own), whose variables Compose interpolates into the file, and the files a
service's `env_file` loads into its container (relative to that directory).

Each is read like every input (bounded, inside the scan root, recorded for the result cache);
standard input and a template for substitution have no project directory here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from guardlint.documents.compose import Service
from guardlint.documents.compose_include import Inclusion
from guardlint.model import Region, SourceFile
from guardlint.parse.dotenv import read_env_file


def project_variables(
    source: SourceFile | None, included: Inclusion | None = None
) -> dict[str, str]:
    """The variables Compose interpolates into the Compose file `source`: those of the `.env`
    file beside it; for a file a project includes, those of the include's `env_file` (merged in
    order), else of the `.env` of its project directory, under those of the including
    project's `.env` (the local project's environment wins)."""
    if included is None or source is None or source.root is None:
        return env_file_variables(source, ".env") or {}
    own = included.env_files or (os.path.join(included.project_directory, ".env"),)
    including = os.path.join(os.path.dirname(included.includer), ".env")
    variables: dict[str, str] = {}
    for path in (*own, including):
        variables.update(read_env_file(path, source.root) or {})
    return variables


def env_file_variables(source: SourceFile | None, path: str) -> dict[str, str] | None:
    """The variables of the environment file at `path` (relative to the directory of the
    Compose file `source`); None when it cannot be read here (absent, outside the scan root,
    not UTF-8, a path left to a variable)."""
    if source is None or source.template or source.path == "-" or "${" in path:
        return None
    # Compose joins the paths lexically (`config/../app.env` needs no `config`).
    where = os.path.normpath(os.path.join(os.path.dirname(source.path), path))
    return read_env_file(where, source.root)


def env_files(service: Service) -> Iterator[tuple[str, Region]]:
    """The path of each file the service's `env_file` names (a string, a list of paths or of
    `{path, required, format}`), with where the service names it. A file `required: false`
    names is loaded too when it is there."""
    setting = service.get("env_file")
    if isinstance(setting, str):
        yield setting, service.key_region("env_file")
        return
    for _, item, _, used in service.entries("env_file"):
        path = item.get("path") if isinstance(item, dict) else item
        if isinstance(path, str) and path.strip():
            yield path.strip(), used
