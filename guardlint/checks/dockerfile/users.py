"""Which user the container runs as (DKR001)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, model_of
from guardlint.checks.registry import check
from guardlint.documents.dockerfile_model import DockerfileModel, Stage
from guardlint.knowledge.tables import load_table
from guardlint.knowledge.users import names_root
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.image_ref import ImageRef, official_name


def _is_root_user(value: str | None) -> bool:
    """Whether a USER's value (its variables substituted) is root; None, or a variable left
    (one with no known value, a build argument), is taken as the non-root user it is for."""
    if value is None or "$" in value:
        return False
    return names_root(value.strip().strip("'\""))


def _candidates(ref: ImageRef) -> set[str]:
    """`repository:tag` as the tables name the image: as written, and as the official image a
    copy on another registry is (a mirror keeps the image's user and entrypoint)."""
    tag = (ref.tag or "latest").lower()
    return {f"{ref.name}:{tag}", f"{official_name(ref.name)}:{tag}"}


_WILDCARD = re.compile(r"[*?\[]")


def _matches(candidates: set[str], pattern: str) -> bool:
    # Most patterns name other images, as their literal start shows: fnmatch would compile each
    # of them to a regex first (forty-odd per scan, a fiftieth of a one-Dockerfile scan).
    start = _WILDCARD.split(pattern, maxsplit=1)[0]
    return any(c.startswith(start) and fnmatch.fnmatchcase(c, pattern) for c in candidates)


def runs_as_nonroot_by_default(ref: ImageRef | None) -> bool:
    """Whether the base image already runs as a non-root user (data/nonroot_images.yaml)."""
    if ref is None:
        return False
    table = load_table("nonroot_images.yaml")
    candidates = _candidates(ref)
    if any(_matches(candidates, pattern) for pattern in table.get("except", [])):
        return False
    return any(_matches(candidates, pattern) for pattern in table.get("images", []))


def _steps_down(ref: ImageRef | None, chain: list[Stage]) -> bool:
    """Whether the base image's own entrypoint runs the container's command as an
    unprivileged user (data/nonroot_images.yaml `steps_down`): the stages keep its ENTRYPOINT,
    and the command is its server's (its own CMD, or an exec-form CMD naming the server or
    starting with an option, which the entrypoint gives to the server)."""
    if ref is None or any(stage.of("ENTRYPOINT") for stage in chain):
        return False
    candidates = _candidates(ref)
    table = load_table("nonroot_images.yaml").get("steps_down", {})
    servers = next((s for p, s in table.items() if _matches(candidates, p)), None)
    if servers is None:
        return False
    cmd = next((stage.of("CMD")[-1] for stage in chain if stage.of("CMD")), None)
    if cmd is None:
        return True
    words = cmd.exec_args if cmd.form == "exec" else None
    return bool(words) and (words[0] in servers or words[0].startswith("-"))


def _effective_user(model: DockerfileModel, stage: Stage) -> tuple[Instruction | None, bool]:
    """The USER instruction in force for a stage (own or inherited) and whether it is root."""
    chain = model.stage_chain(stage)
    for candidate in chain:
        users = candidate.of("USER")
        if users:
            last = users[-1]
            return last, _is_root_user(last.expanded_value)
        if candidate.base_stage is None:
            ref = candidate.ref
            return None, not (runs_as_nonroot_by_default(ref) or _steps_down(ref, chain))
    return None, True


@check("DKR001")
def root_user(document: Document, rule: Rule) -> Iterator[Hit]:
    """The final stage runs as root: no USER (own or inherited, unless the base image runs as
    non-root), or a last USER that is root or 0."""
    model = model_of(document)
    final = model.final_stage
    if final is None:
        return
    user, is_root = _effective_user(model, final)
    if not is_root:
        return
    if user is None:
        yield hit(
            final.from_instruction,
            final,
            f"The final stage {final.label} sets no USER, so the container runs as root; a "
            "compromise of the process is a compromise of root in the container.",
        )
    else:
        yield hit(
            user,
            final,
            f"The final stage {final.label} switches to USER {user.value} (root) and the "
            "container runs as root; a compromise of the process is a compromise of root.",
        )
