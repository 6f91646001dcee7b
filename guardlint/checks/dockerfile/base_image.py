"""The base images stages are built FROM: end of life (DKR019). Tags and digests (DKR002,
DKR003) are the `image-reference` template's (guardlint.checks.templates.dockerfile)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from guardlint.checks.dockerfile.hits import hit, model_of
from guardlint.checks.registry import check
from guardlint.knowledge.tables import load_table
from guardlint.model import Document, Hit, Rule
from guardlint.parse.image_ref import ImageRef


def _cycle_of(word: str, parts: int, entry: dict[str, Any]) -> str | None:
    aliases = entry.get("aliases") or {}
    if word in aliases:
        return str(aliases[word])
    match = re.match(r"^v?(\d+(?:\.\d+)*)", word)
    if not match:
        return None
    numbers = match.group(1).split(".")
    cycles = entry.get("cycles") or {}
    for size in range(min(parts, len(numbers)), 0, -1):
        cycle = ".".join(numbers[:size])
        if cycle in cycles:
            return cycle
    return None


def _eol_matches(ref: ImageRef) -> Iterator[tuple[str, str, datetime.date]]:
    """(product, cycle, end-of-life date) for the image and the distribution inside its tag."""
    images = load_table("eol_images.yaml")["images"]
    tag = (ref.tag or "latest").lower()
    words = tag.split("-")
    entry = images.get(ref.name)
    if entry:
        if entry.get("all_tags_eol"):
            yield ref.name, tag, entry["all_tags_eol"]
        cycle = _cycle_of(words[0], entry.get("version_parts", 1), entry) or next(
            (c for w in words[1:] if (c := (entry.get("aliases") or {}).get(w))), None
        )
        if cycle and cycle in (entry.get("cycles") or {}):
            yield ref.name, str(cycle), entry["cycles"][cycle]
    for product, variant in images.items():
        if not variant.get("variant") or product == ref.name:
            continue
        for word in words:
            cycle = (variant.get("aliases") or {}).get(word)
            if cycle:
                yield product, str(cycle), variant["cycles"][cycle]
    for word in words:
        alpine = re.fullmatch(r"alpine(\d+\.\d+)(?:\.\d+)?", word)
        if alpine and ref.name != "alpine" and alpine.group(1) in images["alpine"]["cycles"]:
            yield "alpine", alpine.group(1), images["alpine"]["cycles"][alpine.group(1)]


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
    life (data/eol_images.yaml), as of today or the rule's `as_of` option."""
    today = _as_of(rule)
    for stage in model_of(document).stages:
        if stage.ref is None:
            continue
        ended = [(p, c, d) for p, c, d in _eol_matches(stage.ref) if d <= today]
        if not ended:
            continue
        product, cycle, date = ended[0]
        yield hit(
            stage.from_instruction,
            stage,
            f"Stage {stage.label} is built FROM {stage.image}: {product} {cycle} reached end "
            f"of life on {date.isoformat()} and gets no security fixes any more.",
            properties={"product": product, "cycle": cycle, "eol": date.isoformat()},
        )
