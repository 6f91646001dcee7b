"""Dockerfile checks not yet made templates (DKR002, DKR003, DKR009, DKR013, DKR022)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, model_of
from guardlint.checks.registry import check
from guardlint.knowledge.shell_commands import operands
from guardlint.model import Document, Hit, Rule


@check("DKR002")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage in model_of(document).stages:
        ref = stage.ref
        if ref is None or ref.digest or (ref.tag and ref.tag.lower() != "latest"):
            continue
        how = "has no tag" if not ref.tag else "uses the mutable tag latest"
        yield hit(
            stage.from_instruction,
            stage,
            f"Stage {stage.label} is built FROM {stage.image}, which {how}: every build may "
            "get a different image, so builds are not reproducible or reviewable.",
            properties={"image": stage.image},
        )


@check("DKR003")
def unpinned_digest(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage in model_of(document).stages:
        ref = stage.ref
        if ref is None or ref.digest:
            continue
        yield hit(
            stage.from_instruction,
            stage,
            f"Stage {stage.label} is built FROM {stage.image} without an @sha256 digest: "
            "whoever controls the tag controls what the build runs.",
            properties={"image": stage.image},
        )


@check("DKR009")
def sudo(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in model_of(document).runs():
        if any("sudo" in c.wrapped_in or c.program == "sudo" for c in instruction.commands):
            yield hit(
                instruction,
                stage,
                f"RUN in {in_stage(stage)} uses sudo: builds already run as the current "
                "USER, and sudo in an image invites privilege escalation at run time.",
            )


_UPGRADES = {
    "apt-get": ("upgrade", "dist-upgrade", "full-upgrade"),
    "apt": ("upgrade", "dist-upgrade", "full-upgrade"),
    "apk": ("upgrade",),
    "yum": ("update", "upgrade"),
    "dnf": ("update", "upgrade"),
    "microdnf": ("update", "upgrade"),
}


@check("DKR013")
def package_upgrade(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in model_of(document).runs():
        for command in instruction.commands:
            positional = operands(command.args, command.program)
            verbs = _UPGRADES.get(command.program, ())
            if positional and positional[0] in verbs and len(positional) == 1:
                yield hit(
                    instruction,
                    stage,
                    f"{command.program} {positional[0]} in {in_stage(stage)} upgrades "
                    "every package to whatever is current at build time: builds stop being "
                    "reproducible; use a newer base image instead.",
                )
                break


@check("DKR022")
def apt_not_apt_get(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in model_of(document).runs():
        if any(command.program == "apt" for command in instruction.commands):
            yield hit(
                instruction,
                stage,
                f"RUN in {in_stage(stage)} uses apt, whose command-line interface is not "
                "stable for scripts; use apt-get.",
            )
