"""Kubernetes checks on the images containers run: tags and digests."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.kubernetes.hits import container_hit, where
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import (
    Container,
    containers,
)
from guardlint.model import Document, Hit, Rule

# `<placeholder>` as `<` then `>` on the same line; `<.*>` would scan to the end of the line
# from every `<` of a long run of them (quadratic), `<[^<>\n]*>` stops at the next one.
_TEMPLATED = re.compile(r"\$|\{\{|<[^<>\n]*>")


def _image_parts(image: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else None
    if tag is not None:
        name = name[: -len(tag) - 1]
    return name, tag, digest or None


def _images(document: Document) -> Iterator[tuple[Container, str, str | None, str | None]]:
    for container in containers(document):
        image = container.data.get("image")
        if not isinstance(image, str) or not image.strip() or _TEMPLATED.search(image):
            continue  # a templated image is decided when it is rendered
        yield container, *_image_parts(image.strip())


@check("K8S012")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S012: image with no tag or `:latest` (and no digest)."""
    for container, name, tag, digest in _images(document):
        if digest or (tag and tag != "latest"):
            continue
        said = "the :latest tag" if tag else "no tag (so :latest)"
        yield container_hit(
            container,
            f"{where(container)} uses image {name} with {said}: what runs changes without "
            "any change to the manifest, and rollbacks cannot restore it.",
            container.region_of(container.data, "image"),
            image=name,
        )


@check("K8S013")
def unpinned_digest(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S013: image not pinned by digest."""
    for container, name, tag, digest in _images(document):
        if digest:
            continue
        yield container_hit(
            container,
            f"{where(container)} uses image {name}:{tag or 'latest'} without an @sha256 "
            "digest, so a re-pushed tag changes what runs.",
            container.region_of(container.data, "image"),
            image=name,
        )
