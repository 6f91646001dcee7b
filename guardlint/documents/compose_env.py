"""The environment files of a Compose project: the `.env` file in the project directory (the
Compose file's own), whose variables Compose interpolates into the file, and the files a
service's `env_file` loads into its container (relative to that directory).

Each is read like every input (bounded, inside the scan root, recorded for the result cache);
standard input and a template for substitution have no project directory here.
"""

from __future__ import annotations

import os

from guardlint.model import SourceFile
from guardlint.parse.dotenv import parse_dotenv
from guardlint.parse.inputs import InputError, read_input

MAX_ENV_FILE_BYTES = 256_000


def project_variables(source: SourceFile | None) -> dict[str, str]:
    """The variables of the `.env` file beside the Compose file `source`; none without one."""
    return env_file_variables(source, ".env") or {}


def env_file_variables(source: SourceFile | None, path: str) -> dict[str, str] | None:
    """The variables of the environment file at `path` (relative to the directory of the
    Compose file `source`); None when it cannot be read here (absent, outside the scan root,
    not UTF-8, a path left to a variable)."""
    if source is None or source.template or source.path == "-" or "${" in path:
        return None
    directory = os.path.dirname(source.path)
    try:
        data = read_input(os.path.join(directory, path), MAX_ENV_FILE_BYTES, source.root)
        return parse_dotenv(data.decode("utf-8").removeprefix("\ufeff"))
    except (InputError, UnicodeDecodeError):
        return None
