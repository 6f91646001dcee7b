"""`guardlint scan -`: one document stream read from standard input (`helm template`,
`kustomize build`, `cdk synth`, `kubectl get -o yaml`).

The stream is read like any file: at most the size limit (--max-file-size) plus one byte, so
that a larger stream is reported as too large (GL001) rather than read to its end. A terminal
is refused at once instead of waiting for a document nobody is typing. `--stdin-filename NAME`
gives the path shown in reports and, when guardlint scans files of that name, the kind;
otherwise the kind comes from the content (a Dockerfile, or YAML/JSON classified as usual).
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO

import click

from guardlint.discover.names import kind_by_content, kind_by_name
from guardlint.model.documents import SourceFile

STDIN = "-"
DEFAULT_NAME = "stdin"
_HEAD = 64 * 1024  # enough to see past a Dockerfile's comments to its first instruction


def stdin_source(name: str | None, max_bytes: int, stream: BinaryIO | None = None) -> SourceFile:
    """Standard input as a file to scan; a terminal or a closed standard input is a usage
    error (exit 2)."""
    # sys.stdin is None when the process was started with standard input closed.
    stream = stream or getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise click.UsageError("standard input is closed: nothing to scan for -")
    if stream.isatty():
        raise click.UsageError(
            "standard input is a terminal: pipe a document stream into `guardlint scan -` "
            "(helm template CHART | guardlint scan -)"
        )
    try:
        content = stream.read(max_bytes + 1)
    except (OSError, ValueError) as exc:  # ValueError: a closed stream
        raise click.UsageError(f"cannot read standard input: {exc}") from None
    shown = (name or DEFAULT_NAME).replace(os.sep, "/")
    kind = kind_by_name(os.path.basename(shown)) if name else None
    kind = kind or kind_by_content(content[:_HEAD].decode("utf-8", "replace"))
    return SourceFile(path=STDIN, rel_path=shown, kind=kind, content=content)
