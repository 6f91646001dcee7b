"""ECS check of the images containers run (ECS009): a mutable `latest` tag, or none."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.ecs.hits import container_hit, subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import UNKNOWN_NAME, UNKNOWN_PART
from guardlint.documents.ecs.model import task_definition
from guardlint.knowledge.placeholders import is_filled_in_later
from guardlint.model import Document, Hit, Rule
from guardlint.parse.image_ref import split_reference

# In these characters a pipeline or template fills in part of the reference (`${TAG}`,
# `<IMAGE1_NAME>`, `{{tag}}`): that part is not known.
_FILLED_IN = frozenset("$<>{}" + UNKNOWN_PART)


def mutable_tag(reference: str) -> str | None:
    """`no tag` or `the latest tag` when the reference pulls whatever `latest` is; None when it
    is pinned by digest, has another tag, or the part that decides is not known."""
    text = reference.strip()
    if not text or is_filled_in_later(text):
        return None
    name, tag, digest = split_reference(text)
    if digest is not None or not _lower_case_repository(name):
        return None
    if tag is None:
        last = name.rsplit("/", 1)[-1]
        return None if not last or _FILLED_IN.intersection(last) else "no tag"
    return "the latest tag" if tag == "latest" else None


def _lower_case_repository(name: str) -> bool:
    """Docker's repository names are lower case (a registry's host may not be): one in
    capitals is no image but a name a script replaces (`DOCKER_IMAGE_NAME`)."""
    first, slash, rest = name.partition("/")
    registry = slash and ("." in first or ":" in first or first == "localhost")
    repository = rest if registry else name
    return repository == repository.lower()


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
