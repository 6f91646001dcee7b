"""What COPY and ADD bring into the image: ADD for plain local files (DKR006), remote URLs
without a checksum (DKR007), the whole build context without a .dockerignore (DKR026)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, is_remote, model_of
from guardlint.checks.registry import check
from guardlint.model import Document, Hit, Rule

_ARCHIVE = re.compile(r"\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst|lz|lzma)|gz|bz2|xz|zst)$", re.I)


@check("DKR006")
def add_instead_of_copy(document: Document, rule: Rule) -> Iterator[Hit]:
    """ADD copies a local path that is not an archive (COPY says that without fetching URLs or
    unpacking archives)."""
    for stage in model_of(document).stages:
        for instruction in stage.of("ADD"):
            if instruction.flag("from") is not None:
                continue
            local = [s for s in instruction.sources if not is_remote(s) and "$" not in s]
            plain = [s for s in local if not _ARCHIVE.search(s)]
            if plain:
                yield hit(
                    instruction,
                    stage,
                    f"ADD copies the local path {plain[0]} in {in_stage(stage)}; ADD also "
                    "fetches URLs and unpacks archives, so COPY states the intent safely.",
                )


@check("DKR007")
def add_remote_url(document: Document, rule: Rule) -> Iterator[Hit]:
    """ADD downloads an http(s) URL without --checksum."""
    for stage in model_of(document).stages:
        for instruction in stage.of("ADD"):
            if instruction.flag("checksum"):
                continue
            urls = [s for s in instruction.sources if re.match(r"^https?://", s, re.I)]
            if urls:
                yield hit(
                    instruction,
                    stage,
                    f"ADD downloads {urls[0]} in {in_stage(stage)} without --checksum: "
                    "whatever the server returns goes into the image unverified.",
                    properties={"url": urls[0]},
                )


@check("DKR026")
def copy_whole_context_without_dockerignore(document: Document, rule: Rule) -> Iterator[Hit]:
    """COPY or ADD of `.` from the build context, with no ignore file filtering it."""
    if document.meta.get("dockerignore"):
        return
    for stage in model_of(document).stages:
        for instruction in stage.of("COPY", "ADD"):
            if instruction.flag("from") is not None:
                continue
            if any(source.rstrip("/") in (".", "") for source in instruction.sources):
                yield hit(
                    instruction,
                    stage,
                    f"{instruction.keyword} copies the whole build context into "
                    f"{in_stage(stage)} and no .dockerignore filters it: .git, .env files "
                    "and local credentials end up in the image.",
                )
