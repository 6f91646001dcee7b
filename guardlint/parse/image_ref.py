"""Container image references: `[registry/]repository[:tag][@digest]`, Docker Hub's implied
parts (docker.io/, library/) removed."""

from __future__ import annotations

from dataclasses import dataclass

_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference: [registry/]repository[:tag][@digest]."""

    raw: str
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """Repository with its registry, Docker Hub's implied parts removed."""
        return f"{self.registry}/{self.repository}" if self.registry else self.repository


def parse_image(reference: str) -> ImageRef | None:
    """Split an image reference; None when it is not a plausible reference."""
    text = reference.strip()
    if not text or any(c.isspace() for c in text) or "$" in text:
        return None
    rest, _, digest = text.partition("@")
    tag = None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
    registry = None
    first, sep, remainder = rest.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, rest = first.lower(), remainder
    if registry in _DOCKER_HUB:
        registry = None
    repository = rest.lower()
    if registry is None and repository.startswith("library/"):
        repository = repository[len("library/") :]
    if not repository:
        return None
    return ImageRef(text, registry, repository, tag or None, digest or None)
