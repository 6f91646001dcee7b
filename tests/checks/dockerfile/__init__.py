"""Tests of the Dockerfile pack's rules (rules/dockerfile.yaml), one file per family."""

from __future__ import annotations

import dataclasses
import datetime
import textwrap
from pathlib import Path

from guardlint.checks.registry import check_for
from guardlint.documents.dockerfile import parse_dockerfile
from guardlint.engine.scan import ScanResult
from guardlint.model.documents import Document, SourceFile
from guardlint.model.findings import Hit
from guardlint.rulebook import load_rulebook
from tests.conftest import run_scan, write_file

DKR_RULES = {f"DKR{n:03d}" for n in range(1, 27)}


def scan_dockerfile(tmp_path: Path, text: str, *rules: str, name: str = "Dockerfile") -> ScanResult:
    """Write `text` (dedented) as a Dockerfile in tmp_path and scan it with `rules` (or all DKR
    rules)."""
    write_file(tmp_path, name, textwrap.dedent(text).lstrip("\n"))
    return run_scan(tmp_path, only_rules=set(rules) or DKR_RULES)


def dockerfile_document(
    text: str, directory: Path | None = None, name: str = "Dockerfile"
) -> Document:
    """The document guardlint makes of `text` (dedented), as if read from `directory` (its
    first reading, where the frontend is not known)."""
    text = textwrap.dedent(text).lstrip("\n")
    path = str((directory or Path("/nonexistent")) / name)
    return parse_dockerfile(text, text.splitlines(), SourceFile(path, name, "dockerfile"))[0]


def eol_hits(image: str, as_of: str | datetime.date) -> list[Hit]:
    """DKR019's hits on `FROM image`, judged on the day `as_of`."""
    (rule,) = [r for r in load_rulebook().rules if r.id == "DKR019"]
    rule = dataclasses.replace(rule, options={"as_of": as_of})
    return list(check_for(rule)(dockerfile_document(f"FROM {image}\n"), rule))
