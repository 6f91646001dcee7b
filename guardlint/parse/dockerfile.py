"""Dockerfile text to a Document (placeholder until the Dockerfile pack lands)."""

from __future__ import annotations

from guardlint.model import Document, SourceFile


def parse_dockerfile(text: str, lines: list[str], source: SourceFile) -> Document:
    return Document(
        kind="dockerfile", rel_path=source.rel_path, data={}, lines=lines, source=source
    )
