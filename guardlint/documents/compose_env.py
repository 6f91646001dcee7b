"""The environment files of a Compose project: the `.env` file in the project directory (the
Compose file's own), whose variables Compose interpolates into the file, and the files a
service's `env_file` loads into its container (relative to that directory).

Each is read like every input (inside the scan root, recorded for the result cache) within the
scan's file-size limit (guardlint.documents.dependencies); what one Compose file parses of its
environment files is bounded in all (INTERPOLATED, LOADED): past it, a file's lines up to the
bound are read and a GL001 note says what was not. Standard input and a template for
substitution have no project directory here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from guardlint.documents.compose import Service
from guardlint.documents.compose_include import Inclusion
from guardlint.documents.dependencies import Budget, read_dependency
from guardlint.knowledge.per_file import file_memo
from guardlint.model.documents import Region, SourceFile
from guardlint.parse.dotenv import MAX_PARSED_CHARS, env_text, lines_up_to, parse_dotenv
from guardlint.parse.inputs import InputError
from guardlint.parse.text import ParseError

# What one Compose file parses of the environment files it depends on, in all: those Compose
# interpolates it with, and those its services load (whose values CMP007 judges). Each its
# own, so that padding one kind does not keep the other from being read.
INTERPOLATED = Budget("the environment files one file is interpolated with", MAX_PARSED_CHARS)
LOADED = Budget("the env_files of one file", MAX_PARSED_CHARS)
_READ = file_memo()  # (path, root) -> EnvFile, for the file being scanned
_UNKNOWN = ": the variables it sets are not known here"


@dataclass(frozen=True, slots=True)
class EnvFile:
    """An environment file's variables (None: not read: absent, outside the scan root, not
    UTF-8, a path left to a variable, past a limit) and what of it was not read past a limit
    (None: nothing), for a note."""

    variables: dict[str, str] | None
    unread: str | None = None


def project_variables(
    source: SourceFile | None, included: Inclusion | None = None
) -> tuple[dict[str, str], list[ParseError]]:
    """The variables Compose interpolates into the Compose file `source`: those of the `.env`
    file beside it; for a file a project includes, those of the include's `env_file` (merged in
    order), else of the `.env` of its project directory, under those of the including
    project's `.env` (the local project's environment wins). With a note (at line 1) for each
    such file a limit kept from being read in full."""
    if included is None or source is None or source.root is None:
        found = env_file_variables(source, ".env", INTERPOLATED)
        notes = [ParseError(f"the .env file beside it {found.unread}")] if found.unread else []
        return found.variables or {}, notes
    own = included.env_files or (os.path.join(included.project_directory, ".env"),)
    including = os.path.join(os.path.dirname(included.includer), ".env")
    variables: dict[str, str] = {}
    notes = []
    for path in (*own, including):
        found = read_env(path, source, INTERPOLATED)
        variables.update(found.variables or {})
        if found.unread:
            shown = os.path.relpath(path, source.root).replace(os.sep, "/")
            notes.append(ParseError(f"the environment file {shown} {found.unread}"))
    return variables, notes


def env_file_variables(source: SourceFile | None, path: str, budget: Budget = LOADED) -> EnvFile:
    """The environment file at `path` (relative to the directory of the Compose file
    `source`), read within `budget`."""
    if source is None or source.template or source.path == "-" or "${" in path:
        return EnvFile(None)
    # Compose joins the paths lexically (`config/../app.env` needs no `config`).
    where = os.path.normpath(os.path.join(os.path.dirname(source.path), path))
    return read_env(where, source, budget)


def read_env(path: str, source: SourceFile, budget: Budget) -> EnvFile:
    """The environment file at `path`, read once for the scanned file `source`: within the
    scan's file-size limit, and its lines up to what is left of `budget` (a file both
    interpolated with and loaded is read under the budget it is first read for)."""
    key = (path, source.root)
    if key not in _READ:
        _READ[key] = _read_env(path, source, budget)
    return _READ[key]


def _read_env(path: str, source: SourceFile, budget: Budget) -> EnvFile:
    try:
        text = env_text(read_dependency(path, source))
    except InputError as exc:
        return EnvFile(None, f"was not read: {exc.reason}{_UNKNOWN}" if exc.too_large else None)
    except UnicodeDecodeError:
        return EnvFile(None)
    left = budget.left()
    if len(text) <= left:
        budget.spend(len(text))
        return EnvFile(parse_dotenv(text))
    read = lines_up_to(text, left)
    budget.spend(len(read))
    read_lines, lines = read.count("\n"), text.count("\n") + (not text.endswith("\n"))
    size = f"{len(text):,} characters; {budget.describe()}"
    if not read_lines:
        return EnvFile({}, f"was not read ({size}){_UNKNOWN}")
    return EnvFile(
        parse_dotenv(read),
        f"was read up to line {read_lines:,} of {lines:,} ({size}): the variables it sets after "
        "that line are not known here",
    )


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
