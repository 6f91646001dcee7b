"""Whether an image reference's tag and digest are known: one reading for every pack that
judges them (DKR002/DKR003, CMP008, K8S012/K8S013, ECS009), so a reference a pipeline or
template has yet to fill in is left alone whatever file it is written in."""

from __future__ import annotations

import re

from guardlint.knowledge.placeholders import is_filled_in_later
from guardlint.parse.lazy_pattern import LazyPattern

# Docker's grammar (distribution/reference): a path component of a repository, and a tag. The
# classes a component's repetition alternates between are disjoint: no backtracking.
_NAME_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
# The OCI digest grammar, `algorithm:encoded` (`sha256:4be6...`); its classes are disjoint.
_DIGEST = LazyPattern(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")


def is_digest(digest: str | None) -> bool:
    """Whether what follows a reference's `@` is a digest (`@v1` or a bare `@sha256` is not,
    and pins nothing)."""
    return digest is not None and _DIGEST.fullmatch(digest) is not None


def tag_and_digest_known(name: str, tag: str | None, digest: str | None) -> bool:
    """Whether a reference split as written (`split_reference`) pulls a known tag or digest:
    a written digest pins it; otherwise its last component must be a repository name, neither
    a placeholder (`<IMAGE1_NAME>`, `{{ .Values.image }}`, `registry/${NAME}`, which may hold
    a tag) nor in capitals, which no repository is (`IMAGE_NAME`, `gcr.io/PROJECT_ID/IMAGE`:
    a name a script replaces), and a written tag one Docker reads as a tag (not `${TAG}`,
    `{{ .Values.tag }}`, `#{Build.BuildId}#`). An unknown registry or namespace
    (`${REGISTRY}/app:latest`) leaves the tag known, and so does `latest` written after a
    placeholder name (`${IMAGE}:latest`): what fills the name in cannot hold a tag or digest
    before it, so the image pulls latest whatever it becomes."""
    if digest is not None:
        return True
    last = name.rsplit("/", 1)[-1]
    if not _NAME_COMPONENT.fullmatch(last):
        return tag == "latest" and is_filled_in_later(last)
    if is_filled_in_later(name):
        return False
    return tag is None or bool(_TAG.fullmatch(tag))
