"""Compose check of the images services pull."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import services
from guardlint.model import Document, Hit, Rule
from guardlint.parse.compose_interpolation import interpolate, is_known


@check("CMP008")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    """An `image:` with no tag or `:latest` and no digest (a tag from a variable is not
    judged, nor the image of a service that builds it)."""
    for service in services(document):
        image = service.get("image")
        # With `build:`, `image:` names what Compose builds locally, not what it pulls.
        if not isinstance(image, str) or "build" in service:
            continue
        reference = interpolate(image.strip())
        if "@" in reference:
            continue  # pinned by digest
        last = reference.rsplit("/", 1)[-1]
        repository, _, tag = last.partition(":")
        if not is_known(tag) or not is_known(repository) or tag not in ("", "latest"):
            continue
        how = "the :latest tag" if tag else "no tag (so :latest)"
        yield Hit(
            message=f"Service {service.name} uses image {reference} with {how}: every pull "
            "may run different, unreviewed code.",
            region=service.key_region("image"),
            resource=service.resource,
            properties={"image": reference},
        )
