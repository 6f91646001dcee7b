"""The base images stages are built FROM: end of life (DKR019). Tags and digests (DKR002,
DKR003) are the `image-reference` template's (guardlint.checks.templates.dockerfile)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from guardlint.checks.dockerfile.hits import hit, model_of
from guardlint.checks.registry import check
from guardlint.knowledge.tables import load_table
from guardlint.model import Document, Hit, Rule, Severity
from guardlint.parse.image_ref import ImageRef


class EndOfLife(NamedTuple):
    product: str
    cycle: str  # as the tag names it
    date: datetime.date  # its end of life; for a cycle older than the table, the oldest's
    older_than: str | None = None  # the table's oldest cycle, when the tag's comes before it


def _version(cycle: str) -> tuple[int, ...]:
    return tuple(int(number) for number in cycle.split("."))


def _older_than_table(numbers: list[str], cycles: dict[str, Any]) -> str | None:
    """The table's oldest cycle, when the version comes before it: the table starts after
    the release lines that had ended long ago (alpine 2.x before alpine 3.0), so they have
    ended too. A shorter version is compared on its own parts: `alpine:3` and `golang:1`
    follow the newest release of their line."""
    if not cycles:
        return None
    oldest = min(cycles, key=_version)
    version = _version(".".join(numbers))
    return oldest if version < _version(oldest)[: len(version)] else None


def _cycle_of(word: str, product: str, entry: dict[str, Any]) -> EndOfLife | None:
    """The release cycle a version word (`3.8`, `3.8.10`, `buster`) names, with its end."""
    aliases, cycles = entry.get("aliases") or {}, entry.get("cycles") or {}
    if word in aliases:
        cycle = str(aliases[word])
        return EndOfLife(product, cycle, cycles[cycle]) if cycle in cycles else None
    match = re.match(r"^v?(\d+(?:\.\d+)*)", word)
    if not match:
        return None
    numbers = match.group(1).split(".")[: entry.get("version_parts", 1)]
    for size in range(len(numbers), 0, -1):
        cycle = ".".join(numbers[:size])
        if cycle in cycles:
            return EndOfLife(product, cycle, cycles[cycle])
    oldest = _older_than_table(numbers, cycles)
    return EndOfLife(product, ".".join(numbers), cycles[oldest], oldest) if oldest else None


def _eol_matches(ref: ImageRef) -> Iterator[EndOfLife]:
    """The end of life of the image's release and of the distribution inside its tag."""
    images = load_table("eol_images.yaml")["images"]
    tag = (ref.tag or "latest").lower()
    words = tag.split("-")
    entry = images.get(ref.name)
    if entry:
        if entry.get("all_tags_eol"):
            yield EndOfLife(ref.name, tag, entry["all_tags_eol"])
        aliases = entry.get("aliases") or {}
        found = _cycle_of(words[0], ref.name, entry) or next(
            filter(None, (_cycle_of(w, ref.name, entry) for w in words[1:] if w in aliases)),
            None,
        )
        if found:
            yield found
    for product, variant in images.items():
        if not variant.get("variant") or product == ref.name:
            continue
        for word in words:
            if word in (variant.get("aliases") or {}):
                yield from filter(None, [_cycle_of(word, product, variant)])
    for word in words:
        alpine = re.fullmatch(r"alpine(\d+\.\d+(?:\.\d+)?)", word)
        if alpine and ref.name != "alpine":
            yield from filter(None, [_cycle_of(alpine.group(1), "alpine", images["alpine"])])


def _as_of(rule: Rule) -> datetime.date:
    configured = rule.options.get("as_of")
    if isinstance(configured, datetime.date):
        return configured
    if configured:
        return datetime.date.fromisoformat(str(configured))
    return datetime.date.today()


@check("DKR019")
def eol_base_image(document: Document, rule: Rule) -> Iterator[Hit]:
    """A stage is built FROM an image (or a distribution named in its tag) past its end of
    life (data/eol_images.yaml), as of today or the rule's `as_of` option. A build stage
    whose layers never reach the final image is medium: the image does not ship."""
    today = _as_of(rule)
    model = model_of(document)
    shipped = {stage.index for stage in model.shipped_stages()}
    for stage in model.stages:
        if stage.ref is None:
            continue
        ended = [found for found in _eol_matches(stage.ref) if found.date <= today]
        if not ended:
            continue
        product, cycle, date, older_than = ended[0]
        when = f"on {date.isoformat()}"
        if older_than:
            when = f"before {product} {older_than}, whose end of life was {date.isoformat()}"
        ships = stage.index in shipped
        yield hit(
            stage.from_instruction,
            stage,
            f"Stage {stage.label} is built FROM {stage.image}: {product} {cycle} reached end "
            f"of life {when} and gets no security fixes any more"
            + ("." if ships else "; the stage is a build stage that does not ship."),
            severity=None if ships else Severity.MEDIUM,
            properties={"product": product, "cycle": cycle, "eol": date.isoformat()},
        )
