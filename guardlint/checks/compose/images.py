"""Compose check of the images services pull."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import services
from guardlint.documents.compose_project import base_services
from guardlint.knowledge.images import tag_and_digest_known
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.image_ref import split_reference


@check("CMP008")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    """An `image:` with no tag or `:latest` and no digest (a tag from a variable or a
    placeholder is not judged, nor the image of a service that builds it, in an override file
    one its base file builds)."""
    for service in services(document):
        image = service.get("image")
        # With `build:` (here, or in the base file an override file is merged into), `image:`
        # names what Compose builds locally, not what it pulls.
        if not isinstance(image, str) or "build" in service:
            continue
        if "build" in base_services(document).get(service.name, {}):
            continue
        reference = image.strip()
        name, tag, digest = split_reference(reference)
        # A variable left unset (`${TAG}`) or a placeholder is not known.
        if digest is not None or tag not in (None, "latest"):
            continue
        if not tag_and_digest_known(name, tag, digest):
            continue
        how = "the :latest tag" if tag else "no tag (so :latest)"
        yield Hit(
            message=f"Service {service.name} uses image {reference} with {how}: every pull "
            "may run different, unreviewed code.",
            region=service.key_region("image"),
            resource=service.resource,
            properties={"image": reference},
        )
