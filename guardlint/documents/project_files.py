"""The Compose files that may name a file of the scan, looked for where projects put them: a
Compose file (by its name) of the file's directory or of one above it, inside the scan root and
at most `MAX_LEVELS` up, nearest first; and the first YAML document of one, read like every
input (bounded, recorded for the result cache). Through them are found the `include:` entry of
a Compose file another includes (guardlint.documents.compose_include) and the build context of
a Dockerfile a service builds (guardlint.documents.build_contexts). No Compose module is
imported here: a Dockerfile scan loads this one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from guardlint.model.documents import SourceFile
from guardlint.parse.inputs import InputError, lies_inside, read_input
from guardlint.parse.lookups import files_named
from guardlint.parse.recorder import per_snapshot
from guardlint.parse.text import ParseError

# compose-go's default file names, in the order it looks for them.
BASE_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
MAX_PROJECT_FILE_BYTES = 2_000_000
# The Compose files one lookup (the include entry or build context of a file, the services a
# file includes) parses, in all: parsing one costs about half a second a megabyte, and the
# files of six levels of directories, each read once per scan, would all be parsed for the
# first file that asks (48 files of 1.9 MB: 48 s, past a file's time budget).
MAX_LOOKUP_BYTES = 4_000_000
MAX_LEVELS = 6  # directories looked in: the file's and those above it
MAX_FILES_PER_DIRECTORY = 8  # Compose files of one directory read


def compose_files_above(source: SourceFile) -> Iterator[str]:
    """The paths of the Compose files of the directory of the file `source` and of those above
    it (see the module's docstring), nearest first; none for a file with no place in a tree
    (standard input, a template, a file scanned without a root)."""
    if source.root is None or source.template or source.path == "-":
        return
    root = os.path.abspath(source.root)
    directory = os.path.dirname(os.path.abspath(source.path))
    for _ in range(MAX_LEVELS):
        if not lies_inside(directory, root):
            return
        for name in _compose_file_names(directory):
            yield os.path.join(directory, name)
        if directory == root:
            return
        directory = os.path.dirname(directory)


@per_snapshot
def _compose_file_names(directory: str) -> list[str]:
    """The Compose files of a directory by name (`compose.yaml`, `docker-compose.prod.yml`):
    the default names first, in compose-go's order, then the others, sorted; at most
    `MAX_FILES_PER_DIRECTORY` of them."""
    listed = files_named(directory, (".yml", ".yaml"))
    if listed is None:
        return list(BASE_FILE_NAMES)
    named = {name for name in listed if name.lower().startswith(("compose", "docker-compose"))}
    others = sorted(named.difference(BASE_FILE_NAMES))
    return ([name for name in BASE_FILE_NAMES if name in named] + others)[:MAX_FILES_PER_DIRECTORY]


class LookupBudget:
    """What one lookup may still parse of Compose files (MAX_LOOKUP_BYTES): each file it reads
    is charged, whether or not the scan parsed it already, so that what a lookup finds does
    not depend on the order the scan takes files in."""

    def __init__(self) -> None:
        self.left = MAX_LOOKUP_BYTES

    def affords(self, path: str, root: str) -> bool:
        """Whether the file at `path` may be read too (charging it)."""
        self.left -= _size(path, root)
        return self.left >= 0


@per_snapshot
def _size(path: str, root: str) -> int:
    """The bytes first_document reads of the file at `path` (0: none)."""
    try:
        return len(read_input(path, MAX_PROJECT_FILE_BYTES, root))
    except InputError:
        return 0


# What first_document gives for a file that is there but past MAX_PROJECT_FILE_BYTES: what it
# says is not known (not that it says nothing).
TOO_LARGE: Any = object()


def first_document(path: str, root: str) -> Any:
    """The first YAML document of the file at `path`; None when it cannot be read or parsed,
    TOO_LARGE when it is past MAX_PROJECT_FILE_BYTES."""
    # Imported here: classifying a JSON file, or a Dockerfile with no Compose file around it,
    # reads no YAML (tests/test_startup.py).
    from guardlint.parse.yaml_nodes import load_documents

    try:
        data = read_input(path, MAX_PROJECT_FILE_BYTES, root)
        documents = load_documents(data.decode("utf-8"), cfn_tags=False)
    except InputError as exc:
        return TOO_LARGE if exc.too_large else None
    except (UnicodeDecodeError, ParseError, RecursionError):
        return None
    return documents[0] if documents else None
