"""The build environment: privileged mode (CBD001) and end-of-life runtimes and images
(CBD010), whose table is the one DKR019 and CFN014 read (guardlint.knowledge.end_of_life)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from guardlint.checks.codebuild.hits import buildspec_of, project_hit, project_of
from guardlint.checks.registry import check
from guardlint.documents.codebuild.buildspec import BATCH_IMAGE, EB_SETTINGS
from guardlint.knowledge.end_of_life import (
    RETIRED_CODEBUILD_IMAGES,
    codebuild_lambda_image_runtime,
    codebuild_runtime_end,
    judged_on,
    retired_codebuild_image,
)
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.scalars import truth

# A batch build's own privileged mode (buildspec `batch.*.env`), which overrides the project's.
BATCH_PRIVILEGED_MODE = "privileged-mode"


@check("CBD001")
def privileged_mode(document: Document, rule: Rule) -> Iterator[Hit]:
    """A project whose Environment.PrivilegedMode is (or may be) true, or a buildspec's batch
    build whose env.privileged-mode is."""
    if document.kind == "buildspec":
        buildspec = buildspec_of(document)
        for env, build in buildspec.batch_envs():
            if BATCH_PRIVILEGED_MODE not in env:
                continue
            if any(truth(v) for v in buildspec.deployed_values(env[BATCH_PRIVILEGED_MODE])):
                yield Hit(
                    message=f"The buildspec's {build} runs in privileged mode: its commands (and "
                    "whatever the sources or their dependencies run) get full control of the "
                    "build host's devices and kernel, beyond the container.",
                    region=env.key_region(BATCH_PRIVILEGED_MODE),
                    # Named like the buildspec's env entries (the build is in the message).
                    resource=buildspec.resource(f"env {BATCH_PRIVILEGED_MODE}"),
                )
        return
    project = project_of(document)
    for environment in project.maps(project.props, "Environment"):
        if project.may_be_true(environment, "PrivilegedMode"):
            yield project_hit(
                project,
                f"{project.label} runs its builds in privileged mode: build commands (and "
                "whatever the sources or their dependencies run) get full control of the "
                "build host's devices and kernel, beyond the container.",
                project.at(environment, "PrivilegedMode"),
            )


@check("CBD010")
def eol_build_runtime(document: Document, rule: Rule) -> Iterator[Hit]:
    """A buildspec's runtime-versions entry past its end of life, or a project (or batch
    build) on a retired curated image or a Lambda compute image of an ended runtime, as of
    today or the rule's `as_of` option."""
    today = judged_on(rule.options)
    if document.kind == "buildspec":
        buildspec = buildspec_of(document)
        for entry in buildspec.runtime_versions():
            ended = codebuild_runtime_end(entry.name, entry.written)
            if ended is None or ended.date > today:
                continue
            when = ended.date.isoformat()
            if ended.product == RETIRED_CODEBUILD_IMAGES:
                why = f"only CodeBuild images retired by {when} have it"
            else:
                why = f"it reached end of life on {when}"
            yield Hit(
                message=f"The build installs {entry.name} {entry.written}: {why}, so it gets "
                "no security fixes.",
                region=entry.region,
                resource=buildspec.resource("phase install"),
                properties={"runtime": entry.name, "version": entry.written,
                            "eol": when},
            )  # fmt: skip
        for image, region, build in buildspec.batch_images():
            outdated = _outdated(image, today)
            if outdated:
                yield Hit(
                    message=f"The buildspec's {build} builds on {outdated}",
                    region=region,
                    resource=buildspec.resource(f"env {BATCH_IMAGE}"),
                    properties={"image": image},
                )
        for image, region in buildspec.eb_images():
            outdated = _outdated(image, today)
            if outdated:
                yield Hit(
                    message=f"The EB CLI creates this buildspec's project on {outdated}",
                    region=region,
                    resource=buildspec.resource(EB_SETTINGS),
                    properties={"image": image},
                )
        return
    project = project_of(document)
    for environment in project.maps(project.props, "Environment"):
        # Each image a deployment may give (Fn::If branches): one finding at the one key.
        outdated = [
            (image, found)
            for image in project.strings(environment, "Image")
            if (found := _outdated(image, today))
        ]
        if outdated:
            (image, first), *others = outdated
            also = "".join(f" Another deployment builds on {found}" for _, found in others)
            yield project_hit(project, f"{project.label} builds on {first}{also}",
                              project.at(environment, "Image"), image=image)  # fmt: skip


def _outdated(image: str, today: date) -> str | None:
    """What to say of a curated image retired by `today`, or of a Lambda compute image whose
    runtime has ended by then; None for any other image."""
    retired = retired_codebuild_image(image)
    if retired is not None and (retired.since is None or retired.since <= today):
        since = f" (deprecated {retired.since.isoformat()})" if retired.since else ""
        return (
            f"{image}, a retired CodeBuild image{since}: it gets no updates, so its runtimes "
            "and tools keep their known vulnerabilities."
        )
    built_for = codebuild_lambda_image_runtime(image)
    ended = codebuild_runtime_end(*built_for) if built_for else None
    if built_for and ended is not None and ended.date <= today:
        runtime, version = built_for
        return (
            f"{image.strip()}, a Lambda compute image built for {runtime} {version}, which "
            f"reached end of life on {ended.date.isoformat()}: the build gets no security fixes."
        )
    return None
