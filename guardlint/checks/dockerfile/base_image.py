"""The base images stages are built FROM: end of life (DKR019). Tags and digests (DKR002,
DKR003) are the `image-reference` template's (guardlint.checks.templates.dockerfile)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, model_of
from guardlint.checks.registry import check
from guardlint.knowledge.end_of_life import (
    EndOfLife,
    judged_on,
    release_cycle,
    release_product_name,
    release_products,
)
from guardlint.model import Document, Hit, Rule, Severity
from guardlint.parse.image_ref import ImageRef


def _eol_matches(ref: ImageRef) -> Iterator[EndOfLife]:
    """The end of life of the image's release and of the distribution inside its tag."""
    images = release_products()
    tag = (ref.tag or "latest").lower()
    words = tag.split("-")
    name = release_product_name(ref.name)
    entry = images.get(name)
    if entry:
        if entry.get("all_tags_eol"):
            yield EndOfLife(name, tag, entry["all_tags_eol"])
        aliases = entry.get("aliases") or {}
        found = release_cycle(words[0], name, entry) or next(
            filter(None, (release_cycle(w, name, entry) for w in words[1:] if w in aliases)),
            None,
        )
        if found:
            yield found
    for product, variant in images.items():
        if not variant.get("variant") or product == name:
            continue
        for word in words:
            if word in (variant.get("aliases") or {}):
                yield from filter(None, [release_cycle(word, product, variant)])
    for word in words:
        alpine = re.fullmatch(r"alpine(\d+\.\d+(?:\.\d+)?)", word)
        if alpine and name != "alpine":
            yield from filter(None, [release_cycle(alpine.group(1), "alpine", images["alpine"])])


@check("DKR019")
def eol_base_image(document: Document, rule: Rule) -> Iterator[Hit]:
    """A stage is built FROM an image (or a distribution named in its tag) past its end of
    life (data/eol_images.yaml, through guardlint.knowledge.end_of_life), as of today or the
    rule's `as_of` option. A build stage whose layers never reach the final image is medium:
    the image does not ship."""
    today = judged_on(rule.options)
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
