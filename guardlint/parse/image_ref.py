"""Container image references: `[registry/]repository[:tag][@digest]`, Docker Hub's implied
parts (docker.io/, library/) removed."""

from __future__ import annotations

from typing import NamedTuple

_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


class ImageRef(NamedTuple):
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


def official_name(name: str) -> str:
    """The official image a copy of it on another registry is: a repository under `library/`
    (`public.ecr.aws/docker/library/node`, a pull-through cache's `harbor.example.com/hub/
    library/node`) or at a registry's top level (`localhost:5000/ubuntu`) is `node`, `ubuntu`;
    any other name (`ImageRef.name`) is itself (Docker Hub's, `ghcr.io/org/python`)."""
    registry, slash, path = name.partition("/")
    if not slash or not ("." in registry or ":" in registry or registry == "localhost"):
        return name
    namespace, _, repository = path.rpartition("/")
    official = namespace in ("", "library") or namespace.endswith("/library")
    return repository if official else name


def split_reference(reference: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of `[registry/]repository[:tag][@digest]` as written: the tag
    follows the last colon of the last path component (a registry's port is no tag); a part
    whose separator is absent is None, one written empty ("app:", "app@") is ""."""
    name, at, digest = reference.partition("@")
    tag = None
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest if at else None


def parse_image(reference: str) -> ImageRef | None:
    """Split an image reference; None when it is not a plausible reference."""
    text = reference.strip()
    if not text or any(c.isspace() for c in text) or "$" in text:
        return None
    rest, tag, digest = split_reference(text)
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
