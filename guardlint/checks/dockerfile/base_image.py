"""The base images stages are built FROM: end of life (DKR019). Tags and digests (DKR002,
DKR003) are the `image-reference` template's (guardlint.checks.templates.dockerfile)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from guardlint.checks.dockerfile.hits import hit, model_of
from guardlint.checks.registry import check
from guardlint.knowledge.end_of_life import (
    EndOfLife,
    judged_on,
    release_cycle,
    release_line,
    release_product_names,
    release_products,
)
from guardlint.knowledge.tables import load_table
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.digits import ascii_digits
from guardlint.parse.image_ref import ImageRef

# A word of a tag or name: the image it names, and a release glued to it (`alpine3.16`, `jdk11`,
# AWS SAM's `nodejs14.x`).
_NAMED_RELEASE = re.compile(r"([a-z]+)([0-9]+(?:\.[0-9]+)*)?(?:\.x)?")


def _own_release(name: str, entry: dict[str, Any], tag: str) -> Iterator[EndOfLife]:
    """The end of the repository's every tag, or of the release its tag names."""
    if entry.get("all_tags_eol") and tag not in (entry.get("supported_tags") or ()):
        yield EndOfLife(name, tag, entry["all_tags_eol"])
    words = tag.split("-")
    aliases = entry.get("aliases") or {}
    found = release_line(words[0], name, entry) or next(
        filter(None, (release_cycle(w, name, entry) for w in words[1:] if w in aliases)), None
    )
    if found:
        yield found


def _built_on(text: str, name: str, in_name: bool) -> Iterator[EndOfLife]:
    """The end of the images the words of a tag name with their release (`alpine3.16`,
    `debian-11`, `openjdk-8`; in a repository's name only a glued one, `base-debian10`)."""
    images, words = release_products(), text.split("-")
    tag_words = {**load_table("eol_images.yaml")["tag_words"], **_tag_words_of(name)}
    for index, word in enumerate(words):
        named = _NAMED_RELEASE.fullmatch(word)
        product = tag_words.get(named.group(1)) if named else None
        if named is None or product is None or product == name:
            continue
        entry, release = images[product], named.group(2)
        if release is None and not in_name and index + 1 < len(words):
            release = words[index + 1]
        if entry.get("all_tags_eol") and not in_name:
            versioned = release is not None and ascii_digits(release[:1])
            yield EndOfLife(product, release if versioned else text, entry["all_tags_eol"])
        elif release:
            yield from filter(None, [release_cycle(release, product, entry)])


def _tag_words_of(name: str) -> dict[str, str]:
    return release_products().get(name, {}).get("tag_words") or {}


def _eol_matches(ref: ImageRef) -> Iterator[EndOfLife]:
    """The end of life of the image's release, of the vendor's repositories it is among, of a
    distribution codename in its tag, and of the images its tag or name says it is built on."""
    images = release_products()
    tag = (ref.tag or "latest").lower()
    names = release_product_names(ref.name)
    for name in names:
        if name in images:
            yield from _own_release(name, images[name], tag)
    name, words = names[0], tag.split("-")
    for product, variant in images.items():
        if variant.get("variant") and product != name:
            aliases = variant.get("aliases") or {}
            for word in (w for w in words if w in aliases):
                yield from filter(None, [release_cycle(word, product, variant)])
    yield from _built_on(tag, name, in_name=False)
    yield from _built_on(ref.name.rpartition("/")[2], name, in_name=True)


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
