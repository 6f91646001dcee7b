"""ECS check of the images containers run (ECS009): a mutable `latest` tag, or none."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.ecs.hits import container_hit, subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import UNKNOWN_NAME, UNKNOWN_PART
from guardlint.documents.ecs.model import task_definition
from guardlint.knowledge.images import tag_and_digest_known
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.image_ref import split_reference


def mutable_tag(reference: str) -> str | None:
    """`no tag` or `the latest tag` when the reference pulls whatever `latest` is; None when it
    is pinned by digest, has another tag, or the part that decides is not known (an unknown
    part of a template's value is, but an ECR repository's name is a whole name, and so is
    an unknown part before a written tag: a name with a tag or digest of its own there would
    be no reference)."""
    name, tag, digest = split_reference(reference.strip().replace(UNKNOWN_NAME, "repository"))
    if tag is not None:
        name = name.replace(UNKNOWN_PART, "repository")
    if not tag_and_digest_known(name, tag, digest) or digest is not None:
        return None
    if tag is None:
        return "no tag"
    return "the latest tag" if tag == "latest" else None


@check("ECS009")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    """Container images with no tag or `latest`, after resolution; digests, other tags,
    placeholders and what cannot be resolved are not judged."""
    task = task_definition(document)
    for container in task.containers:
        fields = container.fields
        for reference in fields.resolver.partial_texts(fields.raw("image")):
            how = mutable_tag(reference)
            if how is None:
                continue
            shown = reference.strip().replace(UNKNOWN_PART, "${...}")
            shown = shown.replace(UNKNOWN_NAME, "${RepositoryName}")
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} runs image {shown} with {how}: each new task may "
                "pull different, unreviewed code, and a rollback does not bring the old image "
                "back.",
                fields.key_region("image"),
                image=shown,
            )
            break
