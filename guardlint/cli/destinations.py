"""Where the reports of one scan go: standard output, --output FILE or --output-dir DIR."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guardlint.cli.output import STDOUT
from guardlint.report import REPORTERS, Rendered, reporter

# The file each format gets in --output-dir.
FILE_NAMES = {
    "text": "guardlint.txt",
    "json": "guardlint.json",
    "sarif": "guardlint.sarif",
    "asff": "guardlint.asff.json",
    "junit": "guardlint.junit.xml",
    "markdown": "guardlint.md",
    "github": "guardlint.github.txt",
    "html": "guardlint.html",
    # The names GitLab's documentation gives these artifacts.
    "gitlab-sast": "gl-sast-report.json",
    "gitlab-codequality": "gl-code-quality-report.json",
}
# --output FILE without --format: the format its name says (longest suffix first).
_SUFFIXES = (
    (".asff.json", "asff"),
    (".junit.xml", "junit"),
    (".sarif", "sarif"),
    (".json", "json"),
    (".xml", "junit"),
    (".md", "markdown"),
    (".html", "html"),
    (".htm", "html"),
    (".txt", "text"),
)


class OutputError(Exception):
    """Formats and destinations that do not fit together."""


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Destination:
    """Where one report goes: its format and a file or standard output."""

    format: str
    path: str  # STDOUT ("-"): standard output

    @property
    def to_stdout(self) -> bool:
        return self.path == STDOUT


def format_for(path: str) -> str:
    """The format `path`'s extension names; text for a name without one (`-`, `/dev/stdout`).
    An extension that names none is an error rather than a text report under a name that
    says otherwise (`report.html`)."""
    name = path.lower()
    found = next((fmt for suffix, fmt in _SUFFIXES if name.endswith(suffix)), None)
    if found is not None:
        return found
    extension = os.path.splitext(os.path.basename(name))[1]
    if extension:
        known = ", ".join(suffix for suffix, _ in _SUFFIXES)
        raise OutputError(
            f"--output {path}: {extension!r} names no format (known extensions: {known}); "
            "rename the file or say which with --format"
        )
    return "text"


def destinations(
    formats: list[str], output: str | None, output_dir: str | None
) -> list[Destination]:
    """Where each requested report goes; several formats need --output-dir."""
    formats = list(dict.fromkeys(formats))  # repeated formats are written once
    unknown = [f for f in formats if f not in REPORTERS]
    if unknown:
        raise OutputError(f"unknown format(s): {', '.join(unknown)}")
    if output and output_dir:
        raise OutputError("use either --output FILE or --output-dir DIR, not both")
    if output_dir == STDOUT:
        raise OutputError(
            "--output-dir - is not a directory: standard output takes one report (one --format, "
            "no --output or --output -); say ./- for a directory named '-'"
        )
    if output_dir:
        return [
            Destination(f, os.path.join(output_dir, FILE_NAMES[f])) for f in formats or ["text"]
        ]
    if len(formats) > 1:
        raise OutputError("several --format values need --output-dir DIR (one file per format)")
    output = STDOUT if output is None else output
    fmt = formats[0] if formats else format_for(output)
    return [Destination(fmt, output)]


def write_reports(
    result: Any, targets: list[Destination], write: Callable[[str, Rendered], None], **options: Any
) -> None:
    """Render each format once and write it to its destination (`write(path, report)`)."""
    for target in targets:
        write(target.path, reporter(target.format)(result, **options))
